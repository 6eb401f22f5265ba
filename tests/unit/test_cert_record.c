/*
 * The certificate record: what is decoded when (template parse, key and X509
 * on first use), the raw-name index with its canonical fallback, and the
 * sliced PEM loader against PEM_read_bio.
 */
#include "fixtures.h"
#include "support.h"

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <string.h>

static const char *ext_ca = "[ext]\n" SC_CA_EXTS;
static const char *ext_leaf = "[ext]\n" SC_LEAF_EXTS "subjectAltName = DNS:a.example\n";

static unsigned char *der_of(X509 *x, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	ck_assert_int_gt(n, 0);
	*len = (size_t)n;
	return der;
}

static trust_store *store_with_anchor(X509 *root)
{
	size_t len;
	unsigned char *der = der_of(root, &len);
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors_mem(b, der, len, "root", TRUST_ORIGIN_USER,
							     &err), TRUST_OK);
	OPENSSL_free(der);
	trust_store *s = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), TRUST_OK);
	return s;
}

static trust_chain *chain_of(X509 *leaf)
{
	size_t len;
	unsigned char *der = der_of(leaf, &len);
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_mem(c, der, len, "leaf", &err), TRUST_OK);
	OPENSSL_free(der);
	return c;
}

static bool trusted_with(const trust_store *s, trust_sigcache *cache, const trust_chain *c)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_RFC5280;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(trust_evaluate(&r, s, cache, c, &o, &err), TRUST_OK);
	bool ok = trust_result_trusted(r);
	trust_result_free(r);
	return ok;
}

static bool trusted(const trust_store *s, const trust_chain *c)
{
	return trusted_with(s, NULL, c);
}

/* A leaf whose issuer name is the root's in other letter case: not the same
 * bytes, the same name after RFC 5280 §7.1 comparison. */
START_TEST(test_record__issuer_name_in_other_case_is_found_canonically)
{
	EVP_PKEY *rk = sc_key(), *lk = sc_key();
	X509 *root = sc_cert("/O=Example/CN=Record Root", rk, NULL, NULL, ext_ca);
	X509 *leaf = sc_cert("/O=Example/CN=leaf", lk, root, rk, ext_leaf);
	X509_NAME *other = sc_name("/O=EXAMPLE/CN=record root");
	ck_assert(X509_set_issuer_name(leaf, other));
	ck_assert_int_gt(X509_sign(leaf, rk, EVP_sha256()), 0);
	trust_store *s = store_with_anchor(root);
	trust_chain *c = chain_of(leaf);
	ck_assert(trusted(s, c));
	trust_chain_free(c);
	trust_store_free(s);
	X509_NAME_free(other);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
}
END_TEST

/* After an evaluation the leaf's key was never decoded and no X509 was made
 * for anything; the root's key was decoded to check the leaf's signature. */
START_TEST(test_record__only_the_issuer_key_is_decoded)
{
	EVP_PKEY *rk = sc_key(), *lk = sc_key();
	X509 *root = sc_cert("/O=Example/CN=Record Root", rk, NULL, NULL, ext_ca);
	X509 *leaf = sc_cert("/O=Example/CN=leaf", lk, root, rk, ext_leaf);
	trust_store *s = store_with_anchor(root);
	trust_chain *c = chain_of(leaf);
	ck_assert(trusted(s, c));
	const trust_cert *l = c->certs.v[0], *a = tstash_cert(&s->certs, 0);
	ck_assert_ptr_null(atomic_load(&l->pkey));
	ck_assert_ptr_null(atomic_load(&l->x509));
	ck_assert_ptr_null(atomic_load(&a->x509));
	ck_assert_ptr_nonnull(atomic_load(&a->pkey));
	ck_assert(EVP_PKEY_eq(atomic_load(&a->pkey), rk) == 1);
	/* The X509 an API caller asks for is OpenSSL's parse of the same bytes. */
	X509 *x = trust_cert_x509(l);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_cmp(x, leaf), 0);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
}
END_TEST

/* `leaf` DER with its last byte (inside the signature value) changed. */
static trust_chain *chain_with_bad_signature(X509 *leaf)
{
	size_t len;
	unsigned char *der = der_of(leaf, &len);
	der[len - 1] ^= 0x01;
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_mem(c, der, len, "leaf", &err), TRUST_OK);
	OPENSSL_free(der);
	return c;
}

/* Issuer keys of every type the record builds from its parts (each named
 * curve from a copy of the curve's parameters, RSA from modulus and
 * exponent): the key made equals the issuer's, a good signature verifies
 * and a changed one does not. */
