/*
 * EC keys that do not name their curve: explicit parameters (specifiedCurve,
 * here spelling out P-256 itself, the CVE-2020-0601 shape) and implicitCA.
 * Made with OpenSSL's APIs in the test, placed as leaf, intermediate and
 * anchor, and refused as rfc5280.key.explicit-curve under every policy.
 */
#include "support_pki.h"

#include <check.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <string.h>

/* A P-256 key that encodes its group as explicit parameters. */
static EVP_PKEY *explicit_key(void)
{
	EVP_PKEY *k = sv_key("EC", "P-256", 0);
	ck_assert(EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING,
						 OSSL_PKEY_EC_ENCODING_EXPLICIT));
	return k;
}

static bool spki_params_are(X509 *x, int ptype)
{
	X509_ALGOR *alg = NULL;
	ck_assert(X509_PUBKEY_get0_param(NULL, NULL, NULL, &alg, X509_get_X509_PUBKEY(x)));
	int got = V_ASN1_UNDEF;
	X509_ALGOR_get0(NULL, &got, NULL, alg);
	return got == ptype;
}

static const trust_policy_base POLICIES[] = { TRUST_POLICY_RFC5280, TRUST_POLICY_TLS_SERVER,
					      TRUST_POLICY_TLS_CLIENT };

/* Evaluates k's path under every base policy; each rejects with the id on `cert`. */
static void assert_refused_everywhere(sv_pki *k, int cert)
{
	for (size_t i = 0; i < sizeof(POLICIES) / sizeof(POLICIES[0]); i++) {
		trust_result *r = sv_run(k, POLICIES[i], 0, NULL);
		sv_assert_rejected_with(r, "rfc5280.key.explicit-curve", cert);
		trust_result_free(r);
	}
}

START_TEST(test_ec_params__explicit_parameters_on_the_leaf_are_refused)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *ek = explicit_key();
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, ek, NULL, 0, 0);
	ck_assert(spki_params_are(k.leaf, V_ASN1_SEQUENCE));
	assert_refused_everywhere(&k, 0);
	EVP_PKEY_free(ek);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ec_params__explicit_parameters_on_the_issuer_are_refused)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY_free(k.inter_key);
	k.inter_key = explicit_key();
	X509_free(k.inter);
	X509_free(k.leaf);
	k.inter = sv_make_inter(&k, NULL, 0, 0, NULL);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	ck_assert(spki_params_are(k.inter, V_ASN1_SEQUENCE));
	assert_refused_everywhere(&k, 1);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ec_params__explicit_parameters_on_the_anchor_are_refused)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY_free(k.root_key);
	k.root_key = explicit_key();
	X509_free(k.root);
	X509_free(k.inter);
	X509_free(k.leaf);
	k.root = sv_make_root(k.root_key, 0, 0, NULL);
	k.inter = sv_make_inter(&k, NULL, 0, 0, NULL);
	k.leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	ck_assert(spki_params_are(k.root, V_ASN1_SEQUENCE));
	assert_refused_everywhere(&k, 2);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ec_params__implicit_ca_is_refused)
{
	sv_pki k;
	sv_pki_init(&k);
	/* The leaf's point with NULL parameters (implicitCA), re-signed by the intermediate. */
	unsigned char pt[133];
	size_t len = 0;
	ck_assert(EVP_PKEY_get_octet_string_param(k.leaf_key, OSSL_PKEY_PARAM_PUB_KEY, pt,
						  sizeof(pt), &len));
	unsigned char *copy = OPENSSL_memdup(pt, len);
	ck_assert_ptr_nonnull(copy);
	ck_assert(X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(k.leaf),
					 OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_NULL, NULL,
					 copy, (int)len));
	ck_assert(X509_sign(k.leaf, k.inter_key, EVP_sha256()) > 0);
	ck_assert(spki_params_are(k.leaf, V_ASN1_NULL));
	assert_refused_everywhere(&k, 0);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ec_params__a_named_curve_still_passes)
{
	sv_pki k;
	sv_pki_init(&k);
	ck_assert(spki_params_are(k.leaf, V_ASN1_OBJECT));
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	sv_assert_trusted(r);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ec_params");
	TCase *t = tcase_create("ec_params");
	tcase_add_test(t, test_ec_params__explicit_parameters_on_the_leaf_are_refused);
	tcase_add_test(t, test_ec_params__explicit_parameters_on_the_issuer_are_refused);
	tcase_add_test(t, test_ec_params__explicit_parameters_on_the_anchor_are_refused);
	tcase_add_test(t, test_ec_params__implicit_ca_is_refused);
	tcase_add_test(t, test_ec_params__a_named_curve_still_passes);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
