/*
 * Helpers shared by the rule checks (check_*.c): counting a path's errors,
 * formatting times for messages, and the self-signature test through the
 * signature cache.  They live here so validate.c only coordinates and no
 * check file calls into another.
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