START_TEST(test_record__issuer_keys_of_each_type_verify)
{
	EVP_PKEY *keys[] = { EVP_EC_gen("P-256"), EVP_EC_gen("P-384"), EVP_EC_gen("P-521"),
			     EVP_RSA_gen(2048) };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		EVP_PKEY *rk = keys[i], *lk = sc_key();
		ck_assert_ptr_nonnull(rk);
		X509 *root = sc_cert("/O=Example/CN=Key Root", rk, NULL, NULL, ext_ca);
		X509 *leaf = sc_cert("/O=Example/CN=leaf", lk, root, rk, ext_leaf);
		trust_store *s = store_with_anchor(root);
		trust_chain *c = chain_of(leaf);
		ck_assert_msg(trusted(s, c), "key %zu", i);
		ck_assert(EVP_PKEY_eq(atomic_load(&tstash_cert(&s->certs, 0)->pkey), rk) == 1);
		trust_chain *bad = chain_with_bad_signature(leaf);
		ck_assert_msg(!trusted(s, bad), "key %zu: a changed signature verified", i);
		trust_chain_free(bad);
		trust_chain_free(c);
		trust_store_free(s);
		X509_free(leaf);
		X509_free(root);
		EVP_PKEY_free(rk);
		EVP_PKEY_free(lk);
	}
}
END_TEST

/* One issuer key checks children signed with SHA-256, -384 and -512 in turn
 * (its kept verification context is for the first digest). */
START_TEST(test_record__one_issuer_key_many_digests)
{
	EVP_PKEY *keys[] = { sc_key(), EVP_RSA_gen(2048) };
	const EVP_MD *mds[] = { EVP_sha256(), EVP_sha384(), EVP_sha512(), EVP_sha256() };
	for (size_t k = 0; k < 2; k++) {
		EVP_PKEY *rk = keys[k], *lk = sc_key();
		X509 *root = sc_cert("/O=Example/CN=Digest Root", rk, NULL, NULL, ext_ca);
		trust_store *s = store_with_anchor(root);
		for (size_t i = 0; i < sizeof(mds) / sizeof(mds[0]); i++) {
			X509 *leaf = sc_cert("/O=Example/CN=leaf", lk, root, rk, ext_leaf);
			ck_assert_int_gt(X509_sign(leaf, rk, mds[i]), 0);
			trust_chain *c = chain_of(leaf);
			ck_assert_msg(trusted(s, c), "key %zu digest %zu", k, i);
			trust_chain_free(c);
			X509_free(leaf);
		}
		trust_store_free(s);
		X509_free(root);
		EVP_PKEY_free(rk);
		EVP_PKEY_free(lk);
	}
}
END_TEST


/* The signature cache keys the signed data by the TBS digest and the
 * algorithm and signature bytes after it: the same TBS with another
 * signature value is not answered by the good one's cached result (and the
 * reverse), and the DER hash the report shows is still the whole DER's. */
START_TEST(test_record__cache_key_covers_the_signature_value)
{
	EVP_PKEY *rk = sc_key(), *lk = sc_key();
	X509 *root = sc_cert("/O=Example/CN=Cache Root", rk, NULL, NULL, ext_ca);
	X509 *leaf = sc_cert("/O=Example/CN=leaf", lk, root, rk, ext_leaf);
	trust_store *s = store_with_anchor(root);
	trust_sigcache *cache = trust_sigcache_new(0);
	trust_chain *good = chain_of(leaf), *bad = chain_with_bad_signature(leaf);
	ck_assert(trusted_with(s, cache, good));
	ck_assert(!trusted_with(s, cache, bad));
	ck_assert(trusted_with(s, cache, good));
	trust_sigcache *cache2 = trust_sigcache_new(0);
	ck_assert(!trusted_with(s, cache2, bad));
	ck_assert(trusted_with(s, cache2, good));
	size_t len;
	unsigned char *der = der_of(leaf, &len), h[32];
	SHA256(der, len, h);
	ck_assert_mem_eq(trust_cert_sha256(good->certs.v[0]), h, 32);
	OPENSSL_free(der);
	trust_chain_free(good);
	trust_chain_free(bad);
	trust_sigcache_free(cache);
	trust_sigcache_free(cache2);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
}
END_TEST

/* n self-signed CA certificates as one PEM bundle, wrapped at `width`. */
static char *bundle(X509 **certs, size_t n, int width, size_t *len)
{
	BIO *out = BIO_new(BIO_s_mem());
	for (size_t i = 0; i < n; i++) {
		size_t dlen;
		unsigned char *der = der_of(certs[i], &dlen);
		unsigned char b64[8192];
		int blen = EVP_EncodeBlock(b64, der, (int)dlen);
		OPENSSL_free(der);
		BIO_puts(out, "-----BEGIN CERTIFICATE-----\n");
		for (int k = 0; k < blen; k += width) {
			BIO_write(out, b64 + k, blen - k < width ? blen - k : width);
			BIO_puts(out, "\n");
		}
		BIO_puts(out, "-----END CERTIFICATE-----\n");
	}
	char *data = NULL;
	long l = BIO_get_mem_data(out, &data);
	char *copy = malloc((size_t)l + 1);
	memcpy(copy, data, (size_t)l);
	copy[l] = '\0';
	BIO_free(out);
	*len = (size_t)l;
	return copy;
}

