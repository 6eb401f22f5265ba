/*
 * Concurrency: one finished trust_store and one trust_sigcache shared by 8
 * threads, as an mTLS server shares them (trust.h: "any number of threads may
 * evaluate against one store and one trust_sigcache at the same time").
 *
 * The expected outcome of every case is computed first, single-threaded, on a
 * separate store without a cache.  The shared store is then built fresh, so
 * the threads race on what happens lazily (the first full parse of anchors
 * and pool certificates, the cache filling up), and every result from every
 * thread must equal the expected one.  Threads only count mismatches; the
 * main thread asserts, so a failure never unwinds a worker.
 */
#include "fixtures.h"

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS 8
#define ITERATIONS 500

typedef struct tcase_spec {
	const char *chain;   /* fixture path */
	const char *host;
	trust_chain *c;
	/* expected, from the single-threaded run */
	int trusted;
	char reason[64];
	size_t path_len;
	char anchor[256];
} tcase_spec;

static tcase_spec cases[] = {
	{ .chain = "good/chain.pem", .host = "good.example.com" },
	{ .chain = "good/fullchain.pem", .host = "good.example.com" },
	{ .chain = "untrusted/chain.pem", .host = "good.example.com" },
	{ .chain = "expired/chain.pem", .host = "good.example.com" },
	{ .chain = "wronghost/chain.pem", .host = "good.example.com" },
	{ .chain = "cross/chain.pem", .host = "cross.example.com" },
	{ .chain = "rollover/leaf.pem", .host = "rollover.example.com" },
	{ .chain = "loop/leaf.pem", .host = "loop.example.com" },
	{ .chain = "rsa/chain.pem", .host = "rsa.example.com" },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static trust_store *make_store(void)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_ptr_nonnull(b);
	const char *anchors[] = { "good/root.pem", "cross/anchors.pem", "rsa/root.pem" };
	const char *pool[] = { "rollover/pool.pem", "loop/pool.pem" };
	for (size_t i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++)
		ck_assert_msg(trust_store_builder_add_anchors(b, FX(anchors[i]), TRUST_ORIGIN_USER,
							      &err) == TRUST_OK,
			      "%s", err.message);
	for (size_t i = 0; i < sizeof(pool) / sizeof(pool[0]); i++)
		ck_assert_msg(trust_store_builder_add_intermediates(b, FX(pool[i]), &err) ==
				      TRUST_OK,
			      "%s", err.message);
	trust_store *s = NULL;
	ck_assert_msg(trust_store_builder_finish(&s, b, &err) == TRUST_OK, "%s", err.message);
	return s;
}

static trust_result *eval(const trust_store *s, trust_sigcache *cache, const tcase_spec *k,
			  unsigned flags)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = k->host;
	o.flags = flags;
	trust_result *r = NULL;
	trust_error err = { 0 };
	if (trust_evaluate(&r, s, cache, k->c, &o, &err) != TRUST_OK)
		return NULL;
	return r;
}

static const char *anchor_subject(const trust_result *r)
{
	int p = trust_result_chosen_path(r);
	if (p < 0)
		return "";
	size_t n = trust_result_path_length(r, (size_t)p);
	if (n == 0 || !trust_result_path_complete(r, (size_t)p))
		return "";
	return trust_cert_subject(trust_result_path_cert(r, (size_t)p, n - 1));
}

static size_t chosen_len(const trust_result *r)
{
	int p = trust_result_chosen_path(r);
	return p < 0 ? 0 : trust_result_path_length(r, (size_t)p);
}

static void load_cases(void)
{
	trust_store *s = make_store();
	for (size_t i = 0; i < NCASES; i++) {
		cases[i].c = fx_chain(FX(cases[i].chain));
		trust_result *r = eval(s, NULL, &cases[i], 0);
		ck_assert_ptr_nonnull(r);
		cases[i].trusted = trust_result_trusted(r);
		snprintf(cases[i].reason, sizeof(cases[i].reason), "%s", trust_result_reason(r));
		cases[i].path_len = chosen_len(r);
		snprintf(cases[i].anchor, sizeof(cases[i].anchor), "%s", anchor_subject(r));
		trust_result_free(r);
	}
	trust_store_free(s);
	/* The cases must cover both verdicts, or agreement would prove little. */
	int trusted = 0;
	for (size_t i = 0; i < NCASES; i++)
		trusted += cases[i].trusted;
	ck_assert_int_ge(trusted, 4);
	ck_assert_int_ge((int)NCASES - trusted, 3);
	ck_assert_str_eq(cases[0].reason, "ok");
}

static void free_cases(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		trust_chain_free(cases[i].c);
		cases[i].c = NULL;
	}
}

