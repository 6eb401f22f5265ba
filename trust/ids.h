/*
 * Finding ids and budget ids: the stable names reports and callers match on
 * (docs/validation.md).  Code names them through these constants only, so a
 * typo is a compile error rather than a rule that silently never matches.
 */
#ifndef TRUST_IDS_H
#define TRUST_IDS_H

/* The headline reason of a trusted result. */
#define TRUST_ID_OK "ok"

/* Internal failures: a check could not run or record its result. */
#define TRUST_ID_INTERNAL_ERROR "internal.error"
#define TRUST_ID_INTERNAL_NO_MEMORY "internal.no-memory"
#define TRUST_ID_INTERNAL_NO_REASON "internal.no-reason"

/* Work budgets (the search stopped). */
#define TRUST_ID_BUDGET_APPENDS "budget.appends"
#define TRUST_ID_BUDGET_DEPTH "budget.depth"
#define TRUST_ID_BUDGET_NAME_CONSTRAINTS "budget.name-constraints"
#define TRUST_ID_BUDGET_PATHS "budget.paths"
#define TRUST_ID_BUDGET_PRESENTED "budget.presented"
#define TRUST_ID_BUDGET_SIGNATURES "budget.signatures"

/* Path building. */
#define TRUST_ID_PATH_LOOP "path.loop"
#define TRUST_ID_PATH_NO_ISSUER "path.no-issuer"
#define TRUST_ID_PATH_NO_PATH "path.no-path"
#define TRUST_ID_PATH_REJECTED "path.rejected"
#define TRUST_ID_PATH_UNTRUSTED_ROOT "path.untrusted-root"

