/*
 * The webpki policy: tls-server plus the CA/Browser Forum Baseline
 * Requirements rules that browsers enforce and RFC 5280 leaves open.
 *
 * Each rule is a kind of policies/webpki.json (policy.h describes kinds);
 * this file holds the EKU and certificate-role kinds, and names, keys and the
 * validity schedule have files of their own.  TRUST_EVAL_WEBPKI_STRICT, for
 * library callers without a policy file, runs the same kinds from the
 * built-in table below, which mirrors policies/webpki.json (a unit test holds
 * the two to the same ids).
 *
 *  - leaf-eku-present / leaf-eku-no-any / leaf-eku-not-critical (BR
 *    §7.1.2.7.10): the leaf carries a non-critical EKU without
 *    anyExtendedKeyUsage (check_eku.c has already required serverAuth in it).
 *  - root-no-eku (BR §7.1.2.1.2): the anchor above a longer path has no EKU.
 *  - leaf-not-ca (BR §7.1.2.7.8): a subscriber certificate is not a CA,
 *    although RFC 5280 lets a consistent cA=TRUE leaf pass.
 */
#include "policy.h"
#include "validate_checks.h"

#include <string.h>

void tcheck_leaf_eku_present(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const trust_cert *c = p->certs[0];
	if (!tv_ext_reliable(c))
		return;
	if (c->has_eku)
		tpolicy_pass(p, r, 0, "the leaf has an extendedKeyUsage");
	else
		tpolicy_fail(p, r, 0, "the leaf has no extendedKeyUsage; the web PKI requires "
				      "serverAuth in one");
}

void tcheck_leaf_eku_no_any(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const trust_cert *c = p->certs[0];
	if (!c->has_eku || !tv_ext_reliable(c))
		return;
	if (c->xku & XKU_ANYEKU)
		tpolicy_fail(p, r, 0, "the leaf's extendedKeyUsage includes anyExtendedKeyUsage");
	else
		tpolicy_pass(p, r, 0, "the leaf's extendedKeyUsage has no anyExtendedKeyUsage");
}

void tcheck_leaf_eku_not_critical(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const trust_cert *c = p->certs[0];
	if (!c->has_eku || !tv_ext_reliable(c))
		return;
	if (tcert_ext_critical(c, NID_ext_key_usage))
		tpolicy_fail(p, r, 0, "the leaf's extendedKeyUsage is critical");
	else
		tpolicy_pass(p, r, 0, "the leaf's extendedKeyUsage is not critical");
}

void tcheck_root_no_eku(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	size_t i = p->n - 1;
	const trust_cert *c = p->certs[i];
	if (p->n < 2 || !tv_is_anchor(p, i) || !tv_ext_reliable(c))
		return;
	if (c->has_eku)
		tpolicy_fail(p, r, (int)i, "the root carries extendedKeyUsage (CA/B BR 7.1.2.1.2)");
	else
		tpolicy_pass(p, r, (int)i, "the root carries no extendedKeyUsage");
}

void tcheck_leaf_not_ca(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	if (p->certs[0]->is_ca)
		tpolicy_fail(p, r, 0, "the leaf is a CA certificate (basicConstraints cA TRUE); a "
				      "server certificate must not be one");
	else
		tpolicy_pass(p, r, 0, "the leaf is not a CA certificate");
}

/* ---- built-in webpki rules (TRUST_EVAL_WEBPKI_STRICT) ---- */

#define ALL_CERTS (TPS_LEAF | TPS_INTERMEDIATES | TPS_ANCHOR)

static const char *const webpki_keys[] = { "rsa", "p256", "p384", "ed25519" };

