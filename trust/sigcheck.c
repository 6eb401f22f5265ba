/*
 * The one signature check: cache lookup, budget, verification, OpenSSL's
 * error queue cleared, cache store.  Certificate edges, self-signatures and
 * CRLs all come through here.
 *
 * A failed verification is believed only when a second one fails too.
 * OpenSSL reports some failures of its own (an allocation inside
 * EVP_PKEY_is_a, for one) exactly as it reports a bad signature, and a
 * false "invalid" is not harmless: a CRL whose signature seems not to verify
 * is skipped as another key's, which would let a revoked certificate through,
 * and a cached "invalid" would reject a good chain for as long as the cache
 * lives.  A failure OpenSSL does flag as internal (no memory) is TSIG_ERROR
 * and is never cached.
 */
#include "internal.h"

#include <string.h>

tsig_status tsig_check(tv_ctx *ctx, const trust_cert *issuer,
		       const unsigned char signed_sha256[32], tsig_verify_fn verify, const void *obj,
		       bool budgeted)
{
	unsigned char key[TSIG_KEY_LEN];
	/* No hash of the signed bytes (it could not be computed): no cache. */
	const unsigned char *spki =
		ctx->cache && signed_sha256 ? trust_cert_spki_sha256(issuer) : NULL;
	if (spki) {
		memcpy(key, spki, 32);
		memcpy(key + 32, signed_sha256, 32);
		tsig_status st = tsigcache_get(ctx->cache, key);
		if (st != TSIG_UNKNOWN) {
			if (budgeted)
				ctx->budget->cache_hits++;
			return st;
		}
	}
	if (budgeted) {
		if (ctx->budget->sigs >= ctx->budget->lim.max_signatures) {
			if (!ctx->budget->hit)
				ctx->budget->hit = TRUST_ID_BUDGET_SIGNATURES;
			return TSIG_UNKNOWN;
		}
		ctx->budget->sigs++;
	}
	tsig_status st = TSIG_INVALID;
	for (int attempt = 0; attempt < 2 && st == TSIG_INVALID; attempt++) {
		terr_ossl_clear();
		if (verify(obj, issuer) == 1)
			st = TSIG_VALID;
		else if (terr_ossl_internal())
			st = TSIG_ERROR;
	}
	terr_ossl_clear();
	if (spki && st != TSIG_ERROR)
		tsigcache_put(ctx->cache, key, st);
	return st;
}

static int verify_cert(const void *child, const trust_cert *issuer)
{
	return tcert_verify_signed_by(child, issuer);
}

tsig_status tsig_verify(tv_ctx *ctx, const trust_cert *issuer, const trust_cert *child)
{
	const unsigned char *signed_key = ctx->cache ? tcert_signed_key(child) : NULL;
	return tsig_check(ctx, issuer, signed_key, verify_cert, child, true);
}

bool tsig_self_signed(tv_ctx *ctx, const trust_cert *c)
{
	if (!c->self_issued)
		return false;
	const unsigned char *signed_key = ctx->cache ? tcert_signed_key(c) : NULL;
	return tsig_check(ctx, c, signed_key, verify_cert, c, false) == TSIG_VALID;
}
