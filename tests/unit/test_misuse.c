/*
 * API misuse is an error, not a crash: every public function given NULL
 * handles or out-parameters returns TRUST_EUSAGE, NULL, 0 or -1 (run under
 * UBSan by make asan); an origin outside the enum is refused; a builder
 * whose add failed stays failed until the caller clears it; and untrusted
 * text is escaped on its way to a terminal or a report.
 */
#include "fixtures.h"

START_TEST(test_misuse__null_handles_and_out_parameters_are_usage_errors)
{
	trust_error err = { 0 };
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	trust_store *store = fx_store(FX("good/root.pem"), NULL);
	trust_chain *chain = fx_chain(FX("good/chain.pem"));
	trust_result *r = NULL;

	ck_assert_int_eq(trust_store_builder_finish(NULL, NULL, &err), TRUST_EUSAGE);
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_finish(NULL, b, &err), TRUST_EUSAGE); /* consumes b */
	ck_assert_int_eq(trust_store_builder_add_anchors(NULL, "x", TRUST_ORIGIN_USER, &err),
			 TRUST_EUSAGE);
	ck_assert_int_eq(trust_store_builder_add_system_anchors(NULL, &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_store_builder_add_anchors_mem(NULL, "x", 1, "m", TRUST_ORIGIN_USER,
							     &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_store_builder_add_intermediates(NULL, "x", &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_store_builder_add_intermediates_mem(NULL, "x", 1, "m", &err),
			 TRUST_EUSAGE);
	ck_assert_int_eq(trust_store_builder_add_crl(NULL, "x", &err), TRUST_EUSAGE);
	ck_assert_uint_eq(trust_store_builder_note_count(NULL), 0);
	ck_assert_ptr_null(trust_store_builder_note(NULL, 0));
	ck_assert_uint_eq(trust_store_anchor_count(NULL), 0);
	ck_assert_uint_eq(trust_store_intermediate_count(NULL), 0);

	ck_assert_int_eq(trust_chain_add_file(NULL, "x", &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_chain_add_mem(NULL, "x", 1, "m", &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_chain_add_x509(NULL, NULL, &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_chain_add_x509(chain, NULL, &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_chain_set_password(NULL, "pw", &err), TRUST_EUSAGE);
	ck_assert_uint_eq(trust_chain_count(NULL), 0);
	ck_assert_ptr_null(trust_chain_cert(NULL, 0));
	ck_assert_uint_eq(trust_chain_note_count(NULL), 0);
	ck_assert_ptr_null(trust_chain_note(NULL, 0));

	ck_assert_ptr_null(trust_cert_subject(NULL));
	ck_assert_ptr_null(trust_cert_issuer(NULL));
	ck_assert_ptr_null(trust_cert_source(NULL));
	ck_assert_ptr_null(trust_cert_sha256(NULL));
	ck_assert_ptr_null(trust_cert_spki_sha256(NULL));
	ck_assert_ptr_null(trust_cert_x509(NULL));
	ck_assert_int_eq(trust_cert_not_before(NULL), 0);
	ck_assert_int_eq(trust_cert_not_after(NULL), 0);

	ck_assert_int_eq(trust_evaluate(NULL, store, NULL, chain, &o, &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_evaluate(&r, NULL, NULL, chain, &o, &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_evaluate(&r, store, NULL, NULL, &o, &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_evaluate(&r, store, NULL, chain, NULL, &err), TRUST_EUSAGE);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(trust_eval_options_init(NULL, 1), TRUST_EUSAGE);

	ck_assert_int_eq(trust_result_trusted(NULL), 0);
	ck_assert_ptr_nonnull(trust_result_reason(NULL)); /* "path.no-path": never TRUSTED */
	ck_assert_str_ne(trust_result_reason(NULL), "ok");
	ck_assert_int_eq(trust_result_reason_cert(NULL), -1);
	ck_assert_int_eq(trust_result_stat(NULL, TRUST_STAT_APPENDS), -1);
	ck_assert_ptr_null(trust_result_host(NULL));
	ck_assert_ptr_null(trust_result_connection(NULL));
	ck_assert_uint_eq(trust_result_path_count(NULL), 0);
	ck_assert_int_eq(trust_result_chosen_path(NULL), -1);
	ck_assert_int_eq(trust_result_path_accepted(NULL, 0), 0);
	ck_assert_uint_eq(trust_result_path_length(NULL, 0), 0);
	ck_assert_ptr_null(trust_result_path_cert(NULL, 0, 0));
	ck_assert_uint_eq(trust_result_finding_count(NULL, 0), 0);
	ck_assert_ptr_null(trust_result_finding(NULL, 0, 0));
	ck_assert_uint_eq(trust_result_anchor_source_count(NULL), 0);
	ck_assert_ptr_null(trust_result_anchor_source(NULL, 0));

	char *json = NULL;
	unsigned char *cbor = NULL;
	size_t len = 0;
	ck_assert_int_eq(trust_report_text(NULL, NULL, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_report_text(stdout, NULL, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_report_json(NULL, NULL, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_report_json(&json, NULL, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_report_cbor(NULL, &len, NULL, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_report_cbor(&cbor, NULL, NULL, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_report_dot(NULL, NULL, NULL, 0), TRUST_EUSAGE);

	ck_assert_int_eq(trust_policy_load_file(NULL, "x", &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_policy_load_mem(NULL, "{}", 2, "m", &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_policy_stack(NULL, NULL, &err), TRUST_EUSAGE);
	ck_assert(trust_policy_name(NULL) == NULL || !*trust_policy_name(NULL));
	ck_assert_uint_eq(trust_policy_rule_count(NULL), 0);
	ck_assert_ptr_null(trust_policy_rule_id(NULL, 0));

	/* Every _free accepts NULL. */
	trust_store_builder_free(NULL);
	trust_store_free(NULL);
	trust_chain_free(NULL);
	trust_sigcache_free(NULL);
	trust_result_free(NULL);
	trust_policy_free(NULL);
	trust_free(NULL);

	trust_chain_free(chain);
	trust_store_free(store);
}
END_TEST

START_TEST(test_misuse__an_origin_outside_the_enum_is_refused)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), (trust_origin)42,
							 &err), TRUST_EUSAGE);
	ck_assert_int_eq(err.code, TRUST_EUSAGE);
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), TRUST_ORIGIN_NONE,
							 &err), TRUST_EUSAGE);
	trust_store_builder_free(b);
}
END_TEST

START_TEST(test_misuse__a_builder_whose_add_failed_stays_failed)
{
	trust_error err = { 0 };
	trust_store *s = NULL;
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors(b, "/nonexistent/anchors.pem",
							 TRUST_ORIGIN_USER, &err), TRUST_EIO);
	/* A later add that works does not wash the failure out ... */
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), TRUST_ORIGIN_USER,
							 &err), TRUST_OK);
	/* ... and finish reports the first error, naming its input, and yields no store. */
	trust_error fin = { 0 };
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &fin), TRUST_EIO);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(fin.message, "/nonexistent/anchors.pem"));

	/* A caller that means to go on clears the error explicitly. */
	b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors(b, "/nonexistent/anchors.pem",
							 TRUST_ORIGIN_USER, &err), TRUST_EIO);
	trust_store_builder_clear_error(b);
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), TRUST_ORIGIN_USER,
							 &err), TRUST_OK);
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), TRUST_OK);
	ck_assert_uint_eq(trust_store_anchor_count(s), 1);
	trust_store_free(s);
}
END_TEST

