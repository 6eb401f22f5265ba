/* Host normalisation, DNS pattern matching, IP parsing and the leaf name check. */
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* ---- tnames_normalize_host ---- */

static void assert_normalized(const char *in, const char *want)
{
	char *out = NULL;
	trust_error err = { 0 };
	ck_assert_msg(tnames_normalize_host(&out, in, &err) == TRUST_OK, "%s: %s", in, err.message);
	ck_assert_str_eq(out, want);
	free(out);
}

static void assert_not_host(const char *in)
{
	char *out = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(tnames_normalize_host(&out, in, &err), TRUST_EUSAGE);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.code, TRUST_EUSAGE);
	ck_assert_msg(err.message[0] != '\0', "no message for '%s'", in);
}

START_TEST(test_names__normalize_lowercases_ascii)
{
	assert_normalized("WWW.Example.COM", "www.example.com");
}
END_TEST

START_TEST(test_names__normalize_removes_one_trailing_dot)
{
	assert_normalized("example.com.", "example.com");
	assert_not_host("example.com..");
}
END_TEST

START_TEST(test_names__normalize_turns_idn_into_a_labels)
{
	assert_normalized("bücher.example", "xn--bcher-kva.example");
	assert_normalized("BÜCHER.example", "xn--bcher-kva.example");
	assert_normalized("xn--bcher-kva.example", "xn--bcher-kva.example");
	/* non-transitional: "ß" stays a letter of its own, as browsers resolve it */
	assert_normalized("faß.de", "xn--fa-hia.de");
}
END_TEST

START_TEST(test_names__normalize_rejects_empty_labels_and_bad_characters)
{
	assert_not_host("");
	assert_not_host(".");
	assert_not_host("a..example.com");
	assert_not_host(".example.com");
	assert_not_host("exa mple.com");
	assert_not_host("example.com/path");
	assert_not_host("*.example.com");
}
END_TEST

/* ---- tnames_dns_match ---- */

static const struct {
	const char *pattern, *host;
	bool match;
} dns_cases[] = {
	{ "example.com", "example.com", true },
	{ "EXAMPLE.Com", "example.com", true },
	{ "example.com.", "example.com", true },
	{ "example.com", "www.example.com", false },
	{ "www.example.com", "example.com", false },
	{ "abc.example.com", "def.example.com", false },
	{ "*.example.com", "foo.example.com", true },
	{ "*.Example.COM.", "foo.example.com", true },
	{ "*.example.com", "xn--bcher-kva.example.com", true },
	{ "*.example.com", "example.com", false },
	{ "*.example.com", "a.b.example.com", false },
	{ "f*o.example.com", "foo.example.com", false },
	{ "*oo.example.com", "foo.example.com", false },
	{ "fo*.example.com", "foo.example.com", false },
	{ "**.example.com", "foo.example.com", false },
	{ "\xf0\x9f\x98\x9c.example.com", "xn--628h.example.com", false },
	{ "xn--*-1b3c148a.example.com", "xn--bliss-1b3c148a.example.com", false },
	{ "foo.*.example.com", "foo.bar.example.com", false },
	{ "*.*.example.com", "a.b.example.com", false },
	{ "*.com", "example.com", false },
	{ "*.co.uk", "example.co.uk", false },
	{ "*", "com", false },
	{ "*.", "com", false },
	{ "*.example.co.uk", "www.example.co.uk", true },
	/* private PSL entries are not public suffixes for this rule */
	{ "*.github.io", "project.github.io", true },
	{ "xn--bcher-kva.example", "xn--bcher-kva.example", true },
	{ "bücher.example", "xn--bcher-kva.example", false },
	{ "example..com", "example.com", false },
	{ ".example.com", "example.com", false },
	{ "", "example.com", false },
	{ "exa mple.com", "exa mple.com", false },
};

START_TEST(test_names__dns_match_table)
{
	for (size_t i = 0; i < sizeof(dns_cases) / sizeof(dns_cases[0]); i++) {
		const char *pat = dns_cases[i].pattern;
		bool got = tnames_dns_match(pat, strlen(pat), dns_cases[i].host);
		ck_assert_msg(got == dns_cases[i].match, "pattern '%s' vs host '%s': got %d", pat,
			      dns_cases[i].host, got);
	}
}
END_TEST

START_TEST(test_names__dns_match_rejects_patterns_with_nul)
{
	static const char embedded[] = "example.com\0.evil.org";
	ck_assert(!tnames_dns_match(embedded, sizeof(embedded) - 1, "example.com"));
	static const char trailing[] = "example.com\0";
	ck_assert(!tnames_dns_match(trailing, sizeof(trailing) - 1, "example.com"));
	/* the same bytes without the NUL do match: the length is honoured */
	ck_assert(tnames_dns_match(embedded, 11, "example.com"));
}
END_TEST