typedef struct shared {
	const trust_store *store;
	trust_sigcache *cache;
	pthread_barrier_t start;
	atomic_int evaluations, mismatches, failures;
	char first_mismatch[256];
	atomic_flag reported;
} shared;

typedef struct worker {
	shared *sh;
	int id;
} worker;

static void *run_worker(void *arg)
{
	worker *w = arg;
	shared *sh = w->sh;
	pthread_barrier_wait(&sh->start);
	for (int it = 0; it < ITERATIONS; it++) {
		/* Each thread walks the cases in its own order; every fourth
		 * evaluation bypasses the cache, so cached and uncached answers
		 * are compared under contention too. */
		const tcase_spec *k = &cases[((size_t)it * 7 + (size_t)w->id * 3) % NCASES];
		unsigned flags = (it + w->id) % 4 == 0 ? TRUST_EVAL_NO_SIGCACHE : 0;
		if ((it + w->id) % 5 == 0)
			flags |= TRUST_EVAL_EXPLAIN;
		trust_result *r = eval(sh->store, sh->cache, k, flags);
		atomic_fetch_add(&sh->evaluations, 1);
		if (!r) {
			atomic_fetch_add(&sh->failures, 1);
			continue;
		}
		bool same = trust_result_trusted(r) == k->trusted &&
			    strcmp(trust_result_reason(r), k->reason) == 0 &&
			    chosen_len(r) == k->path_len && strcmp(anchor_subject(r), k->anchor) == 0;
		if (!same) {
			atomic_fetch_add(&sh->mismatches, 1);
			if (!atomic_flag_test_and_set(&sh->reported))
				snprintf(sh->first_mismatch, sizeof(sh->first_mismatch),
					 "%s: got %s/%s, expected %s/%s", k->chain,
					 trust_result_trusted(r) ? "trusted" : "not trusted",
					 trust_result_reason(r),
					 k->trusted ? "trusted" : "not trusted", k->reason);
		}
		trust_result_free(r);
	}
	return NULL;
}

static void run_threads(trust_sigcache *cache)
{
	trust_store *store = make_store();
	shared sh = { .store = store, .cache = cache, .reported = ATOMIC_FLAG_INIT };
	ck_assert_int_eq(pthread_barrier_init(&sh.start, NULL, NTHREADS), 0);
	pthread_t t[NTHREADS];
	worker w[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (worker){ .sh = &sh, .id = i };
		ck_assert_int_eq(pthread_create(&t[i], NULL, run_worker, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&sh.start);
	trust_store_free(store);
	ck_assert_int_eq(atomic_load(&sh.evaluations), NTHREADS * ITERATIONS);
	ck_assert_int_eq(atomic_load(&sh.failures), 0);
	ck_assert_msg(atomic_load(&sh.mismatches) == 0, "%d mismatches; first: %s",
		      atomic_load(&sh.mismatches), sh.first_mismatch);
}

START_TEST(test_threads__eight_threads_sharing_a_store_and_cache_get_the_single_threaded_results)
{
	load_cases();
	trust_sigcache *cache = trust_sigcache_new(0);
	ck_assert_ptr_nonnull(cache);
	run_threads(cache);
	trust_sigcache_free(cache);
	free_cases();
}
END_TEST

START_TEST(test_threads__a_tiny_cache_under_eviction_pressure_still_gives_the_same_results)
{
	load_cases();
	/* Capacity far below the working set: entries are replaced constantly. */
	trust_sigcache *cache = trust_sigcache_new(2);
	ck_assert_ptr_nonnull(cache);
	run_threads(cache);
	trust_sigcache_free(cache);
	free_cases();
}
END_TEST

START_TEST(test_threads__a_warm_cache_answers_the_repeated_chain_without_verifying)
{
	load_cases();
	trust_store *s = make_store();
	trust_sigcache *cache = trust_sigcache_new(0);
	trust_result *r = eval(s, cache, &cases[0], 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_gt(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 0);
	trust_result_free(r);
	r = eval(s, cache, &cases[0], 0);
	ck_assert(trust_result_trusted(r));
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 0);
	ck_assert_int_gt(trust_result_stat(r, TRUST_STAT_SIGNATURE_CACHE_HITS), 0);
	trust_result_free(r);
	trust_sigcache_free(cache);
	trust_store_free(s);
	free_cases();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads");
	TCase *t = tcase_create("threads");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, test_threads__eight_threads_sharing_a_store_and_cache_get_the_single_threaded_results);
	tcase_add_test(t, test_threads__a_tiny_cache_under_eviction_pressure_still_gives_the_same_results);
	tcase_add_test(t, test_threads__a_warm_cache_answers_the_repeated_chain_without_verifying);
	suite_add_tcase(s, t);
	return fx_run(s);
}
