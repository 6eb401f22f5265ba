/*
 * trust-verify-bench: libtrust's side of `make bench` (modes in bench_common.h).
 *
 * The evaluation is the default one trustcheck makes for a server: policy
 * tls-server (RFC 5280 path validation, SAN host match, serverAuth), at the
 * fixed time given.  Anchors are "user" anchors; in cold-chain the system
 * bundle's are "system" anchors.  The pool and, in rotate, the known
 * intermediates live in the store; the chain holds what the peer sends.
 */
#include "bench_common.h"

#include <trust.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lt_state {
	trust_store *store;    /* warm, rotate */
	trust_sigcache *cache; /* warm, rotate */
	trust_chain *chain;    /* warm */
} lt_state;

static void report(const char *what, const trust_error *err)
{
	fprintf(stderr, "libtrust: %s: %s\n", what, err->message);
}

/* known_intermediates: also put --untrusted in the store (rotate). */
static trust_store *build_store(const bench_args *a, int known_intermediates, trust_error *err)
{
	trust_store_builder *b = trust_store_builder_new();
	if (!b)
		return NULL;
	int rc = TRUST_OK;
	if (a->mode == BENCH_COLD_CHAIN)
		rc = trust_store_builder_add_anchors_mem(b, a->system.data, a->system.len,
							 a->system.name, TRUST_ORIGIN_SYSTEM, err);
	for (size_t i = 0; rc == TRUST_OK && i < a->anchors.n; i++)
		rc = trust_store_builder_add_anchors_mem(b, a->anchors.v[i].data, a->anchors.v[i].len,
							 a->anchors.v[i].name, TRUST_ORIGIN_USER,
							 err);
	for (size_t i = 0; rc == TRUST_OK && i < a->pool.n; i++) {
		bench_blob f = bench_pool_file(a, i);
		rc = trust_store_builder_add_intermediates_mem(b, f.data, f.len, f.name, err);
		bench_pool_done(a, i, &f);
	}
	for (size_t i = 0; known_intermediates && rc == TRUST_OK && i < a->untrusted.n; i++)
		rc = trust_store_builder_add_intermediates_mem(b, a->untrusted.v[i].data,
							       a->untrusted.v[i].len,
							       a->untrusted.v[i].name, err);
	if (rc != TRUST_OK) {
		trust_store_builder_free(b);
		return NULL;
	}
	trust_store *s = NULL;
	if (trust_store_builder_finish(&s, b, err) != TRUST_OK)
		return NULL;
	return s;
}

/* The peer's chain: the leaf, then (unless they are known) the intermediates. */
static trust_chain *build_chain(const bench_args *a, const bench_blob *leaf, int with_untrusted,
				trust_error *err)
{
	trust_chain *c = trust_chain_new();
	if (!c)
		return NULL;
	int rc = trust_chain_add_mem(c, leaf->data, leaf->len, leaf->name, err);
	for (size_t i = 0; with_untrusted && rc == TRUST_OK && i < a->untrusted.n; i++)
		rc = trust_chain_add_mem(c, a->untrusted.v[i].data, a->untrusted.v[i].len,
					 a->untrusted.v[i].name, err);
	if (rc != TRUST_OK) {
		trust_chain_free(c);
		return NULL;
	}
	return c;
}

static int evaluate(const trust_store *store, trust_sigcache *cache, const trust_chain *chain,
		    const bench_args *a, char *why, size_t whylen)
{
	trust_eval_options opts = TRUST_EVAL_OPTIONS_INIT;
	opts.at = a->attime;
	opts.purpose = TRUST_PURPOSE_SERVER;
	opts.host = a->host;
	trust_result *r = NULL;
	trust_error err = { 0 };
	if (trust_evaluate(&r, store, cache, chain, &opts, &err) != TRUST_OK) {
		snprintf(why, whylen, "trust_evaluate: %s", err.message);
		return -1;
	}
	int ok = trust_result_trusted(r);
	if (!ok)
		snprintf(why, whylen, "%s: %s", trust_result_reason(r),
			 trust_result_reason_message(r));
	trust_result_free(r);
	return ok ? 0 : -1;
}

static void lt_teardown(void *p)
{
	lt_state *s = p;
	if (!s)
		return;
	trust_chain_free(s->chain);
	trust_store_free(s->store);
	trust_sigcache_free(s->cache);
	free(s);
}

static void *lt_setup(const bench_args *a)
{
	if (a->mode == BENCH_SIG_FLOOR) {
		fprintf(stderr, "libtrust: --mode sig-floor is openssl-verify-bench's\n");
		return NULL;
	}
	lt_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (a->mode == BENCH_COLD || a->mode == BENCH_COLD_CHAIN)
		return s; /* everything happens inside the loop */
	trust_error err = { 0 };
	s->cache = trust_sigcache_new(0);
	s->store = build_store(a, a->mode == BENCH_ROTATE, &err);
	if (!s->store)
		report("store", &err);
	if (s->store && a->mode == BENCH_WARM) {
		s->chain = build_chain(a, &a->leaves.v[0], 1, &err);
		if (!s->chain)
			report("chain", &err);
	}
	if (!s->cache || !s->store || (a->mode == BENCH_WARM && !s->chain)) {
		lt_teardown(s);
		return NULL;
	}
	return s;
}

static int lt_verify(void *p, const bench_args *a, size_t seq, char *why, size_t whylen)
{
	lt_state *s = p;
	trust_error err = { 0 };
	if (a->mode == BENCH_WARM)
		return evaluate(s->store, s->cache, s->chain, a, why, whylen);
	if (a->mode == BENCH_ROTATE) {
		trust_chain *c = build_chain(a, &a->leaves.v[seq], 0, &err);
		if (!c) {
			snprintf(why, whylen, "leaf %zu: %s", seq, err.message);
			return -1;
		}
		int rc = evaluate(s->store, s->cache, c, a, why, whylen);
		trust_chain_free(c);
		return rc;
	}
	/* cold, cold-chain: new store, new chain, no signature cache. */
	trust_store *store = build_store(a, 0, &err);
	trust_chain *c = store ? build_chain(a, &a->leaves.v[0], 1, &err) : NULL;
	int rc = -1;
	if (c)
		rc = evaluate(store, NULL, c, a, why, whylen);
	else
		snprintf(why, whylen, "inputs: %s", err.message);
	trust_chain_free(c);
	trust_store_free(store);
	return rc;
}

int main(int argc, char **argv)
{
	static const bench_driver d = { "libtrust", lt_setup, lt_verify, lt_teardown };
	return bench_main(argc, argv, &d);
}
