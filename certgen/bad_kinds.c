/*
 * The offline catalogue of broken certificates: what each kind is, which
 * shipped policy catches it and the rule id that policy reports.  The ids are
 * libtrust's (trustcheck --format json, reason.id); tests/cli/test_certgen_bad.sh
 * checks that trustcheck reports exactly these.  Recipes are in cmd_bad.c.
 */
#include "certgen.h"

#include <string.h>

const cg_bad_kind cg_bad_kinds[] = {
	{ "expired", "tls-server", "rfc5280.validity.expired",
	  "the leaf's notAfter is a day in the past", "expired" },
	{ "not-yet-valid", "tls-server", "rfc5280.validity.not-yet-valid",
	  "the leaf's notBefore is a day in the future", "not-yet-valid" },
	{ "wrong-host", "tls-server", "names.dns.mismatch",
	  "the leaf names other.invalid, not the host", "wrong-host" },
	{ "self-signed", "tls-server", "path.untrusted-root",
	  "the leaf signed itself; no CA vouches for it", "self-signed" },
	{ "untrusted-root", "tls-server", "path.untrusted-root",
	  "a valid chain to a root that is not the trusted anchor", "untrusted-root" },
	{ "cn-only", "tls-server", "names.dns.mismatch",
	  "the host is only in the subject CN; there is no subjectAltName (RFC 6125 §6.4.4)", "cn-only" },
	{ "no-san", "tls-server", "names.dns.mismatch",
	  "no subjectAltName and no CN: the certificate names no host", "no-san" },
	{ "sha1-leaf", "tls-server", "rfc5280.signature.weak-digest",
	  "the leaf is signed with SHA-1 (collisions are practical: SHAttered 2017)", "sha1-leaf" },
	{ "sha1-intermediate", "tls-server", "rfc5280.signature.weak-digest",
	  "the intermediate is signed with SHA-1", "sha1-intermediate" },
	{ "rsa-1024", "tls-server", "rfc5280.key.rsa-too-small",
	  "the leaf has a 1024-bit RSA key", "rsa-1024" },
	{ "long-validity", "apple", "apple.validity-max-private",
	  "the leaf is valid for 900 days; Apple allows 825 under a user-installed root", "long-validity" },
	{ "missing-server-eku", "tls-server", "rfc5280.eku.missing-purpose",
	  "the leaf's extendedKeyUsage lacks serverAuth (it has emailProtection only)",
	  "missing-server-eku" },
	{ "client-eku-on-server", "tls-server", "rfc5280.eku.missing-purpose",
	  "a clientAuth-only certificate is served as a TLS server certificate", "client-eku-on-server" },
	{ "ca-as-leaf", "apple", "apple.tls-keyusage",
	  "a CA certificate (keyUsage keyCertSign only, no digitalSignature) is served as the TLS server certificate", "ca-as-leaf" },
	{ "incomplete-chain", "tls-server", "path.no-issuer",
	  "the server sends the leaf without its intermediate", "incomplete-chain" },
	{ "revoked", "tls-server", "revocation.revoked",
	  "the leaf is revoked (keyCompromise) by its issuer's CRL, crl.pem", "revoked" },
	{ "pathlen-violation", "tls-server", "rfc5280.basic-constraints.path-length",
	  "an intermediate with pathLenConstraint 0 issued another CA", "pathlen-violation" },
	{ "name-constraint-violation", "tls-server", "rfc5280.nc.permitted",
	  "the intermediate may only issue for allowed.invalid, the leaf is for another name",
	  "name-constraint-violation" },
	{ "wildcard-too-broad", "tls-server", "names.dns.mismatch",
	  "the leaf's wildcard covers a whole top-level domain", "wildcard-too-broad" },
	{ "bad-signature", "tls-server", "rfc5280.signature.invalid",
	  "the leaf's signature does not verify under its issuer's key", "bad-signature" },
	{ "non-critical-basic-constraints", "tls-server", "rfc5280.basic-constraints.not-critical",
	  "the intermediate's basicConstraints is not marked critical (RFC 5280 §4.2.1.9)",
	  "non-critical-basic-constraints" },
};

const size_t cg_bad_nkinds = sizeof cg_bad_kinds / sizeof cg_bad_kinds[0];

const cg_bad_kind *cg_bad_find(const char *kind)
{
	for (size_t i = 0; i < cg_bad_nkinds; i++)
		if (strcmp(cg_bad_kinds[i].kind, kind) == 0)
			return &cg_bad_kinds[i];
	return NULL;
}
