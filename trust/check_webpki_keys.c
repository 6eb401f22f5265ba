/*
 * webpki key rules (CA/B BR §6.1.5, §7.1.3.1), on every certificate of the
 * path, the root included.  check_algs.c already refuses RSA under 2048 bits,
 * DSA and curves other than P-256/P-384/P-521 under the TLS profiles; the BRs
 * narrow that further:
 *  - webpki.key.rsa-modulus: the modulus is a whole number of bytes;
 *  - webpki.key.forbidden-curve: P-521 is not allowed;
 *  - webpki.key.forbidden-type: Ed448 is not allowed (Ed25519 is, as in
 *    rustls-webpki).
 */
#include "validate_checks.h"

static bool is_p521(const trust_cert *c)
{
	return c->curve_nid == NID_secp521r1;
}

static size_t check_key(tv_ctx *ctx, tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	const char *pol = ctx->rules.policy_name;
	tfinding *f;
	switch (c->pkey_type) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		if (c->pkey_bits % 8 == 0)
			return 0;
		f = tpath_add(p, "webpki.key.rsa-modulus", TRUST_SEV_ERROR, (int)i, pol,
			      "RSA modulus of %d bits; the Baseline Requirements want a multiple "
			      "of 8", c->pkey_bits);
		tfinding_param(f, "bits", "%d", c->pkey_bits);
		return 1;
	case EVP_PKEY_EC:
		if (!is_p521(c))
			return 0;
		f = tpath_add(p, "webpki.key.forbidden-curve", TRUST_SEV_ERROR, (int)i, pol,
			      "EC key on P-521; the Baseline Requirements allow P-256 and P-384 only");
		tfinding_param(f, "curve", "P-521");
		return 1;
	case EVP_PKEY_ED448:
		f = tpath_add(p, "webpki.key.forbidden-type", TRUST_SEV_ERROR, (int)i, pol,
			      "Ed448 key; the web PKI accepts RSA, P-256, P-384 and Ed25519");
		tfinding_param(f, "type", "Ed448");
		return 1;
	default:
		return 0; /* other types are check_algs.c's to refuse */
	}
}

size_t twebpki_check_keys(tv_ctx *ctx, tpath *p)
{
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++)
		bad += check_key(ctx, p, i);
	return bad;
}
