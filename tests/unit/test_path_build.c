/*
 * Path building: backtracking over cross-signs, rollovers, decoys and loops,
 * signature-cache reuse and the depth limit, on generated fixtures.
 */
#include "fixtures.h"
#include "support_validate.h"

static trust_result *eval(trust_store *s, trust_chain *c, const char *host, trust_sigcache *cache,
			  trust_eval_options *opt)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	if (opt)
		o = *opt;
	o.host = host;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, cache, c, &o, &err) == TRUST_OK, "%s", err.message);
	return r;
}

static const trust_cert *chosen_cert(const trust_result *r, size_t i)
{
	int p = trust_result_chosen_path(r);
	ck_assert_int_ge(p, 0);
	return trust_result_path_cert(r, (size_t)p, i);
}

static bool same_as_file(const trust_cert *c, const char *file)
{
	trust_chain *f = fx_chain(file);
	bool same = memcmp(trust_cert_sha256(c), trust_cert_sha256(trust_chain_cert(f, 0)), 32) == 0;
	trust_chain_free(f);
	return same;
}

static bool any_path_reason(const trust_result *r, const char *id)
{
	for (size_t p = 0; p < trust_result_path_count(r); p++)
		if (strcmp(trust_result_path_reason(r, p), id) == 0)
			return true;
	return false;
}

