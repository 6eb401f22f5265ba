/* Loading and indexing: what goes into a store and what errors come out. */
#include "fixtures.h"
#include "support_validate.h"

#include <openssl/x509.h>

START_TEST(test_store__duplicate_anchors_are_dropped)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), TRUST_ORIGIN_USER, &err), 0);
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), TRUST_ORIGIN_USER, &err), 0);
	ck_assert_int_eq(trust_store_builder_add_intermediates(b, FX("good/fullchain.pem"), &err), 0);
	trust_store *s = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), 0);
	/* The root appears three times: once an anchor, the pool copy dropped. */
	ck_assert_uint_eq(trust_store_anchor_count(s), 1);
	ck_assert_uint_eq(trust_store_intermediate_count(s), 2);
	trust_store_free(s);
}
END_TEST

/* A bundle whose fourth block is not a certificate: the three before it were
 * already stored when the fourth failed, and the failed add takes them back. */
START_TEST(test_store__a_failed_add_leaves_nothing_behind)
{
	trust_error err = { 0 };
	FILE *f = fopen(FX("good/fullchain.pem"), "rb");
	ck_assert_ptr_nonnull(f);
	char pem[16384];
	size_t n = fread(pem, 1, sizeof(pem) - 200, f);
	fclose(f);
	ck_assert_uint_gt(n, 0);
	const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
	memcpy(pem + n, bad, sizeof(bad) - 1);
	n += sizeof(bad) - 1;
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_intermediates_mem(b, pem, n, "bundle.pem", &err),
			 TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "bundle.pem: certificate 4"));
	trust_store_builder_clear_error(b);
	ck_assert_int_eq(trust_store_builder_add_anchors(b, FX("good/root.pem"), TRUST_ORIGIN_USER,
							 &err), TRUST_OK);
	trust_store *s = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), TRUST_OK);
	ck_assert_uint_eq(trust_store_anchor_count(s), 1);
	ck_assert_uint_eq(trust_store_intermediate_count(s), 0);
	trust_store_free(s);
}
END_TEST

START_TEST(test_store__directory_loads_every_certificate_file)
{
	trust_store *s = fx_store(FX("good"), NULL);
	/* good/ holds root, inter, leaf, chain (2) and fullchain (3): 3 distinct certificates. */
	ck_assert_uint_eq(trust_store_anchor_count(s), 3);
	trust_store_free(s);
}
END_TEST

START_TEST(test_store__missing_file_names_the_file)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors(b, "/nonexistent/root.pem", TRUST_ORIGIN_USER, &err),
			 TRUST_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/root.pem"));
	trust_store_builder_free(b);
}
END_TEST

START_TEST(test_store__garbage_is_a_parse_error)
{
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_file(c, FX("garbage/garbage.bin"), &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "garbage.bin"));
	ck_assert_int_eq(trust_chain_add_file(c, FX("garbage/empty.pem"), &err), TRUST_EPARSE);
	ck_assert_int_eq(trust_chain_add_file(c, FX("garbage/truncated.der"), &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
	ck_assert_int_eq(trust_chain_add_file(c, FX("garbage/badbase64.pem"), &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "base64"));
	ck_assert_uint_eq(trust_chain_count(c), 0);
	trust_chain_free(c);
}
END_TEST

START_TEST(test_store__oversized_input_is_refused)
{
	size_t n = 10u * 1024u * 1024u;
	unsigned char *big = calloc(1, n);
	ck_assert_ptr_nonnull(big);
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_mem(c, big, n, "big.pem", &err), TRUST_ELIMIT);
	ck_assert_ptr_nonnull(strstr(err.message, "big.pem"));
	free(big);
	trust_chain_free(c);
}
END_TEST

START_TEST(test_store__chain_keeps_file_order_and_der_matches)
{
	trust_chain *c = fx_chain(FX("good/chain.pem"));
	ck_assert_uint_eq(trust_chain_count(c), 2);
	ck_assert_ptr_nonnull(strstr(trust_cert_subject(trust_chain_cert(c, 0)), "good.example.com"));
	ck_assert_ptr_nonnull(strstr(trust_cert_subject(trust_chain_cert(c, 1)), "Fixture Intermediate"));
	ck_assert_ptr_null(trust_chain_cert(c, 2));
	trust_chain_free(c);
}
END_TEST

START_TEST(test_store__crl_file_must_hold_a_crl)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_crl(b, FX("revoked/crl.pem"), &err), TRUST_OK);
	ck_assert_int_eq(trust_store_builder_add_crl(b, FX("good/root.pem"), &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "root.pem"));
	trust_store_builder_free(b);
}
END_TEST

START_TEST(test_store__der_whose_text_contains_a_pem_header_is_still_der)
{
	EVP_PKEY *k = sv_key("EC", "P-256", 0);
	sv_spec spec = { .cn = "-----BEGIN X", .key = k, .exts = SV_CA_EXTS };
	X509 *x = sv_cert(&spec);
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	ck_assert_int_gt(n, 0);
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_msg(trust_chain_add_mem(c, der, (size_t)n, "begin.der", &err) == TRUST_OK, "%s",
		      err.message);
	ck_assert_uint_eq(trust_chain_count(c), 1);
	trust_chain_free(c);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_test(tc, test_store__duplicate_anchors_are_dropped);
	tcase_add_test(tc, test_store__a_failed_add_leaves_nothing_behind);
	tcase_add_test(tc, test_store__directory_loads_every_certificate_file);
	tcase_add_test(tc, test_store__missing_file_names_the_file);
	tcase_add_test(tc, test_store__garbage_is_a_parse_error);
	tcase_add_test(tc, test_store__oversized_input_is_refused);
	tcase_add_test(tc, test_store__chain_keeps_file_order_and_der_matches);
	tcase_add_test(tc, test_store__crl_file_must_hold_a_crl);
	tcase_add_test(tc, test_store__der_whose_text_contains_a_pem_header_is_still_der);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
