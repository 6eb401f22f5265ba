/*
 * ATS's connection rules judged on the facts a handshake reported: a
 * negotiated version or key exchange that cannot be told fails closed, and
 * known facts are judged against the minimum and forward-secrecy rule.
 */
#include "fixtures.h"

#define HOST "good.example.com"

static trust_policy *ats(void)
{
	trust_policy *pol = NULL;
	trust_error err = { 0 };
	const char *top = getenv("TRUST_TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/policies/ats.json", top ? top : ".");
	ck_assert_msg(trust_policy_load_file(&pol, path, &err) == TRUST_OK, "%s", err.message);
	return pol;
}

/* Evaluates the good chain under ats with these facts; the error id on the chosen path, or "ok". */
static const char *verdict(int tls_version, int forward_secret, char *buf, size_t n)
{
	trust_store *store = fx_store(FX("good/root.pem"), NULL);
	trust_chain *chain = fx_chain(FX("good/chain.pem"));
	trust_policy *pol = ats();
	trust_connection c = { .version = TRUST_CONNECTION_VERSION, .tls_version = tls_version,
			       .cipher = "TLS_TEST_SUITE", .forward_secret = forward_secret,
			       .sent_in_order = -1 };
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = HOST;
	o.overlay = pol;
	o.connection = &c;
	o.flags = TRUST_EVAL_NO_CT;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, store, NULL, chain, &o, &err) == TRUST_OK, "%s", err.message);
	snprintf(buf, n, "%s", trust_result_trusted(r) ? "ok" : trust_result_reason(r));
	/* A rejection always carries an error finding. */
	if (!trust_result_trusted(r)) {
		size_t p = (size_t)trust_result_chosen_path(r), errors = 0;
		for (size_t i = 0; i < trust_result_finding_count(r, p); i++)
			errors += trust_result_finding(r, p, i)->severity == TRUST_SEV_ERROR;
		ck_assert_uint_gt(errors, 0);
	}
	trust_result_free(r);
	trust_policy_free(pol);
	trust_chain_free(chain);
	trust_store_free(store);
	return buf;
}

START_TEST(test_ats_connection__known_good_facts_pass)
{
	char b[128];
	ck_assert_str_eq(verdict(0x0304, 1, b, sizeof(b)), "ok");
	ck_assert_str_eq(verdict(0x0303, 1, b, sizeof(b)), "ok");
}
END_TEST

START_TEST(test_ats_connection__old_protocol_and_no_forward_secrecy_fail)
{
	char b[128];
	ck_assert_str_eq(verdict(0x0302, 1, b, sizeof(b)), "ats.tls-min-version");
	ck_assert_str_eq(verdict(0x0303, 0, b, sizeof(b)), "ats.pfs-ciphers");
}
END_TEST

START_TEST(test_ats_connection__facts_that_cannot_be_told_fail_closed)
{
	char b[128];
	ck_assert_str_eq(verdict(0, 1, b, sizeof(b)), "ats.tls-min-version");
	ck_assert_str_eq(verdict(0x0303, -1, b, sizeof(b)), "ats.pfs-ciphers");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ats_connection");
	TCase *t = tcase_create("ats_connection");
	tcase_add_test(t, test_ats_connection__known_good_facts_pass);
	tcase_add_test(t, test_ats_connection__old_protocol_and_no_forward_secrecy_fail);
	tcase_add_test(t, test_ats_connection__facts_that_cannot_be_told_fail_closed);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
