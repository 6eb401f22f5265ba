/*
 * The webpki policy: tls-server plus the CA/Browser Forum Baseline
 * Requirements rules that browsers enforce and RFC 5280 leaves open.  This
 * file runs the groups in order and holds the EKU and certificate-role rules;
 * names, keys and the validity schedule have files of their own.
 *
 *  - webpki.eku.missing / .any / .critical (BR §7.1.2.7.10): the leaf carries
 *    a non-critical EKU that names serverAuth and not anyExtendedKeyUsage
 *    (eku.c has already checked that serverAuth is there when EKU is).
 *  - webpki.eku.root (BR §7.1.2.1.2): a root (the anchor above a longer path)
 *    carries no EKU.
 *  - webpki.leaf.ca (BR §7.1.2.7.8): a subscriber certificate is not a CA.
 *    RFC 5280 lets a consistent cA=TRUE leaf pass; browsers do not.
 */
#include "validate_checks.h"

static size_t check_leaf_eku(tv_ctx *ctx, tpath *p)
{
	const trust_cert *c = p->certs[0];
	const char *pol = ctx->rules.policy_name;
	if (!tv_ext_reliable(c))
		return 0;
	if (!c->has_eku) {
		tpath_add(p, "webpki.eku.missing", TRUST_SEV_ERROR, 0, pol,
			  "the leaf has no extendedKeyUsage; the web PKI requires serverAuth");
		return 1;
	}
	size_t bad = 0;
	if (c->xku & XKU_ANYEKU) {
		tpath_add(p, "webpki.eku.any", TRUST_SEV_ERROR, 0, pol,
			  "the leaf's extendedKeyUsage includes anyExtendedKeyUsage");
		bad++;
	}
	if (tcert_ext_critical(c, NID_ext_key_usage)) {
		tpath_add(p, "webpki.eku.critical", TRUST_SEV_ERROR, 0, pol,
			  "the leaf's extendedKeyUsage is critical");
		bad++;
	}
	return bad;
}

static size_t check_root_eku(tv_ctx *ctx, tpath *p)
{
	size_t i = p->n - 1;
	const trust_cert *c = p->certs[i];
	if (p->n < 2 || !tv_is_anchor(p, i) || !c->has_eku || !tv_ext_reliable(c))
		return 0;
	tpath_add(p, "webpki.eku.root", TRUST_SEV_ERROR, (int)i, ctx->rules.policy_name,
		  "the root carries extendedKeyUsage (CA/B BR §7.1.2.1.2)");
	return 1;
}

static size_t check_leaf_not_ca(tv_ctx *ctx, tpath *p)
{
	if (!p->certs[0]->is_ca)
		return 0;
	tpath_add(p, "webpki.leaf.ca", TRUST_SEV_ERROR, 0, ctx->rules.policy_name,
		  "the leaf is a CA certificate (basicConstraints cA TRUE); a server "
		  "certificate must not be one");
	return 1;
}

void tcheck_webpki(tv_ctx *ctx, tpath *p)
{
	const char *pol = ctx->rules.policy_name;
	if (check_leaf_eku(ctx, p) + check_root_eku(ctx, p) + check_leaf_not_ca(ctx, p) == 0)
		tpath_add(p, "webpki.eku", TRUST_SEV_PASS, -1, pol,
			  "the leaf is a non-CA serverAuth certificate and the root carries no EKU");
	if (twebpki_check_names(ctx, p) == 0)
		tpath_add(p, "webpki.names", TRUST_SEV_PASS, 0, pol,
			  "the leaf's common name and subjectAltName follow the Baseline "
			  "Requirements");
	if (twebpki_check_keys(ctx, p) == 0)
		tpath_add(p, "webpki.keys", TRUST_SEV_PASS, -1, pol,
			  "every key is RSA (whole bytes), P-256, P-384 or Ed25519");
	twebpki_check_validity(ctx, p);
}
