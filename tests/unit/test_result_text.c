/*
 * Finding text is formatted on every evaluation, by result.c's own
 * formatter for the conversions findings use and by time_fmt.c's digits:
 * both must write exactly what snprintf and strftime write; and the one
 * clock every "now" is read from.
 */
#include "fixtures.h"
#include "support.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* The finding message must be snprintf's output for the same format and arguments. */
#define SAME(p, ...)                                                                       \
	do {                                                                               \
		char want[8192];                                                           \
		snprintf(want, sizeof(want), __VA_ARGS__);                                 \
		tfinding *f = tpath_add(p, "test.text", TRUST_SEV_PASS, -1, NULL, __VA_ARGS__); \
		ck_assert_ptr_nonnull(f);                                                  \
		ck_assert_str_eq(f->pub.message, want);                                    \
	} while (0)

START_TEST(test_text__messages_match_snprintf)
{
	tpath p = { 0 };
	const char *volatile none = NULL;
	SAME(&p, "no conversions at all");
	SAME(&p, "%s and %s", "one", "");
	SAME(&p, "%d %d %d", 0, INT_MIN, INT_MAX);
	SAME(&p, "%u %zu %zu", UINT_MAX, (size_t)0, SIZE_MAX);
	SAME(&p, "%ld %ld %lld %lld", LONG_MIN, LONG_MAX, LLONG_MIN, LLONG_MAX);
	SAME(&p, "%c%c 100%%", 'o', 'k');
	SAME(&p, "[%.*s] [%.*s] [%.*s]", 3, "abcdef", 0, "abc", 10, "ab");
	SAME(&p, "%s", none);
	SAME(&p, "mixed %02x and %s", 10u, "vsnprintf"); /* not a fast conversion */
	/* Larger than a text chunk: the arena grows. */
	char big[6000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	SAME(&p, "<%s> %zu", big, sizeof(big));
	SAME(&p, "after the big one: %d", 42);
	tfinding *f = tpath_add(&p, "test.text", TRUST_SEV_PASS, -1, NULL, "%s", "param");
	tfinding_param(f, "n", "%zu of %d", (size_t)3, -4);
	ck_assert_str_eq(f->pub.params[0].value, "3 of -4");
	tpath_clear(&p);
}
END_TEST

START_TEST(test_text__rfc3339_matches_strftime)
{
	static const int64_t times[] = { 0,         1,          -1,        951782400,
					  951868799, 4102444799, 1795929229, -30610224000,
					  253402300799 };
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		time_t t = (time_t)times[i];
		struct tm tm;
		ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
		char want[64], got[64];
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		ck_assert_str_eq(ttime_rfc3339(got, sizeof(got), times[i]), want);
	}
	/* Beyond four-digit years and into small buffers: snprintf's output. */
	char got[64];
	ck_assert_str_eq(ttime_rfc3339(got, sizeof(got), 253402300800), "10000-01-01T00:00:00Z");
	ck_assert_str_eq(ttime_rfc3339(got, 11, 0), "1970-01-01");
}
END_TEST

/* An SCT stamped from the fine clock a moment before an evaluation must not be dated
 * after it: "now" never trails CLOCK_REALTIME (time() does, by up to a tick, about
 * one call in two hundred on Linux). */
START_TEST(test_text__now_never_trails_the_fine_clock)
{
	struct timespec start, ts;
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &start), 0);
	long behind = 0, calls = 0;
	do {
		ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts), 0);
		uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)(ts.tv_nsec / 1000000);
		behind += ttime_now() < (int64_t)ts.tv_sec;
		behind += ttime_now_ms() < ms;
		calls++;
		ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	} while ((ts.tv_sec - start.tv_sec) * 1000000000L + (ts.tv_nsec - start.tv_nsec) <
		 300000000L);
	ck_assert_msg(behind == 0, "now trailed the fine clock %ld times in %ld", behind, calls);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("result_text");
	TCase *tc = tcase_create("result_text");
	tcase_add_test(tc, test_text__messages_match_snprintf);
	tcase_add_test(tc, test_text__rfc3339_matches_strftime);
	tcase_add_test(tc, test_text__now_never_trails_the_fine_clock);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