/* ---- tnames_parse_ip ---- */

START_TEST(test_names__parse_ipv4)
{
	unsigned char b[16];
	size_t len = 99;
	ck_assert_int_eq(tnames_parse_ip(b, &len, "192.0.2.1"), 0);
	ck_assert_uint_eq(len, 4);
	static const unsigned char want[4] = { 192, 0, 2, 1 };
	ck_assert_mem_eq(b, want, 4);
}
END_TEST

START_TEST(test_names__parse_ipv6_in_any_spelling)
{
	unsigned char a[16], b[16], c[16];
	size_t la, lb, lc;
	ck_assert_int_eq(tnames_parse_ip(a, &la, "2001:db8::1"), 0);
	ck_assert_int_eq(tnames_parse_ip(b, &lb, "2001:DB8:0:0:0:0:0:0001"), 0);
	ck_assert_int_eq(tnames_parse_ip(c, &lc, "[2001:db8::1]"), 0);
	ck_assert_uint_eq(la, 16);
	ck_assert_uint_eq(lb, 16);
	ck_assert_uint_eq(lc, 16);
	ck_assert_mem_eq(a, b, 16);
	ck_assert_mem_eq(a, c, 16);
	ck_assert_uint_eq(a[0], 0x20);
	ck_assert_uint_eq(a[15], 0x01);
}
END_TEST

START_TEST(test_names__parse_ip_rejects_non_addresses)
{
	static const char *bad[] = { "", "192.0.2", "192.0.2.256", "example.com", "1::2::3",
				     "[::1", "::1]", "192.0.2.1/24", "fe80::1%eth0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char b[16];
		size_t len = 99;
		ck_assert_msg(tnames_parse_ip(b, &len, bad[i]) != 0, "'%s' parsed", bad[i]);
		ck_assert_uint_eq(len, 0);
	}
	size_t len = 99;
	unsigned char b[16];
	ck_assert_int_ne(tnames_parse_ip(b, &len, NULL), 0);
}
END_TEST

/* ---- tnames_check_leaf on real certificates ---- */

typedef struct leaf_fixture {
	EVP_PKEY *ca_key, *leaf_key;
	X509 *ca, *leaf;
	trust_result *r;
	tpath *p;
	tv_ctx ctx;
	tbudget budget;
	char *host;
	unsigned char ip[16];
} leaf_fixture;

/* Leaf with `exts` (an [ext] section body, NULL: none) under a fresh CA. */
static void leaf_setup(leaf_fixture *f, const char *subject, const char *exts)
{
	memset(f, 0, sizeof(*f));
	f->ca_key = sc_key();
	f->leaf_key = sc_key();
	f->ca = sc_cert("/CN=Names Test CA", f->ca_key, NULL, NULL, "[ext]\n" SC_CA_EXTS);
	char conf[1024];
	snprintf(conf, sizeof(conf), "[ext]\n%s%s\n", SC_LEAF_EXTS, exts ? exts : "");
	f->leaf = sc_cert(subject, f->leaf_key, f->ca, f->ca_key, conf);
	X509 *certs[] = { f->leaf, f->ca };
	f->r = sc_path(&f->p, certs, 2);
	sc_ctx(&f->ctx, &f->budget, "tls-server");
}

static void leaf_host(leaf_fixture *f, const char *host)
{
	trust_error err;
	ck_assert_int_eq(tnames_normalize_host(&f->host, host, &err), TRUST_OK);
	f->ctx.host = f->host;
}

static void leaf_ip(leaf_fixture *f, const char *ip)
{
	ck_assert_int_eq(tnames_parse_ip(f->ip, &f->ctx.ip_len, ip), 0);
	f->ctx.ip = f->ip;
}

static void leaf_teardown(leaf_fixture *f)
{
	trust_result_free(f->r);
	X509_free(f->leaf);
	X509_free(f->ca);
	EVP_PKEY_free(f->leaf_key);
	EVP_PKEY_free(f->ca_key);
	free(f->host);
}

START_TEST(test_names__leaf_host_matches_wildcard_san)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=leaf", "subjectAltName = DNS:example.com, DNS:*.example.com");
	leaf_host(&f, "WWW.example.com.");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 0);
	const trust_finding *fd = sc_find(f.p, "names.dns", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_int_eq(fd->severity, TRUST_SEV_PASS);
	ck_assert_str_eq(fd->policy, "tls-server");
	ck_assert_str_eq(fd->message, "www.example.com matches SAN DNS:*.example.com");
	leaf_teardown(&f);
}
END_TEST