START_TEST(test_path_build__good_chain_reaches_the_anchor)
{
	trust_store *s = fx_store(FX("good/root.pem"), NULL);
	trust_chain *c = fx_chain(FX("good/chain.pem"));
	trust_result *r = eval(s, c, "good.example.com", NULL, NULL);
	ck_assert_msg(trust_result_trusted(r), "%s: %s", trust_result_reason(r),
		      trust_result_reason_message(r));
	int p = trust_result_chosen_path(r);
	ck_assert_uint_eq(trust_result_path_length(r, (size_t)p), 3);
	ck_assert_int_eq(trust_result_path_origin(r, (size_t)p, 2), TRUST_ORIGIN_USER);
	ck_assert(same_as_file(chosen_cert(r, 2), FX("good/root.pem")));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__expired_cross_sign_loses_to_the_current_root)
{
	/* The 2021 Let's Encrypt pattern: the server still sends the expired cross-sign. */
	trust_store *s = fx_store(FX("cross/anchors.pem"), NULL);
	trust_chain *c = fx_chain(FX("cross/chain.pem"));
	trust_result *r = eval(s, c, "cross.example.com", NULL, NULL);
	ck_assert_msg(trust_result_trusted(r), "%s", trust_result_reason(r));
	ck_assert_uint_eq(trust_result_path_length(r, (size_t)trust_result_chosen_path(r)), 3);
	ck_assert(same_as_file(chosen_cert(r, 2), FX("cross/new-root.pem")));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__only_the_expired_old_root_is_rejected_for_validity)
{
	trust_store *s = fx_store(FX("cross/old-root.pem"), NULL);
	trust_chain *c = fx_chain(FX("cross/chain.pem"));
	trust_result *r = eval(s, c, "cross.example.com", NULL, NULL);
	ck_assert(!trust_result_trusted(r));
	/* The path through the cross-sign was complete and failed on dates. */
	int p = trust_result_chosen_path(r);
	ck_assert(trust_result_path_complete(r, (size_t)p));
	ck_assert_uint_eq(trust_result_path_length(r, (size_t)p), 4);
	ck_assert_ptr_nonnull(strstr(trust_result_reason(r), "validity"));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__rollover_and_decoy_backtrack_to_the_real_issuer)
{
	trust_store *s = fx_store(FX("good/root.pem"), FX("rollover/pool.pem"));
	trust_chain *c = fx_chain(FX("rollover/leaf.pem"));
	trust_result *r = eval(s, c, "rollover.example.com", NULL, NULL);
	ck_assert_msg(trust_result_trusted(r), "%s", trust_result_reason(r));
	ck_assert(same_as_file(chosen_cert(r, 1), FX("rollover/new.pem")));
	/* The decoy copies the key id, so it is tried first and fails its signature. */
	ck_assert(any_path_reason(r, "rfc5280.signature.invalid"));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__a_cycle_of_cross_signs_terminates_as_a_loop)
{
	trust_store *s = fx_store(FX("good/root.pem"), FX("loop/cycle.pem"));
	trust_chain *c = fx_chain(FX("loop/leaf.pem"));
	trust_result *r = eval(s, c, "loop.example.com", NULL, NULL);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "path.loop");
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__a_cycle_with_an_exit_finds_the_exit)
{
	trust_store *s = fx_store(FX("good/root.pem"), FX("loop/pool.pem"));
	trust_chain *c = fx_chain(FX("loop/leaf.pem"));
	trust_result *r = eval(s, c, "loop.example.com", NULL, NULL);
	ck_assert_msg(trust_result_trusted(r), "%s", trust_result_reason(r));
	ck_assert(same_as_file(chosen_cert(r, 2), FX("loop/b-by-root.pem")));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__missing_intermediate_says_no_issuer)
{
	trust_store *s = fx_store(FX("good/root.pem"), NULL);
	trust_chain *c = fx_chain(FX("good/leaf.pem"));
	trust_result *r = eval(s, c, "good.example.com", NULL, NULL);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "path.no-issuer");
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__unknown_root_is_untrusted_even_when_sent)
{
	trust_store *s = fx_store(FX("good/root.pem"), NULL);
	trust_chain *c = fx_chain(FX("untrusted/chain.pem"));
	trust_error err = { 0 };
	ck_assert_int_eq(trust_chain_add_file(c, FX("untrusted/root.pem"), &err), TRUST_OK);
	trust_result *r = eval(s, c, "good.example.com", NULL, NULL);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "path.untrusted-root");
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__second_evaluation_is_answered_by_the_cache)
{
	trust_store *s = fx_store(FX("good/root.pem"), NULL);
	trust_chain *c = fx_chain(FX("good/chain.pem"));
	trust_sigcache *cache = trust_sigcache_new(0);
	trust_result *r1 = eval(s, c, "good.example.com", cache, NULL);
	trust_result *r2 = eval(s, c, "good.example.com", cache, NULL);
	ck_assert_int_eq(trust_result_stat(r1, TRUST_STAT_SIGNATURES_CHECKED), 2);
	ck_assert_int_eq(trust_result_stat(r1, TRUST_STAT_SIGNATURE_CACHE_HITS), 0);
	ck_assert_int_eq(trust_result_stat(r2, TRUST_STAT_SIGNATURES_CHECKED), 0);
	ck_assert_int_eq(trust_result_stat(r2, TRUST_STAT_SIGNATURE_CACHE_HITS), 2);
	ck_assert(trust_result_trusted(r2));
	trust_result_free(r1);
	trust_result_free(r2);
	trust_sigcache_free(cache);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__max_depth_counts_intermediates_at_cap_and_over)
{
	trust_store *s = fx_store(FX("good/root.pem"), NULL);
	trust_chain *c = fx_chain(FX("good/chain.pem"));
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.budgets.max_depth = 1;
	trust_result *r = eval(s, c, "good.example.com", NULL, &o);
	ck_assert(trust_result_trusted(r));
	trust_result_free(r);
	o.budgets.max_depth = TRUST_BUDGET_ZERO;
	r = eval(s, c, "good.example.com", NULL, &o);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "budget.depth");
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__explain_keeps_searching_and_lists_other_paths)
{
	/* Both roots trusted: the new root wins, and explain also records the old-root path. */
	trust_store *s = fx_store(FX("cross/anchors.pem"), NULL);
	trust_chain *c = fx_chain(FX("cross/chain.pem"));
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.flags = TRUST_EVAL_EXPLAIN;
	trust_result *r = eval(s, c, "cross.example.com", NULL, &o);
	ck_assert(trust_result_trusted(r));
	size_t complete = 0;
	for (size_t p = 0; p < trust_result_path_count(r); p++)
		complete += (size_t)trust_result_path_complete(r, p);
	ck_assert_uint_eq(complete, 2);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

START_TEST(test_path_build__an_issuer_renamed_under_the_same_key_is_named_in_the_reason)
{
	EVP_PKEY *rk = sv_key("EC", "P-256", 0), *ik = sv_key("EC", "P-256", 0);
	EVP_PKEY *lk = sv_key("EC", "P-256", 0);
	sv_spec rs = { .cn = "Root", .key = rk, .exts = SV_CA_EXTS };
	X509 *root = sv_cert(&rs);
	/* The leaf names "Original CA"; the store holds the same key as "Renamed CA". */
	sv_spec os = { .cn = "Original CA", .key = ik, .exts = SV_CA_EXTS };
	X509 *original = sv_cert(&os);
	sv_spec ns = { .cn = "Renamed CA", .key = ik, .issuer = root, .issuer_key = rk,
		       .exts = SV_CA_EXTS };
	X509 *renamed = sv_cert(&ns);
	sv_spec ls = { .cn = "leaf", .key = lk, .issuer = original, .issuer_key = ik,
		       .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&ls);
	X509 *anchors[] = { root, NULL }, *pool[] = { renamed, NULL }, *certs[] = { leaf, NULL };
	trust_store *s = sv_store(anchors, pool, NULL);
	trust_chain *c = sv_chain(certs);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "path.no-issuer");
	const trust_finding *f = sv_finding(r, "path.no-issuer", 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(sv_param(f, "key-id-match"));
	ck_assert_ptr_nonnull(strstr(sv_param(f, "key-id-match"), "Renamed CA"));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(renamed);
	X509_free(original);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("path_build");
	TCase *tc = tcase_create("path_build");
	tcase_add_test(tc, test_path_build__good_chain_reaches_the_anchor);
	tcase_add_test(tc, test_path_build__expired_cross_sign_loses_to_the_current_root);
	tcase_add_test(tc, test_path_build__only_the_expired_old_root_is_rejected_for_validity);
	tcase_add_test(tc, test_path_build__rollover_and_decoy_backtrack_to_the_real_issuer);
	tcase_add_test(tc, test_path_build__a_cycle_of_cross_signs_terminates_as_a_loop);
	tcase_add_test(tc, test_path_build__a_cycle_with_an_exit_finds_the_exit);
	tcase_add_test(tc, test_path_build__missing_intermediate_says_no_issuer);
	tcase_add_test(tc, test_path_build__unknown_root_is_untrusted_even_when_sent);
	tcase_add_test(tc, test_path_build__second_evaluation_is_answered_by_the_cache);
	tcase_add_test(tc, test_path_build__max_depth_counts_intermediates_at_cap_and_over);
	tcase_add_test(tc, test_path_build__explain_keeps_searching_and_lists_other_paths);
	tcase_add_test(tc, test_path_build__an_issuer_renamed_under_the_same_key_is_named_in_the_reason);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
