/* Name constraints on real certificates: a constrained root over one leaf. */
#include "support_pki.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Root carrying `nc` (nameConstraints value) over a leaf with `san`; evaluated under
 * rfc5280 with the given NC budget (0: default). */
static trust_result *run(const char *nc, const char *san, long nc_budget)
{
	EVP_PKEY *rk = sv_key("EC", "P-256", 0), *lk = sv_key("EC", "P-256", 0);
	const char *root_exts[] = { "basicConstraints", "critical,CA:TRUE",
				    "keyUsage", "critical,keyCertSign,cRLSign",
				    "subjectKeyIdentifier", "hash",
				    "nameConstraints", nc, NULL };
	sv_spec rs = { .cn = "Constrained Root", .key = rk, .exts = root_exts };
	X509 *root = sv_cert(&rs);
	const char *leaf_exts[] = { "basicConstraints", "critical,CA:FALSE",
				    "keyUsage", "critical,digitalSignature",
				    "extendedKeyUsage", "serverAuth",
				    "subjectAltName", san,
				    "subjectKeyIdentifier", "hash",
				    "authorityKeyIdentifier", "keyid:always", NULL };
	sv_spec ls = { .cn = "leaf", .key = lk, .issuer = root, .issuer_key = rk, .exts = leaf_exts };
	X509 *leaf = sv_cert(&ls);
	X509 *anchors[] = { root, NULL }, *certs[] = { leaf, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(certs);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_RFC5280;
	if (nc_budget)
		o.budgets.max_nc_checks = nc_budget;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
	return r;
}

START_TEST(test_nc__permitted_dns_covers_the_domain_and_its_subdomains)
{
	trust_result *r = run("critical,permitted;DNS:example.com",
			      "DNS:example.com,DNS:a.b.example.com", 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(sv_finding(r, "rfc5280.nc", -1));
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__a_name_outside_the_permitted_subtree_is_rejected)
{
	trust_result *r = run("critical,permitted;DNS:example.com",
			      "DNS:www.example.com,DNS:notexample.com", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.permitted", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.nc.permitted", 0), "name"), "notexample.com");
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__excluded_wins_over_permitted)
{
	trust_result *r = run("critical,permitted;DNS:example.com,excluded;DNS:bad.example.com",
			      "DNS:x.bad.example.com", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.excluded", 0);
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__ip_subtrees_compare_under_the_mask)
{
	trust_result *r = run("critical,permitted;IP:192.0.2.0/255.255.255.0", "IP:192.0.2.77", 0);
	sv_assert_trusted(r);
	trust_result_free(r);
	r = run("critical,permitted;IP:192.0.2.0/255.255.255.0", "IP:198.51.100.1", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.permitted", 0);
	trust_result_free(r);
	r = run("critical,excluded;IP:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "IP:::1", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.excluded", 0);
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__a_non_contiguous_ip_mask_makes_the_constraint_invalid)
{
	trust_result *r = run("critical,permitted;IP:192.0.2.0/255.0.255.0", "IP:192.0.2.1", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.invalid", 1);
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__email_constraints_match_mailbox_host_and_subdomains)
{
	trust_result *r = run("critical,permitted;email:example.com", "email:alice@example.com", 0);
	sv_assert_trusted(r);
	trust_result_free(r);
	r = run("critical,permitted;email:.example.com", "email:bob@mail.example.com", 0);
	sv_assert_trusted(r);
	trust_result_free(r);
	r = run("critical,permitted;email:example.com", "email:carol@example.org", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.permitted", 0);
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__other_name_types_are_not_constrained)
{
	trust_result *r = run("critical,permitted;IP:192.0.2.0/255.255.255.0", "DNS:example.com", 0);
	sv_assert_trusted(r);
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__non_critical_constraints_fail_only_under_bare_rfc5280)
{
	trust_result *r = run("permitted;DNS:example.com", "DNS:example.com", 0);
	sv_assert_rejected_with(r, "rfc5280.nc.not-critical", 1);
	trust_result_free(r);
}
END_TEST

START_TEST(test_nc__comparison_budget_at_cap_and_over)
{
	/* Three names, one permitted DNS subtree: exactly three comparisons. */
	const char *san = "DNS:a.example.com,DNS:b.example.com,DNS:c.example.com";
	trust_result *r = run("critical,permitted;DNS:example.com", san, 3);
	sv_assert_trusted(r);
	trust_stats st;
	trust_result_stats(r, &st);
	ck_assert_int_eq(st.nc_checks, 3);
	trust_result_free(r);
	r = run("critical,permitted;DNS:example.com", san, 2);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "budget.name-constraints");
	trust_result_free(r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nc");
	TCase *tc = tcase_create("nc");
	tcase_add_test(tc, test_nc__permitted_dns_covers_the_domain_and_its_subdomains);
	tcase_add_test(tc, test_nc__a_name_outside_the_permitted_subtree_is_rejected);
	tcase_add_test(tc, test_nc__excluded_wins_over_permitted);
	tcase_add_test(tc, test_nc__ip_subtrees_compare_under_the_mask);
	tcase_add_test(tc, test_nc__a_non_contiguous_ip_mask_makes_the_constraint_invalid);
	tcase_add_test(tc, test_nc__email_constraints_match_mailbox_host_and_subdomains);
	tcase_add_test(tc, test_nc__other_name_types_are_not_constrained);
	tcase_add_test(tc, test_nc__non_critical_constraints_fail_only_under_bare_rfc5280);
	tcase_add_test(tc, test_nc__comparison_budget_at_cap_and_over);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