START_TEST(test_names__leaf_host_mismatch_lists_the_sans)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=other.example.com",
		   "subjectAltName = DNS:a.example.com, IP:192.0.2.1");
	leaf_host(&f, "other.example.com");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 1);
	const trust_finding *fd = sc_find(f.p, "names.dns.mismatch", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_int_eq(fd->severity, TRUST_SEV_ERROR);
	ck_assert_str_eq(sc_param(fd, "host"), "other.example.com");
	ck_assert_str_eq(sc_param(fd, "sans"), "DNS:a.example.com IP:192.0.2.1");
	ck_assert_ptr_null(sc_find(f.p, "names.dns", -2));
	leaf_teardown(&f);
}
END_TEST

START_TEST(test_names__leaf_cn_is_never_a_host_name)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=example.com", NULL);
	leaf_host(&f, "example.com");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 1);
	const trust_finding *fd = sc_find(f.p, "names.dns.mismatch", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(strstr(fd->message, "no subjectAltName"));
	/* ... and says what to do about it. */
	ck_assert_ptr_nonnull(strstr(fd->message, "only in the subject CN, which is ignored"));
	ck_assert_ptr_nonnull(strstr(fd->message, "SAN DNS:example.com"));
	leaf_teardown(&f);
}
END_TEST

START_TEST(test_names__leaf_ipv4_and_ipv6_match_ip_sans)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=leaf", "subjectAltName = IP:192.0.2.1, IP:2001:db8::1");
	leaf_ip(&f, "2001:DB8:0::1");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 0);
	const trust_finding *fd = sc_find(f.p, "names.ip", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(sc_param(fd, "ip"), "2001:db8::1");
	leaf_ip(&f, "192.0.2.1");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 0);
	ck_assert_uint_eq(sc_count(f.p, "names.ip"), 2);
	leaf_ip(&f, "192.0.2.2");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "names.ip.mismatch", 0));
	leaf_teardown(&f);
}
END_TEST

START_TEST(test_names__leaf_ip_never_falls_back_to_dns_sans)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=192.0.2.1", "subjectAltName = DNS:192.0.2.1");
	leaf_ip(&f, "192.0.2.1");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 1);
	const trust_finding *fd = sc_find(f.p, "names.ip.mismatch", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(sc_param(fd, "sans"), "DNS:192.0.2.1");
	leaf_teardown(&f);
}
END_TEST

START_TEST(test_names__leaf_host_that_is_an_ip_literal_matches_ip_sans_only)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=leaf", "subjectAltName = DNS:192.0.2.1");
	leaf_host(&f, "192.0.2.1");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "names.ip.mismatch", 0));
	leaf_teardown(&f);
	leaf_setup(&f, "/CN=leaf", "subjectAltName = IP:192.0.2.1");
	leaf_host(&f, "192.0.2.1");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 0);
	ck_assert_ptr_nonnull(sc_find(f.p, "names.ip", 0));
	leaf_teardown(&f);
}
END_TEST

START_TEST(test_names__leaf_without_reference_name_is_not_checked)
{
	leaf_fixture f;
	leaf_setup(&f, "/CN=leaf", "subjectAltName = DNS:example.com");
	ck_assert_int_eq(tnames_check_leaf(&f.ctx, f.p), 0);
	ck_assert_uint_eq(f.p->nf, 0);
	leaf_teardown(&f);
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *t = tcase_create("names");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, test_names__normalize_lowercases_ascii);
	tcase_add_test(t, test_names__normalize_removes_one_trailing_dot);
	tcase_add_test(t, test_names__normalize_turns_idn_into_a_labels);
	tcase_add_test(t, test_names__normalize_rejects_empty_labels_and_bad_characters);
	tcase_add_test(t, test_names__dns_match_table);
	tcase_add_test(t, test_names__dns_match_rejects_patterns_with_nul);
	tcase_add_test(t, test_names__parse_ipv4);
	tcase_add_test(t, test_names__parse_ipv6_in_any_spelling);
	tcase_add_test(t, test_names__parse_ip_rejects_non_addresses);
	tcase_add_test(t, test_names__leaf_host_matches_wildcard_san);
	tcase_add_test(t, test_names__leaf_host_mismatch_lists_the_sans);
	tcase_add_test(t, test_names__leaf_cn_is_never_a_host_name);
	tcase_add_test(t, test_names__leaf_ipv4_and_ipv6_match_ip_sans);
	tcase_add_test(t, test_names__leaf_ip_never_falls_back_to_dns_sans);
	tcase_add_test(t, test_names__leaf_host_that_is_an_ip_literal_matches_ip_sans_only);
	tcase_add_test(t, test_names__leaf_without_reference_name_is_not_checked);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(names_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
