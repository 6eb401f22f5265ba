/*
 * webpki key kinds (CA/B BR §6.1.5, §7.1.3.1), on every certificate the
 * rule's scope names (webpki.json: all of them, the root included):
 *  - rsa-modulus-bytes: an RSA modulus is a whole number of bytes;
 *  - key-types: the key is one of the "allow" words: rsa, p256, p384, p521,
 *    ed25519, ed448 (webpki allows rsa, p256, p384 and ed25519, as
 *    rustls-webpki does).  RSA sizes are check_algs.c's and key-size's.
 */
#include "policy.h"
#include "validate_checks.h"

#include <string.h>

void tcheck_rsa_modulus_bytes(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	size_t bad = 0, rsa = 0;
	for (size_t i = 0; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		if (!tpolicy_cert_in_scope(r, p, i) ||
		    (c->pkey_type != EVP_PKEY_RSA && c->pkey_type != EVP_PKEY_RSA_PSS))
			continue;
		rsa++;
		if (c->pkey_bits % 8 == 0)
			continue;
		tfinding *f = tpolicy_fail(p, r, (int)i,
					   "RSA modulus of %d bits; the Baseline Requirements want "
					   "a multiple of 8", c->pkey_bits);
		tfinding_param(f, "bits", "%d", c->pkey_bits);
		bad++;
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "%zu RSA key%s, each a whole number of bytes", rsa,
			     rsa == 1 ? "" : "s");
}

/* The allow-list word for a certificate's key, or NULL for any other key. */
static const char *key_word(const trust_cert *c)
{
	switch (c->pkey_type) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return "rsa";
	case EVP_PKEY_ED25519:
		return "ed25519";
	case EVP_PKEY_ED448:
		return "ed448";
	case EVP_PKEY_EC:
		return c->curve_nid == NID_X9_62_prime256v1 ? "p256"
		       : c->curve_nid == NID_secp384r1	    ? "p384"
		       : c->curve_nid == NID_secp521r1	    ? "p521"
							    : NULL;
	default:
		return NULL;
	}
}

static const char *key_label(const trust_cert *c, char *buf, size_t len)
{
	int nid = c->pkey_type == EVP_PKEY_EC ? c->curve_nid : c->pkey_type;
	const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
	snprintf(buf, len, "%s", sn ? sn : "unknown");
	return buf;
}

void tcheck_key_types(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	size_t bad = 0, n = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!tpolicy_cert_in_scope(r, p, i))
			continue;
		n++;
		const trust_cert *c = p->certs[i];
		const char *w = key_word(c);
		char label[64];
		if (w && tpolicy_has_word(r, "allow", w))
			continue;
		bad++;
		key_label(c, label, sizeof(label));
		char allowed[128] = "";
		const tparam_value *v = tpolicy_param(r, "allow");
		for (size_t k = 0; v && k < v->nv; k++) {
			strncat(allowed, k ? ", " : "", sizeof(allowed) - strlen(allowed) - 1);
			strncat(allowed, v->v[k], sizeof(allowed) - strlen(allowed) - 1);
		}
		tfinding *f = tpolicy_fail(p, r, (int)i, "%s key; the policy accepts %s", label,
					   allowed);
		tfinding_param(f, "key", "%s", label);
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "%zu key%s, each of an allowed type", n, n == 1 ? "" : "s");
}
