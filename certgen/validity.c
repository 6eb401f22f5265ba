/*
 * Validity options shared by every issuing command: --days N, or exact
 * --not-before / --not-after times in RFC 3339 (policy tests need boundaries
 * to the second, e.g. Apple's 398- and 825-day limits).
 */
#include "certgen.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool cg_parse_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (!s || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return false;
	const char *p = s + 10;
	int64_t offset = 0;
	if (*p) {
		/* RFC 3339 §5.6: a full date-time needs the time and a zone. */
		if ((*p != 'T' && *p != 't' && *p != ' ') || !digits(p + 1, 2, &h) || p[3] != ':' ||
		    !digits(p + 4, 2, &mi) || p[6] != ':' || !digits(p + 7, 2, &se) || h > 23 ||
		    mi > 59 || se > 59)
			return false;
		p += 9;
		if (*p == '.') /* fractions are accepted and dropped: X.509 times have whole seconds */
			for (p++; isdigit((unsigned char)*p); p++)
				;
		int oh, om;
		if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
			offset = 0;
		} else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) && p[3] == ':' &&
			   digits(p + 4, 2, &om) && p[6] == '\0' && oh < 24 && om < 60) {
			offset = (*p == '-' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
		} else {
			return false;
		}
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
	return true;
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
	int64_t now = (int64_t)time(NULL);
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
			       cg_time_str(a, sizeof a, *not_after), cg_time_str(b, sizeof b, *not_before));
	}
	return CG_OK;
}

bool cg_validity_exact(const cg_validity *v)
{
	return v->nb_set || v->na_set;
}