static void make_cas(X509 **certs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char subject[64];
		snprintf(subject, sizeof(subject), "/O=Example/CN=Bundle CA %zu", i);
		EVP_PKEY *k = sc_key();
		certs[i] = sc_cert(subject, k, NULL, NULL, ext_ca);
		EVP_PKEY_free(k);
	}
}

static void free_cas(X509 **certs, size_t n, char *pem)
{
	for (size_t i = 0; i < n; i++)
		X509_free(certs[i]);
	free(pem);
}

START_TEST(test_record__sliced_bundle_matches_pem_read_bio)
{
	X509 *cas[4];
	make_cas(cas, 4);
	size_t len;
	char *pem = bundle(cas, 4, 64, &len);
	trust_error err = { 0 };
	tstash st = { 0 };
	tcert_list sliced = { .stash = &st }, full = { 0 };
	ck_assert_int_eq(tload_pem_sliced(&sliced, (const unsigned char *)pem, len, "b", &err),
			 TRUST_OK);
	ck_assert_int_eq(tload_certs_mem(&full, (const unsigned char *)pem, len, "b", &err),
			 TRUST_OK);
	ck_assert_uint_eq(st.n, 4);
	ck_assert_uint_eq(sliced.n, 0); /* slots, no records */
	ck_assert_uint_eq(full.n, 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_ptr_null(atomic_load(&st.v[i].cert));
		trust_cert *c = tstash_cert(&st, i);
		ck_assert_ptr_nonnull(c);
		ck_assert_ptr_eq(tstash_cert(&st, i), c); /* made once */
		ck_assert(tcert_same(c, full.v[i]));
		ck_assert(tcert_ready(c));
		ck_assert_str_eq(trust_cert_source(c), "b");
		ck_assert_int_eq(X509_NAME_cmp(tcert_subject_name(c),
					       X509_get_subject_name(cas[i])), 0);
	}
	tstash_clear(&st);
	tcert_list_clear(&full);
	free_cas(cas, 4, pem);
}
END_TEST

/* 76-column lines and PEM headers are PEM_read_bio's job: the fast path
 * declines and the bundle still loads. */
START_TEST(test_record__unusual_pem_falls_back)
{
	X509 *cas[2];
	make_cas(cas, 2);
	size_t len;
	char *pem = bundle(cas, 2, 76, &len);
	trust_error err = { 0 };
	tstash st = { 0 };
	tcert_list l = { .stash = &st };
	ck_assert_int_eq(tload_pem_sliced(&l, (const unsigned char *)pem, len, "b", &err),
			 TLOAD_FALLBACK);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_int_eq(tload_certs_mem(&l, (const unsigned char *)pem, len, "b", &err), TRUST_OK);
	ck_assert_uint_eq(st.n, 2);
	ck_assert(tcert_ready(tstash_cert(&st, 1)));
	tstash_clear(&st);
	free_cas(cas, 2, pem);
}
END_TEST

/* A bad character on the last full body line of the second anchor, far past
 * its subject: the load fails and names the input, as PEM_read_bio's did. */
START_TEST(test_record__broken_base64_late_in_a_bundle_fails_the_load)
{
	X509 *cas[2];
	make_cas(cas, 2);
	size_t len;
	char *pem = bundle(cas, 2, 64, &len);
	char *end = strstr(strstr(pem, "-----END") + 1, "-----END");
	char *last_full = end - 1;
	while (last_full > pem && last_full[-1] != '\n')
		last_full--; /* start of the short last line */
	last_full -= 65; /* start of the line before it */
	last_full[10] = '!';
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors_mem(b, pem, len, "bundle.pem",
							     TRUST_ORIGIN_USER, &err),
			 TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "bundle.pem"));
	trust_store_builder_free(b);
	free_cas(cas, 2, pem);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cert_record");
	TCase *tc = tcase_create("cert_record");
	tcase_set_timeout(tc, 60); /* RSA-2048 key generation on a loaded machine */
	tcase_add_test(tc, test_record__issuer_name_in_other_case_is_found_canonically);
	tcase_add_test(tc, test_record__only_the_issuer_key_is_decoded);
	tcase_add_test(tc, test_record__issuer_keys_of_each_type_verify);
	tcase_add_test(tc, test_record__one_issuer_key_many_digests);
	tcase_add_test(tc, test_record__cache_key_covers_the_signature_value);
	tcase_add_test(tc, test_record__sliced_bundle_matches_pem_read_bio);
	tcase_add_test(tc, test_record__unusual_pem_falls_back);
	tcase_add_test(tc, test_record__broken_base64_late_in_a_bundle_fails_the_load);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
