/*
 * Revocation from CRLs on certificates and CRLs built in the test: revoked
 * leaf and intermediate with reasons, unlisted leaf, stale CRL, CRL signed by
 * another key, CRL from an issuer without cRLSign.
 */
#include "support_pki.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_revocation__a_revoked_leaf_is_rejected_with_its_reason)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1 /* keyCompromise */,
				-1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_rejected_with(r, "revocation.revoked", 0);
	const trust_finding *f = sv_finding(r, "revocation.revoked", 0);
	ck_assert_str_eq(sv_param(f, "reason"), "keyCompromise");
	ck_assert_ptr_nonnull(sv_param(f, "serial"));
	ck_assert_ptr_nonnull(sv_param(f, "revoked-at"));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_crl_that_does_not_list_the_leaf_records_a_pass)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf) + 1, 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(sv_finding(r, "revocation.crl", -1));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_stale_crl_is_not_used_and_warns)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1, -20, -10);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_trusted(r);
	const trust_finding *f = sv_finding(r, "revocation.crl-stale", 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, TRUST_SEV_WARNING);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_crl_signed_by_another_key_is_ignored)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *other = sv_key("EC", "P-256", 0);
	char *crl = sv_crl_file(k.inter, other, sv_serial(k.leaf), 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	EVP_PKEY_free(other);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_revoked_intermediate_is_rejected_by_the_roots_crl)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.root, k.root_key, sv_serial(k.inter), 4 /* superseded */, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_rejected_with(r, "revocation.revoked", 1);
	ck_assert_str_eq(sv_param(sv_finding(r, "revocation.revoked", 1), "reason"), "superseded");
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_crl_from_an_issuer_without_crlsign_is_not_used)
{
	static sv_exts no_crlsign = {
		"basicConstraints", "critical,CA:TRUE,pathlen:0",
		"keyUsage", "critical,keyCertSign",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, no_crlsign, 0, 0, NULL);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(sv_finding(r, "revocation.crl-unusable", 0));
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("revocation");
	TCase *t = tcase_create("revocation");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_revocation__a_revoked_leaf_is_rejected_with_its_reason);
	tcase_add_test(t, test_revocation__a_crl_that_does_not_list_the_leaf_records_a_pass);
	tcase_add_test(t, test_revocation__a_stale_crl_is_not_used_and_warns);
	tcase_add_test(t, test_revocation__a_crl_signed_by_another_key_is_ignored);
	tcase_add_test(t, test_revocation__a_revoked_intermediate_is_rejected_by_the_roots_crl);
	tcase_add_test(t, test_revocation__a_crl_from_an_issuer_without_crlsign_is_not_used);
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