/* RFC 5280 rules (every policy). */
#define TRUST_ID_RFC5280_AIA_CRITICAL "rfc5280.aia.critical"
#define TRUST_ID_RFC5280_AKI_CRITICAL "rfc5280.aki.critical"
#define TRUST_ID_RFC5280_AKI_MISSING "rfc5280.aki.missing"
#define TRUST_ID_RFC5280_AKI_MISSING_KEY_ID "rfc5280.aki.missing-key-id"
#define TRUST_ID_RFC5280_ALGORITHMS "rfc5280.algorithms"
#define TRUST_ID_RFC5280_BASIC_CONSTRAINTS "rfc5280.basic-constraints"
#define TRUST_ID_RFC5280_BASIC_CONSTRAINTS_MISSING "rfc5280.basic-constraints.missing"
#define TRUST_ID_RFC5280_BASIC_CONSTRAINTS_NOT_CA "rfc5280.basic-constraints.not-ca"
#define TRUST_ID_RFC5280_BASIC_CONSTRAINTS_NOT_CRITICAL "rfc5280.basic-constraints.not-critical"
#define TRUST_ID_RFC5280_BASIC_CONSTRAINTS_PATH_LENGTH "rfc5280.basic-constraints.path-length"
#define TRUST_ID_RFC5280_EKU "rfc5280.eku"
#define TRUST_ID_RFC5280_EKU_ISSUER_LACKS_PURPOSE "rfc5280.eku.issuer-lacks-purpose"
#define TRUST_ID_RFC5280_EKU_MISSING_PURPOSE "rfc5280.eku.missing-purpose"
#define TRUST_ID_RFC5280_EXTENSIONS "rfc5280.extensions"
#define TRUST_ID_RFC5280_EXTENSIONS_DUPLICATE "rfc5280.extensions.duplicate"
#define TRUST_ID_RFC5280_EXTENSIONS_MALFORMED "rfc5280.extensions.malformed"
#define TRUST_ID_RFC5280_EXTENSIONS_UNKNOWN_CRITICAL "rfc5280.extensions.unknown-critical"
#define TRUST_ID_RFC5280_FIELDS "rfc5280.fields"
#define TRUST_ID_RFC5280_ISSUER_EMPTY "rfc5280.issuer.empty"
#define TRUST_ID_RFC5280_KEY_USAGE_KEYCERTSIGN_NOT_CA "rfc5280.key-usage.keycertsign-not-ca"
#define TRUST_ID_RFC5280_KEY_USAGE_NO_KEYCERTSIGN "rfc5280.key-usage.no-keycertsign"
#define TRUST_ID_RFC5280_KEY_EXPLICIT_CURVE "rfc5280.key.explicit-curve"
#define TRUST_ID_RFC5280_KEY_FORBIDDEN_CURVE "rfc5280.key.forbidden-curve"
#define TRUST_ID_RFC5280_KEY_FORBIDDEN_TYPE "rfc5280.key.forbidden-type"
#define TRUST_ID_RFC5280_KEY_RSA_TOO_SMALL "rfc5280.key.rsa-too-small"
#define TRUST_ID_RFC5280_KEY_UNREADABLE "rfc5280.key.unreadable"
#define TRUST_ID_RFC5280_NC "rfc5280.nc"
#define TRUST_ID_RFC5280_NC_EMPTY "rfc5280.nc.empty"
#define TRUST_ID_RFC5280_NC_EXCLUDED "rfc5280.nc.excluded"
#define TRUST_ID_RFC5280_NC_IN_LEAF "rfc5280.nc.in-leaf"
#define TRUST_ID_RFC5280_NC_INTERNAL "rfc5280.nc.internal"
#define TRUST_ID_RFC5280_NC_INVALID "rfc5280.nc.invalid"
#define TRUST_ID_RFC5280_NC_INVALID_NAME "rfc5280.nc.invalid-name"
#define TRUST_ID_RFC5280_NC_MALFORMED "rfc5280.nc.malformed"
#define TRUST_ID_RFC5280_NC_NOT_CRITICAL "rfc5280.nc.not-critical"
#define TRUST_ID_RFC5280_NC_PERMITTED "rfc5280.nc.permitted"
#define TRUST_ID_RFC5280_NC_UNSUPPORTED "rfc5280.nc.unsupported"
#define TRUST_ID_RFC5280_SAN_MISSING_EMPTY_SUBJECT "rfc5280.san.missing-empty-subject"
#define TRUST_ID_RFC5280_SAN_NOT_CRITICAL "rfc5280.san.not-critical"
#define TRUST_ID_RFC5280_SERIAL_NEGATIVE "rfc5280.serial.negative"
#define TRUST_ID_RFC5280_SERIAL_TOO_LONG "rfc5280.serial.too-long"
#define TRUST_ID_RFC5280_SERIAL_ZERO "rfc5280.serial.zero"
#define TRUST_ID_RFC5280_SIGNATURE "rfc5280.signature"
#define TRUST_ID_RFC5280_SIGNATURE_ALGORITHM_MISMATCH "rfc5280.signature.algorithm-mismatch"
#define TRUST_ID_RFC5280_SIGNATURE_FORBIDDEN_ALGORITHM "rfc5280.signature.forbidden-algorithm"
#define TRUST_ID_RFC5280_SIGNATURE_INVALID "rfc5280.signature.invalid"
#define TRUST_ID_RFC5280_SIGNATURE_WEAK_DIGEST "rfc5280.signature.weak-digest"
#define TRUST_ID_RFC5280_SKI_CRITICAL "rfc5280.ski.critical"
#define TRUST_ID_RFC5280_SKI_MISSING "rfc5280.ski.missing"
#define TRUST_ID_RFC5280_SUBJECT_EMPTY_CA "rfc5280.subject.empty-ca"
#define TRUST_ID_RFC5280_VALIDITY "rfc5280.validity"
#define TRUST_ID_RFC5280_VALIDITY_EXPIRED "rfc5280.validity.expired"
#define TRUST_ID_RFC5280_VALIDITY_NOT_YET_VALID "rfc5280.validity.not-yet-valid"
#define TRUST_ID_RFC5280_VERSION_EXTENSIONS_BEFORE_V3 "rfc5280.version.extensions-before-v3"

