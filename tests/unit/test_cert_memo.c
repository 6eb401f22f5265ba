/*
 * Answers kept on a certificate record once computed (the decoded
 * subjectAltName, "the extensions are clean"): a second evaluation over the
 * same records must reach the same verdicts as the first, a defect must be
 * reported every time, and only a clean answer is kept.
 */
#include "fixtures.h"
#include "support.h"

#include <string.h>

static const char *ext_ca = "[ext]\n" SC_CA_EXTS;

typedef struct memo_pki {
	EVP_PKEY *rk, *lk;
	X509 *root, *leaf;
	trust_store *store;
	trust_chain *chain;
} memo_pki;

static void memo_init(memo_pki *m, const char *leaf_conf)
{
	m->rk = sc_key();
	m->lk = sc_key();
	m->root = sc_cert("/O=Example/CN=Memo Root", m->rk, NULL, NULL, ext_ca);
	m->leaf = sc_cert("/O=Example/CN=leaf", m->lk, m->root, m->rk, leaf_conf);
	trust_error err = { 0 };
	unsigned char *der = NULL;
	int n = i2d_X509(m->root, &der);
	ck_assert_int_gt(n, 0);
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_int_eq(trust_store_builder_add_anchors_mem(b, der, (size_t)n, "root",
							     TRUST_ORIGIN_USER, &err),
			 TRUST_OK);
	ck_assert_int_eq(trust_store_builder_finish(&m->store, b, &err), TRUST_OK);
	OPENSSL_free(der);
	der = NULL;
	n = i2d_X509(m->leaf, &der);
	ck_assert_int_gt(n, 0);
	m->chain = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_mem(m->chain, der, (size_t)n, "leaf", &err), TRUST_OK);
	OPENSSL_free(der);
}

static void memo_free(memo_pki *m)
{
	trust_chain_free(m->chain);
	trust_store_free(m->store);
	X509_free(m->leaf);
	X509_free(m->root);
	EVP_PKEY_free(m->rk);
	EVP_PKEY_free(m->lk);
}

/* The headline reason of a tls-server evaluation for `host` ("ok" if trusted). */
static const char *reason_for(memo_pki *m, const char *host, char *buf, size_t len)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.purpose = TRUST_PURPOSE_SERVER;
	o.host = host;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(trust_evaluate(&r, m->store, NULL, m->chain, &o, &err), TRUST_OK);
	snprintf(buf, len, "%s", trust_result_trusted(r) ? "ok" : trust_result_reason(r));
	trust_result_free(r);
	return buf;
}

START_TEST(test_memo__the_kept_san_answers_every_host)
{
	memo_pki m;
	memo_init(&m, "[ext]\n" SC_LEAF_EXTS "subjectAltName = DNS:a.example\n");
	char buf[128];
	const trust_cert *leaf = m.chain->certs.v[0];
	/* Decoded once, when the leaf was parsed (OpenSSL's cache validates it too). */
	ck_assert(atomic_load(&leaf->san_done));
	ck_assert_ptr_nonnull(leaf->san);
	ck_assert_int_eq(leaf->san_crit, 0);
	ck_assert(!tcert_is_clean(leaf, TCERT_CLEAN_EXTS));
	ck_assert_str_eq(reason_for(&m, "a.example", buf, sizeof(buf)), "ok");
	ck_assert(tcert_is_clean(leaf, TCERT_CLEAN_EXTS | TCERT_CLEAN_SIGALG));
	ck_assert_str_eq(reason_for(&m, "b.example", buf, sizeof(buf)), "names.dns.mismatch");
	ck_assert_str_eq(reason_for(&m, "a.example", buf, sizeof(buf)), "ok");
	memo_free(&m);
}
END_TEST

START_TEST(test_memo__a_leaf_without_san_stays_without)
{
	memo_pki m;
	memo_init(&m, "[ext]\n" SC_LEAF_EXTS);
	char buf[128];
	for (int i = 0; i < 2; i++)
		ck_assert_str_eq(reason_for(&m, "a.example", buf, sizeof(buf)),
				 "names.dns.mismatch");
	const trust_cert *leaf = m.chain->certs.v[0];
	ck_assert(atomic_load(&leaf->san_done));
	ck_assert_ptr_null(leaf->san);
	ck_assert_int_eq(leaf->san_crit, -1);
	memo_free(&m);
}
END_TEST

START_TEST(test_memo__a_bad_extension_is_reported_every_time)
{
	memo_pki m;
	memo_init(&m, "[ext]\n" SC_LEAF_EXTS "subjectAltName = DNS:a.example\n"
		      "1.3.6.1.4.1.55555.1 = critical,ASN1:NULL\n");
	char buf[128];
	for (int i = 0; i < 3; i++)
		ck_assert_str_eq(reason_for(&m, "a.example", buf, sizeof(buf)),
				 TRUST_ID_RFC5280_EXTENSIONS_UNKNOWN_CRITICAL);
	ck_assert(!tcert_is_clean(m.chain->certs.v[0], TCERT_CLEAN_EXTS));
	memo_free(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cert_memo");
	TCase *tc = tcase_create("cert_memo");
	tcase_add_test(tc, test_memo__the_kept_san_answers_every_host);
	tcase_add_test(tc, test_memo__a_leaf_without_san_stays_without);
	tcase_add_test(tc, test_memo__a_bad_extension_is_reported_every_time);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
