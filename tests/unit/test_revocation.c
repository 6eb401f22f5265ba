/*
 * Revocation from CRLs on certificates and CRLs built in the test: revoked
 * leaf and intermediate with reasons, unlisted leaf, stale CRL, CRL signed by
 * another key, CRL from an issuer without cRLSign; revocation modes (soft,
 * hard, off) and the per-certificate coverage findings.
 */
#include "support_pki.h"

#include <check.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The test PKI with an intermediate whose keyUsage lacks cRLSign. */
static void pki_without_crlsign(sv_pki *k)
{
	static sv_exts no_crlsign = {
		"basicConstraints", "critical,CA:TRUE,pathlen:0",
		"keyUsage", "critical,keyCertSign",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki_init(k);
	X509_free(k->inter);
	k->inter = sv_make_inter(k, no_crlsign, 0, 0, NULL);
	X509_free(k->leaf);
	k->leaf = sv_make_leaf(k, NULL, NULL, 0, 0);
}

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
	sv_pki k;
	pki_without_crlsign(&k);
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

/* Appends the CRLs of file `from` to file `to` (both PEM). */
static void append_file(const char *to, const char *from)
{
	FILE *in = fopen(from, "r"), *out = fopen(to, "a");
	ck_assert(in && out);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

/* Rewrites the CRL in `path` with a critical extension libtrust does not know, re-signed. */
static void add_unknown_critical(const char *path, EVP_PKEY *key)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	X509_CRL *crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(crl);
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.55555.1", 1);
	ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
	ck_assert(oid && val && ASN1_OCTET_STRING_set(val, (const unsigned char *)"\x05\x00", 2));
	X509_EXTENSION *ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 1, val);
	ck_assert_ptr_nonnull(ext);
	ck_assert(X509_CRL_add_ext(crl, ext, -1));
	ck_assert(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert(PEM_write_X509_CRL(f, crl));
	ck_assert_int_eq(fclose(f), 0);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(val);
	ASN1_OBJECT_free(oid);
	X509_CRL_free(crl);
}

/* The coverage finding of certificate `cert`, with its severity checked. */
static const trust_finding *coverage(trust_result *r, const char *id, int cert,
				     trust_severity sev)
{
	const trust_finding *f = sv_finding(r, id, cert);
	ck_assert_msg(f != NULL, "no %s on certificate %d", id, cert);
	ck_assert_int_eq(f->severity, sev);
	return f;
}

START_TEST(test_revocation__soft_warns_for_an_intermediate_the_crl_does_not_cover)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf) + 1, 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_trusted(r);
	ck_assert_str_eq(sv_param(coverage(r, "revocation.covered", 0, TRUST_SEV_PASS), "source"),
			 "crl");
	const trust_finding *f = coverage(r, "revocation.not-covered", 1, TRUST_SEV_WARNING);
	ck_assert_str_eq(sv_param(f, "why"), "no CRL from its issuer was given");
	ck_assert_str_eq(sv_param(f, "mode"), "soft");
	ck_assert_ptr_nonnull(strstr(sv_finding(r, "revocation.crl", -1)->message, "1 of 2"));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__hard_rejects_a_certificate_no_crl_covers)
{
	sv_pki k;
	sv_pki_init(&k);
	/* Only the root's CRL: the intermediate is covered, the leaf is not. */
	char *crl = sv_crl_file(k.root, k.root_key, sv_serial(k.inter) + 1, 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_HARD, crl);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	coverage(r, "revocation.covered", 1, TRUST_SEV_PASS);
	ck_assert_ptr_null(sv_finding(r, "revocation.crl", -1));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__hard_accepts_a_path_every_crl_covers)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf) + 1, 1, -1, 7);
	char *root_crl = sv_crl_file(k.root, k.root_key, sv_serial(k.inter) + 1, 1, -1, 7);
	append_file(crl, root_crl);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_HARD, crl);
	sv_assert_trusted(r);
	coverage(r, "revocation.covered", 0, TRUST_SEV_PASS);
	coverage(r, "revocation.covered", 1, TRUST_SEV_PASS);
	ck_assert_ptr_null(sv_finding(r, "revocation.not-covered", 0));
	ck_assert_ptr_nonnull(strstr(sv_finding(r, "revocation.crl", -1)->message, "2 of 2"));
	trust_result_free(r);
	unlink(crl);
	unlink(root_crl);
	free(crl);
	free(root_crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_crl_with_an_unknown_critical_extension_fails_hard_warns_soft)
{
	sv_pki k;
	sv_pki_init(&k);
	/* It would revoke the leaf if it were used; it must not be. */
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1, -1, 7);
	add_unknown_critical(crl, k.inter_key);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, crl);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(sv_finding(r, "revocation.crl-unsupported", 0));
	const trust_finding *f = coverage(r, "revocation.not-covered", 0, TRUST_SEV_WARNING);
	ck_assert_str_eq(sv_param(f, "why"), "it has an unknown critical extension");
	trust_result_free(r);
	r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_HARD, crl);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_crl_from_an_issuer_without_crlsign_fails_hard)
{
	sv_pki k;
	pki_without_crlsign(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf) + 1, 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_HARD, crl);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "revocation.not-covered", 0), "why"),
			 "the issuer's keyUsage lacks cRLSign");
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__a_stale_crl_fails_hard)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf) + 1, 1, -20, -10);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_HARD, crl);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "revocation.not-covered", 0), "why"),
			 "its nextUpdate has passed");
	trust_result_free(r);
	unlink(crl);
	free(crl);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__without_any_crl_soft_says_not_checked_and_hard_rejects)
{
	sv_pki k;
	sv_pki_init(&k);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_trusted(r);
	coverage(r, "revocation.not-checked", -1, TRUST_SEV_INFO);
	ck_assert_ptr_null(sv_finding(r, "revocation.crl", -1));
	trust_result_free(r);
	r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_HARD, NULL);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	coverage(r, "revocation.not-covered", 1, TRUST_SEV_ERROR);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_revocation__off_ignores_even_a_revoking_crl)
{
	sv_pki k;
	sv_pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1, -1, 7);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, TRUST_EVAL_REVOCATION_OFF, crl);
	sv_assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	coverage(r, "revocation.not-checked", -1, TRUST_SEV_INFO);
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
	tcase_add_test(t, test_revocation__soft_warns_for_an_intermediate_the_crl_does_not_cover);
	tcase_add_test(t, test_revocation__hard_rejects_a_certificate_no_crl_covers);
	tcase_add_test(t, test_revocation__hard_accepts_a_path_every_crl_covers);
	tcase_add_test(t, test_revocation__a_crl_with_an_unknown_critical_extension_fails_hard_warns_soft);
	tcase_add_test(t, test_revocation__a_crl_from_an_issuer_without_crlsign_fails_hard);
	tcase_add_test(t, test_revocation__a_stale_crl_fails_hard);
	tcase_add_test(t, test_revocation__without_any_crl_soft_says_not_checked_and_hard_rejects);
	tcase_add_test(t, test_revocation__off_ignores_even_a_revoking_crl);
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