static const struct {
	const char *id, *kind;
	unsigned certs, origins;
	const char *remedy;
	const char *const *words; /* the kind's first parameter, a word list */
	size_t nwords;
} builtin[] = {
	{ .id = TRUST_ID_WEBPKI_EKU_MISSING, .kind = "leaf-eku-present",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "reissue the leaf with extendedKeyUsage serverAuth: `certgen leaf HOST`" },
	{ .id = TRUST_ID_WEBPKI_EKU_ANY, .kind = "leaf-eku-no-any",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "reissue the leaf with extendedKeyUsage serverAuth only: `certgen leaf HOST`" },
	{ .id = TRUST_ID_WEBPKI_EKU_CRITICAL, .kind = "leaf-eku-not-critical",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "reissue the leaf with a non-critical extendedKeyUsage: `certgen leaf HOST`" },
	{ .id = TRUST_ID_WEBPKI_EKU_ROOT, .kind = "root-no-eku",
	  .certs = TPS_ANCHOR, .origins = TPO_ALL,
	  .remedy = "chain to a root without extendedKeyUsage; restrict the intermediates instead" },
	{ .id = TRUST_ID_WEBPKI_LEAF_CA, .kind = "leaf-not-ca",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "serve an end-entity certificate (CA:FALSE) issued by the CA: `certgen leaf "
		    "HOST`" },
	{ .id = TRUST_ID_WEBPKI_CN_NOT_IN_SAN, .kind = "cn-in-san",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "reissue with the CN copied exactly from a SAN entry (A-label, lower-case IPv6 "
		    "in RFC 5952 form), or without a CN" },
	{ .id = TRUST_ID_WEBPKI_CN_MULTIPLE, .kind = "cn-single",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "reissue with one commonName at most" },
	{ .id = TRUST_ID_WEBPKI_SAN_UNDERSCORE, .kind = "dns-no-underscore",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "rename the host without '_' and reissue" },
	{ .id = TRUST_ID_WEBPKI_SAN_WILDCARD_PUBLIC_SUFFIX, .kind = "wildcard-not-public-suffix",
	  .certs = TPS_LEAF, .origins = TPO_ALL,
	  .remedy = "reissue with the wildcard below your registrable domain (*.example.co.uk, not "
		    "*.co.uk)" },
	{ .id = TRUST_ID_WEBPKI_KEY_RSA_MODULUS, .kind = "rsa-modulus-bytes",
	  .certs = ALL_CERTS, .origins = TPO_ALL,
	  .remedy = "reissue with an RSA key of 2048, 3072 or 4096 bits: `certgen leaf HOST --key "
		    "rsa2048`" },
	{ .id = TRUST_ID_WEBPKI_KEY_FORBIDDEN, .kind = "key-types",
	  .certs = ALL_CERTS, .origins = TPO_ALL,
	  .remedy = "reissue with a P-256, P-384, Ed25519 or RSA 2048+ key: `certgen leaf HOST "
		    "--key ec256`",
	  .words = webpki_keys, .nwords = sizeof(webpki_keys) / sizeof(webpki_keys[0]) },
	{ .id = TRUST_ID_CABF_VALIDITY_SCHEDULE, .kind = "validity-schedule",
	  .certs = TPS_LEAF, .origins = TPO_SYSTEM,
	  .remedy = "reissue with a validity within the maximum for its issuance date (200 days "
		    "from 2026-03-15): `certgen leaf HOST --days 199`" },
};

int tcheck_webpki(tv_ctx *ctx, tpath *p)
{
	size_t before = tv_error_count(p);
	unsigned origin = tpolicy_path_origin(p);
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		tpolicy_rule r = { 0 };
		r.id = (char *)builtin[i].id;
		r.kind = tpolicy_kind_find(builtin[i].kind);
		r.policy = ctx->rules.policy_name;
		r.enabled = true;
		r.severity = TRUST_SEV_ERROR;
		r.certs = builtin[i].certs;
		r.origins = builtin[i].origins;
		r.remedy = (char *)builtin[i].remedy;
		if (builtin[i].words) {
			r.params[0].set = true;
			r.params[0].v = (char **)builtin[i].words;
			r.params[0].nv = builtin[i].nwords;
		}
		if (!r.kind) { /* the table names a kind that does not exist: fail closed */
			tpath_add(p, builtin[i].id, TRUST_SEV_ERROR, -1, ctx->rules.policy_name,
				  "internal error: rule kind '%s' is missing", builtin[i].kind);
			continue;
		}
		if (r.origins & origin)
			r.kind->check(ctx, p, &r);
	}
	return tv_error_count(p) > before;
}
