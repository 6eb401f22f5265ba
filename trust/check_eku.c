/*
 * Extended key usage for the rule set's purpose (serverAuth or clientAuth).
 *
 *  - Leaf (RFC 5280 §4.2.1.12): when EKU is present it must list the purpose
 *    or anyExtendedKeyUsage; a leaf without EKU is unrestricted.
 *  - Issuers, the anchor included: an EKU that lacks both the purpose and
 *    anyExtendedKeyUsage constrains everything below it, so the path fails.
 *    RFC 5280 is silent here; this is what Go (checkChainForKeyUsage),
 *    Chromium/BoringSSL and Apple do, and CAs rely on it.
 *  - The webpki policy's stricter EKU rules (EKU required on the leaf, no
 *    anyExtendedKeyUsage, none on a root) live in check_webpki.c.
 *  - Under the TLS profiles a leaf whose keyUsage is present must allow a TLS
 *    handshake key use (digitalSignature, keyEncipherment or keyAgreement;
 *    clients cannot use keyEncipherment), whatever its basicConstraints say:
 *    a CA certificate served as the leaf (keyCertSign|cRLSign only) may not
 *    sign handshakes (RFC 5280 §4.2.1.3; `openssl verify -purpose sslserver`
 *    refuses it too).
 */
#include "validate_checks.h"

static uint32_t purpose_bit(int nid)
{
	return nid == NID_client_auth ? XKU_SSL_CLIENT : XKU_SSL_SERVER;
}

static const char *purpose_name(int nid)
{
	return nid == NID_client_auth ? "clientAuth" : "serverAuth";
}

static size_t check_leaf(tv_ctx *ctx, tpath *p)
{
	const trust_cert *c = p->certs[0];
	const char *pol = ctx->rules.policy_name;
	const char *want = purpose_name(ctx->rules.eku_nid);
	if (!c->has_eku || !tv_ext_reliable(c))
		return 0;
	if (c->xku & (purpose_bit(ctx->rules.eku_nid) | XKU_ANYEKU))
		return 0;
	tfinding *f = tpath_add(p, TRUST_ID_RFC5280_EKU_MISSING_PURPOSE, TRUST_SEV_ERROR, 0, pol,
				"the leaf's extendedKeyUsage does not include %s", want);
	tfinding_param(f, "purpose", "%s", want);
	return 1;
}

static size_t check_leaf_key_usage(tv_ctx *ctx, tpath *p)
{
	const trust_cert *c = p->certs[0];
	if (c->ku == TCERT_KU_ABSENT || !tv_ext_reliable(c))
		return 0;
	uint32_t ok = KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT;
	if (ctx->rules.eku_nid != NID_client_auth)
		ok |= KU_KEY_ENCIPHERMENT;
	if (c->ku & ok)
		return 0;
	tpath_add(p, TRUST_ID_TLS_KEY_USAGE_PURPOSE, TRUST_SEV_ERROR, 0, ctx->rules.policy_name,
		  "the leaf's keyUsage allows no TLS %s key use", purpose_name(ctx->rules.eku_nid));
	return 1;
}

static size_t check_issuers(tv_ctx *ctx, tpath *p)
{
	const char *pol = ctx->rules.policy_name;
	const char *want = purpose_name(ctx->rules.eku_nid);
	size_t bad = 0;
	for (size_t i = 1; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		if (!c->has_eku || !tv_ext_reliable(c))
			continue;
		if (c->xku & (purpose_bit(ctx->rules.eku_nid) | XKU_ANYEKU))
			continue;
		tfinding *f = tpath_add(p, TRUST_ID_RFC5280_EKU_ISSUER_LACKS_PURPOSE, TRUST_SEV_ERROR,
					(int)i, pol,
					"this CA's extendedKeyUsage excludes %s for every certificate "
					"below it", want);
		tfinding_param(f, "purpose", "%s", want);
		bad++;
	}
	return bad;
}

int tcheck_eku(tv_ctx *ctx, tpath *p)
{
	size_t bad = check_leaf(ctx, p) + check_issuers(ctx, p);
	if (tv_tls_profile(ctx))
		bad += check_leaf_key_usage(ctx, p);
	if (bad == 0) {
		tfinding *f = tpath_add(p, TRUST_ID_RFC5280_EKU, TRUST_SEV_PASS, -1, ctx->rules.policy_name,
					"the leaf and its issuers allow %s",
					purpose_name(ctx->rules.eku_nid));
		tfinding_param(f, "purpose", "%s", purpose_name(ctx->rules.eku_nid));
	}
	return bad != 0;
}
