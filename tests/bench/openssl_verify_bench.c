/*
 * OpenSSL side of the verification benchmark: the same inputs and loop as
 * trust-verify-bench, verified by X509_verify_cert with the equivalent
 * settings (TLS server purpose, host name without CN fallback or partial
 * wildcards, fixed time).
 */
#include "bench_common.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct state {
	X509_STORE *store;
	STACK_OF(X509) *untrusted;
	X509 *leaf;
} state;

static void pem_to_stack(STACK_OF(X509) *sk, const bench_blob *b)
{
	BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);
	X509 *x;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error();
	BIO_free(bio);
}

static X509_STORE *make_store(const bench_cfg *cfg)
{
	X509_STORE *s = X509_STORE_new();
	for (size_t i = 0; i < cfg->nanchors; i++) {
		STACK_OF(X509) *sk = sk_X509_new_null();
		pem_to_stack(sk, &cfg->anchors[i]);
		for (int k = 0; k < sk_X509_num(sk); k++)
			X509_STORE_add_cert(s, sk_X509_value(sk, k));
		sk_X509_pop_free(sk, X509_free);
	}
	return s;
}

static STACK_OF(X509) *make_untrusted(const bench_cfg *cfg)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	for (size_t i = 0; !cfg->pool_after && i < cfg->npool; i++)
		pem_to_stack(sk, &cfg->pool[i]);
	for (size_t i = 0; i < cfg->nuntrusted; i++)
		pem_to_stack(sk, &cfg->untrusted[i]);
	for (size_t i = 0; cfg->pool_after && i < cfg->npool; i++)
		pem_to_stack(sk, &cfg->pool[i]);
	return sk;
}

static X509 *parse_leaf(const bench_blob *b)
{
	const unsigned char *p = b->data;
	return d2i_X509(NULL, &p, (long)b->len);
}

static int verify(const bench_cfg *cfg, X509_STORE *s, X509 *leaf, STACK_OF(X509) *untrusted)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;
	if (ctx && X509_STORE_CTX_init(ctx, s, leaf, untrusted)) {
		X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
		X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
							    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
		if (cfg->host)
			X509_VERIFY_PARAM_set1_host(vp, cfg->host, 0);
		X509_VERIFY_PARAM_set_time(vp, (time_t)cfg->attime);
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			fprintf(stderr, "openssl-verify-bench: %s\n",
				X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	return ok;
}

static int warm(void *p, const bench_cfg *cfg, long i)
{
	(void)i;
	state *st = p;
	return verify(cfg, st->store, st->leaf, st->untrusted);
}

static int rotate(void *p, const bench_cfg *cfg, long i)
{
	state *st = p;
	X509 *leaf = parse_leaf(&cfg->leaves[(size_t)i % cfg->nleaves]);
	int ok = leaf && verify(cfg, st->store, leaf, st->untrusted);
	X509_free(leaf);
	return ok;
}

static int cold(void *p, const bench_cfg *cfg, long i)
{
	(void)p;
	(void)i;
	X509_STORE *s = make_store(cfg);
	STACK_OF(X509) *u = make_untrusted(cfg);
	X509 *leaf = parse_leaf(&cfg->leaves[0]);
	int ok = leaf && verify(cfg, s, leaf, u);
	X509_free(leaf);
	sk_X509_pop_free(u, X509_free);
	X509_STORE_free(s);
	return ok;
}

int main(int argc, char **argv)
{
	bench_cfg cfg;
	bench_parse(&cfg, argc, argv);
	state st = { 0 };
	bench_fn fn = cold;
	if (strcmp(cfg.mode, "warm") == 0 || strcmp(cfg.mode, "rotate") == 0) {
		st.store = make_store(&cfg);
		st.untrusted = make_untrusted(&cfg);
		st.leaf = parse_leaf(&cfg.leaves[0]);
		fn = strcmp(cfg.mode, "warm") == 0 ? warm : rotate;
	} else if (strcmp(cfg.mode, "cold") != 0 && strcmp(cfg.mode, "cold-chain") != 0) {
		fprintf(stderr, "openssl-verify-bench: unknown mode %s\n", cfg.mode);
		return 2;
	}
	int rc = bench_run("openssl", &cfg, fn, &st);
	X509_free(st.leaf);
	sk_X509_pop_free(st.untrusted, X509_free);
	X509_STORE_free(st.store);
	bench_free(&cfg);
	return rc;
}
