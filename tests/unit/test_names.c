/* Host normalisation and SAN matching rules (names_dns.c, names_ip.c). */
#include "internal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static bool dns(const char *pattern, const char *host)
{
	return tnames_dns_match(pattern, strlen(pattern), host);
}

static char *norm(const char *host)
{
	char *out = NULL;
	trust_error err = { 0 };
	if (tnames_normalize_host(&out, host, &err) != TRUST_OK)
		return NULL;
	return out;
}

START_TEST(test_names__reference_hosts_are_lowered_and_lose_one_trailing_dot)
{
	char *h = norm("WWW.Example.COM.");
	ck_assert_str_eq(h, "www.example.com");
	free(h);
	ck_assert_ptr_null(norm("example.com.."));
	ck_assert_ptr_null(norm(""));
	ck_assert_ptr_null(norm("bad host.example"));
}
END_TEST

START_TEST(test_names__unicode_hosts_become_a_labels)
{
	char *h = norm("bücher.example");
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h, "xn--bcher-kva.example");
	free(h);
}
END_TEST

START_TEST(test_names__exact_names_match_case_insensitively)
{
	ck_assert(dns("example.com", "example.com"));
	ck_assert(dns("EXAMPLE.com", "example.com"));
	ck_assert(dns("example.com.", "example.com"));
	ck_assert(!dns("example.com", "example2.com"));
	ck_assert(!dns("abc.example.com", "def.example.com"));
	ck_assert(!dns("example.com", "abc.example.com"));
	ck_assert(!dns("abc.example.com", "example.com"));
}
END_TEST

START_TEST(test_names__a_wildcard_covers_exactly_one_leftmost_label)
{
	ck_assert(dns("*.example.com", "foo.example.com"));
	ck_assert(!dns("*.example.com", "example.com"));
	ck_assert(!dns("*.example.com", "foo.bar.example.com"));
}
END_TEST

START_TEST(test_names__partial_and_inner_wildcards_never_match)
{
	ck_assert(!dns("ba*.example.com", "baz.example.com"));
	ck_assert(!dns("*z.example.com", "baz.example.com"));
	ck_assert(!dns("foo.*.example.com", "foo.bar.example.com"));
	ck_assert(!dns("xn--*-1b3c148a.example.com", "xn--bliss-1b3c148a.example.com"));
	ck_assert(!dns("**.example.com", "foo.example.com"));
}
END_TEST

START_TEST(test_names__wildcards_over_public_suffixes_are_refused)
{
	ck_assert(!dns("*.com", "example.com"));
	ck_assert(!dns("*.co.uk", "example.co.uk"));
	ck_assert(dns("*.example.co.uk", "www.example.co.uk"));
}
END_TEST

START_TEST(test_names__presented_names_must_be_ascii_ldh)
{
	ck_assert(!dns("\xf0\x9f\x98\x9c.example.com", "xn--628h.example.com"));
	ck_assert(!tnames_dns_match("example.com\0evil", 16, "example.com"));
	ck_assert(!dns(".example.com", "example.com"));
	ck_assert(!dns("", "example.com"));
}
END_TEST

START_TEST(test_names__ip_literals_parse_to_bytes)
{
	unsigned char b[16];
	size_t n = 0;
	ck_assert_int_eq(tnames_parse_ip(b, &n, "192.0.2.1"), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(b[0], 192);
	ck_assert_int_eq(tnames_parse_ip(b, &n, "::1"), 0);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(b[15], 1);
	unsigned char c[16];
	size_t m = 0;
	ck_assert_int_eq(tnames_parse_ip(c, &m, "[0:0::1]"), 0);
	ck_assert_mem_eq(b, c, 16);
	ck_assert_int_ne(tnames_parse_ip(b, &n, "192.0.2"), 0);
	ck_assert_int_ne(tnames_parse_ip(b, &n, "example.com"), 0);
	ck_assert_int_ne(tnames_parse_ip(b, &n, "192.0.2.0/24"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_names__reference_hosts_are_lowered_and_lose_one_trailing_dot);
	tcase_add_test(tc, test_names__unicode_hosts_become_a_labels);
	tcase_add_test(tc, test_names__exact_names_match_case_insensitively);
	tcase_add_test(tc, test_names__a_wildcard_covers_exactly_one_leftmost_label);
	tcase_add_test(tc, test_names__partial_and_inner_wildcards_never_match);
	tcase_add_test(tc, test_names__wildcards_over_public_suffixes_are_refused);
	tcase_add_test(tc, test_names__presented_names_must_be_ascii_ldh);
	tcase_add_test(tc, test_names__ip_literals_parse_to_bytes);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
