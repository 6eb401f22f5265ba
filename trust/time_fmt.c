/*
 * The one RFC 3339 formatter: every time a finding's message, the text
 * report, JSON/CBOR, the DOT graph or certgen prints goes through here, so
 * two renderings of one instant can never disagree.  Plain integer calendar
 * arithmetic (proleptic Gregorian): no time_t range, no locale, no gmtime.
 */
#include "internal.h"

#include <stdio.h>
#include <time.h>

/* Civil date from days since 1970-01-01. */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Days since 1970-01-01 of a civil date (the inverse of civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

const char *ttime_rfc3339(char *buf, size_t n, int64_t t)
{
	int64_t days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil(days, &y, &m, &d);
	int hh = (int)(secs / 3600), mm = (int)(secs / 60 % 60), ss = (int)(secs % 60);
	if (y < 0 || y > 9999 || n < 21) {
		snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, hh, mm, ss);
		return buf;
	}
	/* Every evaluation formats its time: digits by hand, not snprintf's set-up. */
	int v[] = { (int)y / 100, (int)y % 100, m, d, hh, mm, ss };
	static const char sep[] = { 0, '-', '-', 'T', ':', ':', 'Z' };
	char *o = buf;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		*o++ = (char)('0' + v[i] / 10);
		*o++ = (char)('0' + v[i] % 10);
		if (sep[i])
			*o++ = sep[i];
	}
	*o = '\0';
	return buf;
}

const char *ttime_rfc3339_asn1(char *buf, size_t n, const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	int64_t days = days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return ttime_rfc3339(buf, n, days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
}

/*
 * time() reads Linux's coarse clock, which trails CLOCK_REALTIME by up to a
 * tick: an SCT stamped from clock_gettime could be "after" an evaluation
 * time taken from time() a moment later, and be judged as from the future.
 * Every "now" in libtrust and certgen is read here, so one instant never
 * goes backwards between them.
 */
int64_t ttime_now(void)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return (int64_t)time(NULL);
	return (int64_t)now.tv_sec;
}

uint64_t ttime_now_ms(void)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return (uint64_t)time(NULL) * 1000;
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)(now.tv_nsec / 1000000);
}
