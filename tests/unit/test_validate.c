/*
 * RFC 5280 per-path validation on certificates built in the test: validity and
 * signature/key algorithms.  Assertions name finding ids, never messages.
 */
#include "support_pki.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_validate__a_well_formed_chain_passes_and_lists_every_rule)
{
	sv_pki k;
	sv_pki_init(&k);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_trusted(r);
	const char *passes[] = { "rfc5280.validity", "rfc5280.algorithms", "rfc5280.fields",
				 "rfc5280.extensions", "rfc5280.basic-constraints" };
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		const trust_finding *f = sv_finding(r, passes[i], -1);
		ck_assert_msg(f != NULL, "no %s summary", passes[i]);
		ck_assert_int_eq(f->severity, TRUST_SEV_PASS);
	}
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_expired_leaf_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, NULL, -30, -1);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.validity.expired", 0);
	ck_assert_ptr_nonnull(sv_param(sv_finding(r, "rfc5280.validity.expired", 0), "not-after"));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_expired_intermediate_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, NULL, -30, -1, NULL);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.validity.expired", 1);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.validity.expired", 0));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_expired_root_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.root);
	k.root = sv_make_root(k.root_key, -30, -1, NULL);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.validity.expired", 2);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_not_yet_valid_leaf_is_rejected_separately)
{
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 2, 30);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.validity.not-yet-valid", 0);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.validity.expired", 0));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__sha1_on_an_intermediate_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, NULL, 0, 0, EVP_sha1());
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.signature.weak-digest", 1);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.signature.weak-digest", 1), "digest"),
			 "SHA1");
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__sha1_on_a_self_signed_anchor_is_accepted)
{
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.root);
	k.root = sv_make_root(k.root_key, 0, 0, EVP_sha1());
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.signature.weak-digest", 2));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_rsa_1024_leaf_is_rejected_under_tls_but_not_rfc5280)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *small = sv_key("RSA", NULL, 1024);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, small, NULL, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.key.rsa-too-small", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.key.rsa-too-small", 0), "bits"), "1024");
	trust_result_free(r);
	r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.key.rsa-too-small", 0));
	sv_assert_trusted(r);
	trust_result_free(r);
	EVP_PKEY_free(small);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_p192_leaf_key_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *p192 = sv_key("EC", "prime192v1", 0);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, p192, NULL, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.key.forbidden-curve", 0);
	trust_result_free(r);
	EVP_PKEY_free(p192);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_ed25519_leaf_key_is_accepted)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *ed = sv_key("ED25519", NULL, 0);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, ed, NULL, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_trusted(r);
	trust_result_free(r);
	EVP_PKEY_free(ed);
	sv_pki_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("validate");
	TCase *t = tcase_create("validate");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_validate__a_well_formed_chain_passes_and_lists_every_rule);
	tcase_add_test(t, test_validate__an_expired_leaf_is_rejected);
	tcase_add_test(t, test_validate__an_expired_intermediate_is_rejected);
	tcase_add_test(t, test_validate__an_expired_root_is_rejected);
	tcase_add_test(t, test_validate__a_not_yet_valid_leaf_is_rejected_separately);
	tcase_add_test(t, test_validate__sha1_on_an_intermediate_is_rejected);
	tcase_add_test(t, test_validate__sha1_on_a_self_signed_anchor_is_accepted);
	tcase_add_test(t, test_validate__an_rsa_1024_leaf_is_rejected_under_tls_but_not_rfc5280);
	tcase_add_test(t, test_validate__a_p192_leaf_key_is_rejected);
	tcase_add_test(t, test_validate__an_ed25519_leaf_key_is_accepted);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
