/* certgen bad: every kind is rejected by libtrust for the reason its case.json names. */
#include "../../certgen/certgen.h"
#include "support_tmpdir.h"
#include <trust.h>

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char dir[256];
static json_t *catalogue;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/certgen-bad-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	cg_opts o = { .dir = dir, .quiet = true };
	char *argv[] = { "bad", "--all", dir, NULL };
	ck_assert_int_eq(cmd_bad(&o, 3, argv), CG_OK);
}

static void teardown(void)
{
	st_rmtree(dir);
}

/* Evaluates DIR/KIND the way case.json says: anchor, fullchain, CRL, host, tls-server. */
static trust_result *evaluate(const char *kind, json_t **casej)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s/case.json", dir, kind);
	json_error_t jerr;
	json_t *j = json_load_file(p, 0, &jerr);
	ck_assert_msg(j != NULL, "%s: %s", p, jerr.text);
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	snprintf(p, sizeof p, "%s/%s/anchor.pem", dir, kind);
	ck_assert_int_eq(trust_store_builder_add_anchors(b, p, TRUST_ORIGIN_USER, &err), 0);
	if (json_object_get(j, "crl")) {
		snprintf(p, sizeof p, "%s/%s/%s", dir, kind, json_string_value(json_object_get(j, "crl")));
		ck_assert_int_eq(trust_store_builder_add_crl(b, p, &err), 0);
	}
	trust_store *s = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), 0);
	trust_chain *c = trust_chain_new();
	snprintf(p, sizeof p, "%s/%s/fullchain.pem", dir, kind);
	ck_assert_int_eq(trust_chain_add_file(c, p, &err), 0);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_TLS_SERVER;
	o.host = json_string_value(json_object_get(j, "host"));
	trust_result *r = NULL;
	ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &o, &err), 0);
	trust_chain_free(c);
	trust_store_free(s);
	*casej = j;
	return r;
}

START_TEST(test_certgen_bad__each_tls_server_kind_is_rejected_with_its_rule)
{
	const char *kind = cg_doc_case_field(catalogue, (size_t)_i, "name");
	const char *rule = cg_doc_case_field(catalogue, (size_t)_i, "rule");
	const char *policy = cg_doc_case_field(catalogue, (size_t)_i, "policy");
	json_t *j = NULL;
	trust_result *r = evaluate(kind, &j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), rule);
	ck_assert_str_eq(json_string_value(json_object_get(j, "expect")), "reject");
	ck_assert_str_eq(json_string_value(json_object_get(j, "purpose")), "server");
	if (strcmp(policy, "tls-server") == 0) {
		ck_assert_msg(!trust_result_trusted(r), "%s was accepted", kind);
		ck_assert_str_eq(trust_result_reason(r), rule);
	} else {
		/* Kinds for a stricter policy break only that policy's rule. */
		ck_assert_msg(trust_result_trusted(r), "%s: tls-server rejects it too: %s", kind,
			      trust_result_reason(r));
	}
	trust_result_free(r);
	json_decref(j);
}
END_TEST

START_TEST(test_certgen_bad__dates_are_relative_to_now)
{
	char p[600];
	snprintf(p, sizeof p, "%s/expired/fullchain.pem", dir);
	X509 *x = cg_cert_load(p);
	ck_assert_ptr_nonnull(x);
	time_t now = time(NULL);
	/* Expired yesterday, not years ago: the fixture never goes stale. */
	ck_assert_int_eq(X509_cmp_time(X509_get0_notAfter(x), &now), -1);
	time_t two_days_ago = now - 2 * 86400;
	ck_assert_int_eq(X509_cmp_time(X509_get0_notAfter(x), &two_days_ago), 1);
	X509_free(x);
}
END_TEST

START_TEST(test_certgen_bad__regenerating_needs_force)
{
	cg_opts o = { .dir = dir, .quiet = true };
	char *argv[] = { "bad", "expired", "--out", dir, NULL };
	ck_assert_int_eq(cmd_bad(&o, 4, argv), CG_REFUSED);
	o.force = true;
	ck_assert_int_eq(cmd_bad(&o, 4, argv), CG_OK);
	char *unknown[] = { "bad", "no-such-kind", NULL };
	ck_assert_int_eq(cmd_bad(&o, 2, unknown), CG_USAGE);
}
END_TEST

int main(void)
{
	catalogue = cg_doc_parse("fixtures/bad.json", cg_bad_catalogue, strlen(cg_bad_catalogue));
	if (!catalogue || cg_doc_ncases(catalogue) < 21)
		return 1;
	Suite *s = suite_create("certgen_bad");
	TCase *tc = tcase_create("bad");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_certgen_bad__each_tls_server_kind_is_rejected_with_its_rule, 0,
			    (int)cg_doc_ncases(catalogue));
	tcase_add_test(tc, test_certgen_bad__dates_are_relative_to_now);
	tcase_add_test(tc, test_certgen_bad__regenerating_needs_force);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	json_decref(catalogue);
	return failed ? 1 : 0;
}
