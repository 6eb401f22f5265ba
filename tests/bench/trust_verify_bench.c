/* libtrust side of the verification benchmark (see bench_common.h). */
#include "bench_common.h"
#include "trust.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct state {
	trust_store *store;
	trust_sigcache *cache;
	trust_chain *chain; /* warm: the leaf, parsed once */
	trust_eval_options opts;
} state;

static void die(const char *what, const trust_error *err)
{
	fprintf(stderr, "trust-verify-bench: %s: %s\n", what, err->message);
	exit(2);
}

/* Anchors, then the pool; with `with_untrusted` the chain's intermediates too. */
static trust_store *make_store(const bench_cfg *cfg, bool with_untrusted)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	for (size_t i = 0; i < cfg->nanchors; i++)
		if (trust_store_builder_add_anchors_mem(b, cfg->anchors[i].data, cfg->anchors[i].len,
							"anchors", TRUST_ORIGIN_USER, &err))
			die("anchors", &err);
	for (size_t i = 0; with_untrusted && i < cfg->nuntrusted; i++)
		if (trust_store_builder_add_intermediates_mem(b, cfg->untrusted[i].data,
							      cfg->untrusted[i].len, "untrusted", &err))
			die("untrusted", &err);
	for (size_t i = 0; i < cfg->npool; i++)
		if (trust_store_builder_add_intermediates_mem(b, cfg->pool[i].data, cfg->pool[i].len,
							      "pool", &err))
			die("pool", &err);
	trust_store *s = NULL;
	if (trust_store_builder_finish(&s, b, &err))
		die("store", &err);
	return s;
}

static int evaluate(const state *st, trust_store *store, trust_sigcache *cache, const trust_chain *c)
{
	trust_result *r = NULL;
	trust_error err = { 0 };
	if (trust_evaluate(&r, store, cache, c, &st->opts, &err) != TRUST_OK)
		die("evaluate", &err);
	int ok = trust_result_trusted(r);
	if (!ok)
		fprintf(stderr, "trust-verify-bench: not trusted: %s: %s\n", trust_result_reason(r),
			trust_result_reason_message(r));
	trust_result_free(r);
	return ok;
}

static int warm(void *p, const bench_cfg *cfg, long i)
{
	(void)cfg;
	(void)i;
	state *st = p;
	return evaluate(st, st->store, st->cache, st->chain);
}

/* A new leaf arrives as bytes: parse it, evaluate it against the kept store. */
static int rotate(void *p, const bench_cfg *cfg, long i)
{
	state *st = p;
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	const bench_blob *leaf = &cfg->leaves[(size_t)i % cfg->nleaves];
	if (trust_chain_add_mem(c, leaf->data, leaf->len, "leaf", &err))
		die("leaf", &err);
	int ok = evaluate(st, st->store, st->cache, c);
	trust_chain_free(c);
	return ok;
}

/* Nothing survives an iteration: new store, new chain, no cache. */
static int cold(void *p, const bench_cfg *cfg, long i)
{
	state *st = p;
	(void)i;
	trust_error err = { 0 };
	trust_store *s = make_store(cfg, false);
	trust_chain *c = trust_chain_new();
	if (trust_chain_add_mem(c, cfg->leaves[0].data, cfg->leaves[0].len, "leaf", &err))
		die("leaf", &err);
	for (size_t k = 0; k < cfg->nuntrusted; k++)
		if (trust_chain_add_mem(c, cfg->untrusted[k].data, cfg->untrusted[k].len, "untrusted",
					&err))
			die("untrusted", &err);
	int ok = evaluate(st, s, NULL, c);
	trust_chain_free(c);
	trust_store_free(s);
	return ok;
}

int main(int argc, char **argv)
{
	bench_cfg cfg;
	bench_parse(&cfg, argc, argv);
	state st = { 0 };
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = cfg.host;
	o.at = cfg.attime;
	st.opts = o;
	bench_fn fn = cold;
	if (strcmp(cfg.mode, "warm") == 0 || strcmp(cfg.mode, "rotate") == 0) {
		st.store = make_store(&cfg, true);
		st.cache = trust_sigcache_new(0);
		trust_error err = { 0 };
		st.chain = trust_chain_new();
		if (trust_chain_add_mem(st.chain, cfg.leaves[0].data, cfg.leaves[0].len, "leaf", &err))
			die("leaf", &err);
		fn = strcmp(cfg.mode, "warm") == 0 ? warm : rotate;
	} else if (strcmp(cfg.mode, "cold") != 0 && strcmp(cfg.mode, "cold-chain") != 0) {
		fprintf(stderr, "trust-verify-bench: unknown mode %s\n", cfg.mode);
		return 2;
	}
	int rc = bench_run("libtrust", &cfg, fn, &st);
	trust_chain_free(st.chain);
	trust_sigcache_free(st.cache);
	trust_store_free(st.store);
	bench_free(&cfg);
	return rc;
}
