/*
 * CA rules, extensions and EKU on certificates built in the test: the CA bit,
 * path length with self-issued exemption, grandfathered system roots, unknown
 * critical and duplicated extensions, EKU chaining through intermediates.
 */
#include "support_pki.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_validate__an_intermediate_without_the_ca_bit_is_rejected)
{
	static sv_exts not_ca = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, not_ca, 0, 0, NULL);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.basic-constraints.not-ca", 1);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

/* root -> I1 (pathlen:0) -> I2 -> leaf: I2 exceeds I1's path length. */
START_TEST(test_validate__a_pathlen_violation_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *k2 = sv_key("EC", "P-256", 0);
	sv_spec s2 = { .cn = "Test Sub-Intermediate", .key = k2, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = SV_CA_EXTS };
	X509 *i2 = sv_cert(&s2);
	sv_spec sl = { .cn = "leaf.example.com", .key = k.leaf_key, .issuer = i2,
		       .issuer_key = k2, .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&sl);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { leaf, i2, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	sv_assert_rejected_with(r, "rfc5280.basic-constraints.path-length", 1);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(i2);
	EVP_PKEY_free(k2);
	sv_pki_free(&k);
}
END_TEST

/* root -> I1 (pathlen:0) -> I1' (self-issued rollover key) -> leaf: I1' is not counted. */
START_TEST(test_validate__a_self_issued_intermediate_does_not_count_toward_pathlen)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *k2 = sv_key("EC", "P-256", 0);
	sv_spec s2 = { .cn = "Test Intermediate", .key = k2, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = SV_CA_EXTS };
	X509 *rollover = sv_cert(&s2);
	sv_spec sl = { .cn = "leaf.example.com", .key = k.leaf_key, .issuer = rollover,
		       .issuer_key = k2, .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&sl);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { leaf, rollover, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	sv_assert_trusted(r);
	ck_assert_uint_eq(trust_result_path_length(r, (size_t)trust_result_chosen_path(r)), 4);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(rollover);
	EVP_PKEY_free(k2);
	sv_pki_free(&k);
}
END_TEST

static sv_exts LEGACY_ROOT_EXTS = {
	"basicConstraints", "CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	NULL,
};

START_TEST(test_validate__a_user_root_with_non_critical_basic_constraints_is_rejected)
{
	trust_result *r = sv_run_direct(LEGACY_ROOT_EXTS, TRUST_ORIGIN_USER);
	sv_assert_rejected_with(r, "rfc5280.basic-constraints.not-critical", 1);
	trust_result_free(r);
}
END_TEST

START_TEST(test_validate__a_grandfathered_system_root_only_warns)
{
	trust_result *r = sv_run_direct(LEGACY_ROOT_EXTS, TRUST_ORIGIN_SYSTEM);
	sv_assert_trusted(r);
	const trust_finding *f = sv_finding(r, "rfc5280.basic-constraints.not-critical", 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, TRUST_SEV_WARNING);
	trust_result_free(r);
}
END_TEST

START_TEST(test_validate__eku_on_an_intermediate_constrains_the_leaf)
{
	static sv_exts client_only = {
		"basicConstraints", "critical,CA:TRUE,pathlen:0",
		"keyUsage", "critical,keyCertSign,cRLSign",
		"extendedKeyUsage", "clientAuth",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, client_only, 0, 0, NULL);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.eku.issuer-lacks-purpose", 1);
	ck_assert_str_eq(sv_finding(r, "rfc5280.eku.issuer-lacks-purpose", 1)->policy, "tls-server");
	ck_assert_ptr_null(sv_finding(r, "rfc5280.eku.missing-purpose", 0));
	trust_result_free(r);
	/* For a client purpose the intermediate allows the path; the serverAuth-only leaf fails. */
	r = sv_run(&k, TRUST_POLICY_TLS_CLIENT, 0, NULL);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.eku.issuer-lacks-purpose", 1));
	ck_assert_ptr_nonnull(sv_finding(r, "rfc5280.eku.missing-purpose", 0));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_leaf_without_eku_passes_unless_webpki_strict)
{
	static sv_exts no_eku = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, no_eku, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	ck_assert_ptr_nonnull(sv_finding(r, "rfc5280.eku", -1));
	ck_assert_int_eq(sv_finding(r, "rfc5280.eku", -1)->severity, TRUST_SEV_PASS);
	trust_result_free(r);
	r = sv_run(&k, TRUST_POLICY_TLS_SERVER, TRUST_EVAL_WEBPKI_STRICT, NULL);
	sv_assert_rejected_with(r, "webpki.eku.missing", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_unknown_critical_extension_is_rejected)
{
	static sv_exts odd = {
		"basicConstraints", "critical,CA:FALSE",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		"1.3.6.1.4.1.55738.666.1", "critical,ASN1:NULL",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, odd, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.extensions.unknown-critical", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.extensions.unknown-critical", 0), "oid"),
			 "1.3.6.1.4.1.55738.666.1");
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_duplicated_extension_is_rejected)
{
	static sv_exts twice = {
		"basicConstraints", "critical,CA:FALSE",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		"subjectAltName", "DNS:a.example.com",
		"subjectAltName", "DNS:b.example.com",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, twice, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.extensions.duplicate", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__keycertsign_on_a_non_ca_leaf_is_rejected)
{
	static sv_exts signer = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature,keyCertSign",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, signer, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_rejected_with(r, "rfc5280.key-usage.keycertsign-not-ca", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_validate__baseline_requirements_bind_server_paths_only)
{
	static sv_exts critical_san = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"extendedKeyUsage", "serverAuth,clientAuth",
		"subjectAltName", "critical,DNS:leaf.example.com",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, critical_san, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	sv_assert_rejected_with(r, "webpki.san.critical", 0);
	trust_result_free(r);
	r = sv_run(&k, TRUST_POLICY_TLS_CLIENT, 0, NULL);
	ck_assert_ptr_null(sv_finding(r, "webpki.san.critical", 0));
	ck_assert_ptr_nonnull(sv_finding(r, "rfc5280.eku", -1));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("validate_ca");
	TCase *t = tcase_create("validate_ca");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_validate__an_intermediate_without_the_ca_bit_is_rejected);
	tcase_add_test(t, test_validate__a_pathlen_violation_is_rejected);
	tcase_add_test(t, test_validate__a_self_issued_intermediate_does_not_count_toward_pathlen);
	tcase_add_test(t, test_validate__a_user_root_with_non_critical_basic_constraints_is_rejected);
	tcase_add_test(t, test_validate__a_grandfathered_system_root_only_warns);
	tcase_add_test(t, test_validate__eku_on_an_intermediate_constrains_the_leaf);
	tcase_add_test(t, test_validate__a_leaf_without_eku_passes_unless_webpki_strict);
	tcase_add_test(t, test_validate__an_unknown_critical_extension_is_rejected);
	tcase_add_test(t, test_validate__a_duplicated_extension_is_rejected);
	tcase_add_test(t, test_validate__keycertsign_on_a_non_ca_leaf_is_rejected);
	tcase_add_test(t, test_validate__baseline_requirements_bind_server_paths_only);
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