/* CA/Browser Forum Baseline Requirements (tls-server; the webpki policy adds the rest). */
#define TRUST_ID_WEBPKI_AKI_ISSUER_SERIAL "webpki.aki.issuer-serial"
#define TRUST_ID_WEBPKI_AKI_SKI_MISMATCH "webpki.aki.ski-mismatch"
#define TRUST_ID_WEBPKI_EKU_ANY "webpki.eku.any"
#define TRUST_ID_WEBPKI_EKU_CRITICAL "webpki.eku.critical"
#define TRUST_ID_WEBPKI_EKU_MISSING "webpki.eku.missing"
#define TRUST_ID_WEBPKI_EKU_ROOT "webpki.eku.root"
#define TRUST_ID_WEBPKI_SAN_CRITICAL "webpki.san.critical"
#define TRUST_ID_WEBPKI_VERSION_NOT_V3 "webpki.version.not-v3"
#define TRUST_ID_WEBPKI_CN_MULTIPLE "webpki.cn.multiple"
#define TRUST_ID_WEBPKI_CN_NOT_IN_SAN "webpki.cn.not-in-san"
#define TRUST_ID_WEBPKI_KEY_FORBIDDEN "webpki.key.forbidden"
#define TRUST_ID_WEBPKI_KEY_RSA_MODULUS "webpki.key.rsa-modulus"
#define TRUST_ID_WEBPKI_LEAF_CA "webpki.leaf.ca"
#define TRUST_ID_WEBPKI_SAN_UNDERSCORE "webpki.san.underscore"
#define TRUST_ID_WEBPKI_SAN_WILDCARD_PUBLIC_SUFFIX "webpki.san.wildcard-public-suffix"
#define TRUST_ID_CABF_VALIDITY_SCHEDULE "cabf.validity-schedule"

/* TLS profile rules. */
#define TRUST_ID_TLS_KEY_USAGE_PURPOSE "tls.key-usage.purpose"
#define TRUST_ID_TLS_LEAF_CA "tls.leaf.ca"

/* Host and IP names. */
#define TRUST_ID_NAMES_DNS "names.dns"
#define TRUST_ID_NAMES_DNS_MISMATCH "names.dns.mismatch"
#define TRUST_ID_NAMES_IP "names.ip"
#define TRUST_ID_NAMES_IP_MISMATCH "names.ip.mismatch"
#define TRUST_ID_NAMES_EMAIL "names.email"
#define TRUST_ID_NAMES_EMAIL_MISMATCH "names.email.mismatch"
#define TRUST_ID_NAMES_URI "names.uri"
#define TRUST_ID_NAMES_URI_MISMATCH "names.uri.mismatch"
#define TRUST_ID_NAMES_SAN_MALFORMED "names.san.malformed"

/* Revocation. */
#define TRUST_ID_REVOCATION_CRL "revocation.crl"
#define TRUST_ID_REVOCATION_CRL_NOT_YET_VALID "revocation.crl-not-yet-valid"
#define TRUST_ID_REVOCATION_CRL_STALE "revocation.crl-stale"
#define TRUST_ID_REVOCATION_CRL_UNSUPPORTED "revocation.crl-unsupported"
#define TRUST_ID_REVOCATION_CRL_UNUSABLE "revocation.crl-unusable"
#define TRUST_ID_REVOCATION_REVOKED "revocation.revoked"
#define TRUST_ID_REVOCATION_COVERED "revocation.covered"
#define TRUST_ID_REVOCATION_NOT_COVERED "revocation.not-covered"
#define TRUST_ID_REVOCATION_NOT_CHECKED "revocation.not-checked"
#define TRUST_ID_REVOCATION_OCSP_UNUSABLE "revocation.ocsp-unusable"

/* Certificate Transparency: one finding per SCT of the leaf (ct_verify.c). */
#define TRUST_ID_CT_SCT_VALID "ct.sct.valid"
#define TRUST_ID_CT_SCT_BAD_SIGNATURE "ct.sct.bad-signature"
#define TRUST_ID_CT_SCT_UNKNOWN_LOG "ct.sct.unknown-log"
#define TRUST_ID_CT_SCT_LOG_NOT_USABLE "ct.sct.log-not-usable"
#define TRUST_ID_CT_SCT_FUTURE "ct.sct.future"
#define TRUST_ID_CT_SCT_UNVERIFIED "ct.sct.unverified"

/* App Transport Security (policy overlays). */
#define TRUST_ID_ATS_PINNED_DOMAINS "ats.pinned-domains"

/* Key pins (policy overlays). */
#define TRUST_ID_PIN_SPKI "pin.spki"

#endif
