/* Edge signature checks, answered by the cache when possible; misses are budgeted. */
#include "internal.h"

tsig_status tsig_verify(tv_ctx *ctx, const trust_cert *issuer, const trust_cert *child)
{
	unsigned char key[TSIG_KEY_LEN];
	if (ctx->cache) {
		tsig_key(key, issuer, child);
		tsig_status st = tsigcache_get(ctx->cache, key);
		if (st != TSIG_UNKNOWN) {
			ctx->budget->cache_hits++;
			return st;
		}
	}
	if (ctx->budget->sigs >= ctx->budget->lim.max_signatures) {
		if (!ctx->budget->hit)
			ctx->budget->hit = "budget.signatures";
		return TSIG_UNKNOWN;
	}
	ctx->budget->sigs++;
	tsig_status st = tcert_verify_signed_by(child, issuer) ? TSIG_VALID : TSIG_INVALID;
	if (ctx->cache)
		tsigcache_put(ctx->cache, key, st);
	return st;
}
