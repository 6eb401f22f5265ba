/*
 * The per-path checks that tvalidate_path (validate.c) runs in order.  Each
 * check reads a complete path (certs[0] = leaf, certs[n-1] = anchor), appends
 * error findings for every rule that failed and one PASS summary for each rule
 * group that held, so a report can list every rule either way.
 *
 * Profiles: RFC 5280 rules apply under every policy and carry policy
 * "rfc5280".  Key-strength rules tighten under both TLS policies.  Rules from
 * the CA/Browser Forum Baseline Requirements (ids "webpki.*") apply to TLS
 * server paths only, the certificates the BRs govern: private client PKIs are
 * not held to them.  They carry the policy's name.  The webpki policy
 * (TRUST_EVAL_WEBPKI_STRICT) adds the pedantic ones in check_webpki*.c.
 */
#ifndef TRUST_VALIDATE_CHECKS_H
#define TRUST_VALIDATE_CHECKS_H

#include "internal.h"

/* 1 if the rule set is a TLS profile (tls-server / tls-client), not bare rfc5280. */
static inline bool tv_tls_profile(const tv_ctx *ctx)
{
	return ctx->rules.check_names || ctx->rules.eku_nid != NID_undef;
}

/* 1 if the CA/B Forum Baseline Requirements apply: a TLS server path. */
static inline bool tv_br_profile(const tv_ctx *ctx)
{
	return ctx->rules.eku_nid == NID_server_auth;
}

/* 1 if certificate i of p is a trust anchor. */
static inline bool tv_is_anchor(const tpath *p, size_t i)
{
	return p->origin[i] != TRUST_ORIGIN_NONE;
}

/*
 * Severity of a structural profile rule (basicConstraints criticality, SKI
 * presence, AKI form) broken by certificate i.  Anchors from the platform
 * bundle are vetted by the root programs, which grandfather a few roots made
 * before RFC 5280 (Go Daddy and Starfield Class 2, Certigna, QuoVadis 2 and 3,
 * Hongkong Post 1, TWCA Global, Chunghwa ePKI in Debian's bundle of 2026);
 * for them these rules only warn, so the platform's own trust decision
 * stands.  Every other certificate, user-added anchors included, is held to
 * the rule (x509-limbo rfc5280::root-non-critical-basic-constraints,
 * rfc5280::ski::root-missing-ski, webpki::aki::root-with-aki-*).
 */
static inline trust_severity tv_profile_sev(const tpath *p, size_t i)
{
	return p->origin[i] == TRUST_ORIGIN_SYSTEM ? TRUST_SEV_WARNING : TRUST_SEV_ERROR;
}

/*
 * 1 if OpenSSL's cached extension facts (SKI, AKI, keyUsage, EKU bits in the
 * trust_cert record) can be believed.  OpenSSL 3 withholds them from a
 * certificate it marked EXFLAG_INVALID; such a certificate is already rejected
 * as malformed, and checks that read those facts skip it rather than add
 * findings that would be wrong.
 */
static inline bool tv_ext_reliable(const trust_cert *c)
{
	return (c->ex_flags & EXFLAG_INVALID) == 0;
}

/* Number of error findings on p (to tell whether a check added any). */
TRUST_HIDDEN size_t tv_error_count(const tpath *p);

/* Each check returns 1 if it rejected the path (its error findings added), else 0. */
/* Validity of every certificate, anchor included, at ctx->at (check_validity.c). */
TRUST_HIDDEN int tcheck_validity(tv_ctx *ctx, tpath *p);
/* Signature algorithms and public keys (check_algs.c). */
TRUST_HIDDEN int tcheck_algorithms(tv_ctx *ctx, tpath *p);
/* Version, serial number, issuer and subject fields (check_fields.c). */
TRUST_HIDDEN int tcheck_fields(tv_ctx *ctx, tpath *p);
/* Well-formed, non-duplicated, understood extensions; AKI/SKI/SAN/AIA rules (check_ext.c). */
TRUST_HIDDEN int tcheck_extensions(tv_ctx *ctx, tpath *p);
/* basicConstraints, keyUsage and pathLenConstraint (check_ca.c). */
TRUST_HIDDEN int tcheck_ca(tv_ctx *ctx, tpath *p);
/* Extended key usage for the rule set's purpose, intermediates included (check_eku.c). */
TRUST_HIDDEN int tcheck_eku(tv_ctx *ctx, tpath *p);
/* Under a TLS policy, a warning when the leaf is a CA certificate (check_leaf.c). */
TRUST_HIDDEN int tcheck_leaf_role(tv_ctx *ctx, tpath *p);
/* Revocation of every non-anchor certificate against the store's CRLs and
 * OCSP responses, per ctx->revocation (check_revocation.c). */
TRUST_HIDDEN int tcheck_revocation(tv_ctx *ctx, tpath *p);
/* The ERROR revocation.revoked on certificate i: `source` ("crl", "ocsp"), CRL
 * reason code (-1 none), revocation time (check_revocation.c). */
TRUST_HIDDEN void tv_report_revoked(tpath *p, size_t i, const char *source, int reason,
				    const ASN1_TIME *when);

/* What a revocation source said about one certificate. */
typedef enum tv_rev_answer { TV_REV_NONE, TV_REV_GOOD, TV_REV_REVOKED } tv_rev_answer;
/* Certificate i of p against the store's OCSP responses and the stapled one
 * (check_ocsp.c): TV_REV_NONE with *why when none usable names it. */
TRUST_HIDDEN tv_rev_answer tcheck_ocsp(tv_ctx *ctx, tpath *p, size_t i, const char **why);
/* 1 if there is any OCSP response to consult (store or stapled). */
TRUST_HIDDEN bool tcheck_ocsp_available(const tv_ctx *ctx);

/* The webpki rules built in for TRUST_EVAL_WEBPKI_STRICT / base "webpki" (check_webpki.c). */
TRUST_HIDDEN int tcheck_webpki(tv_ctx *ctx, tpath *p);

#endif
