/*
 * Validity options shared by every issuing command: --days N, or exact
 * --not-before / --not-after times in RFC 3339 (policy tests need boundaries
 * to the second, e.g. Apple's 398- and 825-day limits).
 */
#include "certgen.h"
#include "cli/rfc3339.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

bool cg_parse_rfc3339(const char *s, int64_t *out)
{
	/* One parser for both tools (trust/cli/rfc3339.c); a bare full-date means midnight UTC. */
	char full[40];
	if (s && strlen(s) == 10 && snprintf(full, sizeof full, "%sT00:00:00Z", s) > 0)
		s = full;
	return s && tc_parse_rfc3339(out, s) == 0;
}

int cg_validity_opt(int argc, char **argv, int *i, cg_validity *v)
{
	const char *val;
	int m;
	if ((m = cg_optval(argc, argv, i, "--days", &val)) != 0) {
		if (m < 0 || !cg_parse_long(val, v->min_days, 36500, &v->days))
			return cg_fail(-1, "--days must be a number of days from %ld to 36500", v->min_days);
		v->days_set = true;
		return 1;
	}
	static const char *const names[] = { "--not-before", "--not-after" };
	for (int k = 0; k < 2; k++) {
		if ((m = cg_optval(argc, argv, i, names[k], &val)) == 0)
			continue;
		int64_t *t = k == 0 ? &v->not_before : &v->not_after;
		if (m < 0 || !cg_parse_rfc3339(val, t))
			return cg_fail(-1, "%s wants an RFC 3339 time such as 2026-01-31T12:00:00Z or "
					   "2026-01-31, not '%s'", names[k], m < 0 ? "" : val);
		*(k == 0 ? &v->nb_set : &v->na_set) = true;
		return 1;
	}
	return 0;
}

int cg_validity_resolve(const cg_validity *v, int64_t *not_before, int64_t *not_after)
{
	int64_t now = ttime_now();
	if (v->days_set && v->nb_set && v->na_set)
		return cg_fail(CG_USAGE, "give --days or --not-before/--not-after, not all three");
	*not_before = v->nb_set ? v->not_before : now - CG_BACKDATE_SECONDS;
	if (v->na_set)
		*not_after = v->not_after;
	else if (v->nb_set)
		*not_after = v->not_before + v->days * 86400;
	else
		*not_after = now + v->days * 86400;
	if (v->na_set && !v->nb_set && v->days_set)
		*not_before = v->not_after - v->days * 86400;
	if (*not_after <= *not_before) {
		char a[32], b[32];
		return cg_fail(CG_USAGE, "notAfter %s is not after notBefore %s",
			       ttime_rfc3339(a, sizeof a, *not_after), ttime_rfc3339(b, sizeof b, *not_before));
	}
	return CG_OK;
}

bool cg_validity_exact(const cg_validity *v)
{
	return v->nb_set || v->na_set;
}
