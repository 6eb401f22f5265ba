/*
 * RFC 5280 §6 validation of one complete candidate path: the coordinator.
 *
 * The path builder has already checked every edge's name chaining and
 * signature (§6.1.3(a)(1) and (a)(4)); here each remaining rule runs in turn
 * and adds its findings.  Every check runs even after a failure, so the report
 * lists all the problems of a path rather than the first one only.
 */
#include "validate_checks.h"

#include <string.h>
#include <time.h>

size_t tv_error_count(const tpath *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nf; i++)
		if (p->f[i].pub.severity == TRUST_SEV_ERROR)
			n++;
	return n;
}

const char *tv_fmt_time(char *buf, size_t len, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

const char *tv_fmt_asn1_time(char *buf, size_t len, const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (len)
			buf[0] = '\0';
	}
	return buf;
}

/* Through the signature cache: most roots lack an AKI, and this runs for each
 * evaluation that reaches them. */
bool tv_self_signed(tv_ctx *ctx, const trust_cert *c)
{
	if (!c->self_issued)
		return false;
	unsigned char key[TSIG_KEY_LEN];
	if (ctx->cache) {
		tsig_key(key, c, c);
		tsig_status st = tsigcache_get(ctx->cache, key);
		if (st != TSIG_UNKNOWN)
			return st == TSIG_VALID;
	}
	tsig_status st = tcert_verify_signed_by(c, c) ? TSIG_VALID : TSIG_INVALID;
	if (ctx->cache)
		tsigcache_put(ctx->cache, key, st);
	return st == TSIG_VALID;
}

int tvalidate_path(tv_ctx *ctx, tpath *p)
{
	if (p->n == 0)
		return 1;
	size_t before = tv_error_count(p);

	tcheck_validity(ctx, p);
	tcheck_algorithms(ctx, p);
	tcheck_fields(ctx, p);
	tcheck_extensions(ctx, p);
	tcheck_ca(ctx, p);
	if (ctx->rules.eku_nid != NID_undef)
		tcheck_eku(ctx, p);
	tcheck_revocation(ctx, p);

	/* Name constraints and host names live in their own files; their return
	 * values count too, in case a rejection carries no error finding. */
	int nc = tnc_check_path(ctx, p);
	if (nc < 0)
		return -1;
	int names = ctx->rules.check_names ? tnames_check_leaf(ctx, p) : 0;

	return (tv_error_count(p) > before || nc > 0 || names > 0) ? 1 : 0;
}
