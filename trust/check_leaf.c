/*
 * The leaf's role.  Under a TLS policy the first certificate is the peer's
 * own; when it is a CA certificate the bundle was most likely given in the
 * wrong order (root first, as some tools write it), and a one-certificate
 * "path" made of a trusted root would otherwise pass without a word.  The
 * rule warns rather than rejects: RFC 5280 lets a CA certificate be the end
 * of a path, and rejecting would break setups that rely on it.
 */
#include "validate_checks.h"

/* The first certificate the peer sent after index 0 that is not a CA, or NULL. */
static const trust_cert *later_leaf(const tv_ctx *ctx)
{
	const tcert_list *sent = ctx->chain ? &ctx->chain->certs : NULL;
	for (size_t i = 1; sent && i < sent->n; i++)
		if (tcert_ready(sent->v[i]) && !sent->v[i]->is_ca)
			return sent->v[i];
	return NULL;
}

int tcheck_leaf_role(tv_ctx *ctx, tpath *p)
{
	const trust_cert *leaf = p->certs[0];
	if (!tv_tls_profile(ctx) || !leaf->is_ca)
		return 0;
	const trust_cert *real = later_leaf(ctx);
	tfinding *f;
	if (real)
		f = tpath_add(p, TRUST_ID_TLS_LEAF_CA, TRUST_SEV_WARNING, 0, ctx->rules.policy_name,
			      "the first certificate, %s, is a CA certificate; the bundle looks "
			      "reversed: put the leaf %s first",
			      trust_cert_subject(leaf), trust_cert_subject(real));
	else
		f = tpath_add(p, TRUST_ID_TLS_LEAF_CA, TRUST_SEV_WARNING, 0, ctx->rules.policy_name,
			      "the first certificate, %s, is a CA certificate, not a TLS peer's: "
			      "give the leaf first",
			      trust_cert_subject(leaf));
	tfinding_param(f, "subject", "%s", trust_cert_subject(leaf));
	if (real)
		tfinding_param(f, "leaf", "%s", trust_cert_subject(real));
	return 0; /* a warning: the key-usage and webpki rules decide */
}