START_TEST(test_misuse__untrusted_text_is_escaped_for_terminals_and_reports)
{
	char out[64];
	ck_assert_str_eq(trust_escape(out, sizeof(out), "a\033]0;owned\007b"), "a\\x1b]0;owned\\x07b");
	ck_assert_str_eq(trust_escape(out, sizeof(out), "del\177"), "del\\x7f");
	/* C1 controls written in UTF-8 (U+009B is CSI on some terminals). */
	ck_assert_str_eq(trust_escape(out, sizeof(out), "x\302\233y"), "x\\xc2\\x9by");
	/* Bytes that are not UTF-8 are escaped; UTF-8 text stays readable. */
	ck_assert_str_eq(trust_escape(out, sizeof(out), "bad\377"), "bad\\xff");
	ck_assert_str_eq(trust_escape(out, sizeof(out), "caf\303\251"), "caf\303\251");
	ck_assert_str_eq(trust_escape(out, sizeof(out), NULL), "");
	/* Cut with "..." rather than overflow. */
	char small[8];
	ck_assert_str_eq(trust_escape(small, sizeof(small), "0123456789"), "0123...");
	ck_assert_uint_le(strlen(trust_escape(small, sizeof(small), "\001\002\003\004")), 7);

	/* A trust_error never carries a raw control character. */
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_int_ne(trust_chain_add_file(c, "/tmp/no\033[2Jsuch", &err), TRUST_OK);
	ck_assert_ptr_null(strchr(err.message, '\033'));
	ck_assert_ptr_nonnull(strstr(err.message, "no\\x1b[2Jsuch"));
	trust_chain_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("misuse");
	TCase *t = tcase_create("misuse");
	tcase_add_test(t, test_misuse__null_handles_and_out_parameters_are_usage_errors);
	tcase_add_test(t, test_misuse__an_origin_outside_the_enum_is_refused);
	tcase_add_test(t, test_misuse__a_builder_whose_add_failed_stays_failed);
	tcase_add_test(t, test_misuse__untrusted_text_is_escaped_for_terminals_and_reports);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
