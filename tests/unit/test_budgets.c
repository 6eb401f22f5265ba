/*
 * Work budgets (trust_budgets, TRUST_BUDGETS_INIT), after s2n's bounds audit:
 * every limit is exercised at its cap (the work fits exactly: accepted) and
 * one below what the work needs (rejected, the budget named as the headline
 * reason, failing closed).  Hostile hierarchies are built in-test with one
 * P-256 key for every certificate: names, not keys, give them their shape,
 * and signing stays fast.
 *
 *   limit            default  at cap                        over cap
 *   max_depth        32       32 intermediates accepted     33 -> budget.depth
 *   max_signatures   100      k+1 verifications for k mids  k -> budget.signatures
 *   max_appends      200      k+1 appends for k mids        k -> budget.appends
 *   max_paths        32       32nd path is the good one     33 -> budget.paths
 *   max_nc_checks    250000   exact measured count          count-1 -> budget.name-constraints
 *   max_presented    32       32 certificates accepted      33 -> budget.presented
 */
#include "fixtures.h"
#include "support_validate.h"

#include <check.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *key;

static void setup(void)
{
	key = sv_key("EC", "P-256", 0);
}

static void teardown(void)
{
	EVP_PKEY_free(key);
	key = NULL;
}

static sv_exts LEAF_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "serverAuth",
	"subjectAltName", "DNS:budget.example.com",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

static sv_exts CA_EXTS = {
	"basicConstraints", "critical,CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

static sv_exts NOT_CA_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

static X509 *ca(const char *cn, X509 *issuer, long from)
{
	sv_spec s = { .cn = cn, .key = key, .issuer = issuer, .issuer_key = key,
		      .from_days = from, .to_days = 365, .exts = CA_EXTS };
	return sv_cert(&s);
}

static X509 *leaf_under(X509 *issuer, const char *const *exts)
{
	sv_spec s = { .cn = "budget.example.com", .key = key, .issuer = issuer, .issuer_key = key,
		      .exts = exts ? exts : LEAF_EXTS };
	return sv_cert(&s);
}

/* root -> mid[0] -> ... -> mid[n-1] -> leaf; arrays are NULL-terminated. */
typedef struct linear {
	X509 *root, *leaf;
	X509 **mids;
	int n;
} linear;

static linear linear_new(int n)
{
	linear l = { .n = n };
	l.root = ca("Budget Root", NULL, 0);
	l.mids = calloc((size_t)n + 1, sizeof(*l.mids));
	ck_assert_ptr_nonnull(l.mids);
	X509 *up = l.root;
	for (int i = 0; i < n; i++) {
		char cn[64];
		snprintf(cn, sizeof(cn), "Budget CA %d", i + 1);
		up = l.mids[i] = ca(cn, up, 0);
	}
	l.leaf = leaf_under(up, NULL);
	return l;
}

static void linear_free(linear *l)
{
	X509_free(l->root);
	X509_free(l->leaf);
	for (int i = 0; i < l->n; i++)
		X509_free(l->mids[i]);
	free(l->mids);
}

/* Evaluates the leaf alone against root (anchor) + mids (pool) under rfc5280. */
static trust_result *eval_linear(const linear *l, const trust_budgets *b, trust_sigcache *cache)
{
	X509 *anchors[] = { l->root, NULL };
	X509 *chain[] = { l->leaf, NULL };
	trust_store *s = sv_store(anchors, l->mids, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_RFC5280;
	o.budgets = *b;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, cache, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	return r;
}

static void assert_trusted(trust_result *r)
{
	ck_assert_msg(trust_result_trusted(r), "not trusted: %s (%s)", trust_result_reason(r),
		      trust_result_reason_message(r));
	ck_assert_str_eq(trust_result_reason(r), "ok");
}

static void assert_budget(trust_result *r, const char *id)
{
	ck_assert_msg(!trust_result_trusted(r), "trusted, expected %s", id);
	ck_assert_str_eq(trust_result_reason(r), id);
}

/* ---- depth ---- */

START_TEST(test_budgets__a_chain_of_32_intermediates_is_accepted_at_the_default_depth)
{
	linear l = linear_new(32);
	trust_budgets b = TRUST_BUDGETS_INIT;
	trust_result *r = eval_linear(&l, &b, NULL);
	assert_trusted(r);
	ck_assert_uint_eq(trust_result_path_length(r, (size_t)trust_result_chosen_path(r)), 34);
	trust_result_free(r);
	linear_free(&l);
}
END_TEST

START_TEST(test_budgets__a_chain_of_33_intermediates_exceeds_the_default_depth)
{
	linear l = linear_new(33);
	trust_budgets b = TRUST_BUDGETS_INIT;
	trust_result *r = eval_linear(&l, &b, NULL);
	assert_budget(r, "budget.depth");
	trust_result_free(r);
	linear_free(&l);
}
END_TEST

START_TEST(test_budgets__max_depth_counts_intermediates_at_cap_and_one_below)
{
	linear l = linear_new(4);
	trust_budgets b = TRUST_BUDGETS_INIT;
	b.max_depth = 4;
	trust_result *r = eval_linear(&l, &b, NULL);
	assert_trusted(r);
	trust_result_free(r);
	b.max_depth = 3;
	r = eval_linear(&l, &b, NULL);
	assert_budget(r, "budget.depth");
	trust_result_free(r);
	linear_free(&l);
}
END_TEST

/* ---- signatures ---- */

START_TEST(test_budgets__signature_budget_fits_exactly_one_verification_per_edge)
{
	linear l = linear_new(3); /* leaf, 3 intermediates, root: 4 edges */
	trust_budgets b = TRUST_BUDGETS_INIT;
	b.max_signatures = 4;
	trust_result *r = eval_linear(&l, &b, NULL);
	assert_trusted(r);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 4);
	trust_result_free(r);
	b.max_signatures = 3;
	r = eval_linear(&l, &b, NULL);
	assert_budget(r, "budget.signatures");
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 3);
	ck_assert_str_eq(trust_result_budget_hit(r), "budget.signatures");
	trust_result_free(r);
	linear_free(&l);
}
END_TEST

START_TEST(test_budgets__signature_budget_counts_only_cache_misses)
{
	linear l = linear_new(3);
	trust_sigcache *cache = trust_sigcache_new(0);
	ck_assert_ptr_nonnull(cache);
	trust_budgets b = TRUST_BUDGETS_INIT;
	trust_result *r = eval_linear(&l, &b, cache);
	assert_trusted(r);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 4);
	trust_result_free(r);
	/* Warm cache: the same chain needs no verification, so a zero budget holds. */
	b.max_signatures = TRUST_BUDGET_ZERO;
	r = eval_linear(&l, &b, cache);
	assert_trusted(r);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 0);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURE_CACHE_HITS), 4);
	trust_result_free(r);
	trust_sigcache_free(cache);
	linear_free(&l);
}
END_TEST

/* ---- appends ---- */

START_TEST(test_budgets__append_budget_fits_exactly_one_step_per_edge)
{
	linear l = linear_new(5); /* 6 issuer-append steps */
	trust_budgets b = TRUST_BUDGETS_INIT;
	b.max_appends = 6;
	trust_result *r = eval_linear(&l, &b, NULL);
	assert_trusted(r);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_APPENDS), 6);
	trust_result_free(r);
	b.max_appends = 5;
	r = eval_linear(&l, &b, NULL);
	assert_budget(r, "budget.appends");
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_APPENDS), 5);
	trust_result_free(r);
	linear_free(&l);
}
END_TEST

/* ---- paths ---- */

/*
 * k intermediates all named "Budget Mid" under the root; the leaf names that
 * issuer, so each is a candidate and each gives a complete path.  The first
 * k-1 (newer, so tried first) are not CAs and fail validation; the oldest is
 * good, so acceptance needs exactly k complete paths.
 */
static trust_result *eval_paths(int k, int max_paths)
{
	X509 *root = ca("Budget Root", NULL, 0);
	X509 **pool = calloc((size_t)k + 1, sizeof(*pool));
	ck_assert_ptr_nonnull(pool);
	for (int i = 0; i < k - 1; i++) {
		sv_spec s = { .cn = "Budget Mid", .key = key, .issuer = root, .issuer_key = key,
			      .from_days = -1, .to_days = 365, .exts = NOT_CA_EXTS };
		pool[i] = sv_cert(&s);
	}
	pool[k - 1] = ca("Budget Mid", root, -10);
	X509 *leaf = leaf_under(pool[k - 1], NULL);
	X509 *anchors[] = { root, NULL };
	X509 *chain[] = { leaf, NULL };
	trust_store *s = sv_store(anchors, pool, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_RFC5280;
	if (max_paths > 0)
		o.budgets.max_paths = max_paths;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	for (int i = 0; i < k; i++)
		X509_free(pool[i]);
	free(pool);
	X509_free(leaf);
	X509_free(root);
	return r;
}

START_TEST(test_budgets__the_32nd_complete_path_is_still_validated_by_default)
{
	trust_result *r = eval_paths(32, 0);
	assert_trusted(r);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_PATHS_TRIED), 32);
	trust_result_free(r);
}
END_TEST

START_TEST(test_budgets__a_33rd_complete_path_exceeds_the_default_path_budget)
{
	trust_result *r = eval_paths(33, 0);
	assert_budget(r, "budget.paths");
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_PATHS_TRIED), 32);
	trust_result_free(r);
}
END_TEST

START_TEST(test_budgets__path_budget_at_cap_and_one_below)
{
	trust_result *r = eval_paths(3, 3);
	assert_trusted(r);
	trust_result_free(r);
	r = eval_paths(3, 2);
	assert_budget(r, "budget.paths");
	trust_result_free(r);
}
END_TEST

/* ---- name constraints ---- */

/*
 * An intermediate permitting `subtrees` DNS names and a leaf with `sans`
 * DNS names, each inside the last subtree, so every SAN is compared with
 * every subtree: work grows as subtrees x sans.
 */
static trust_result *eval_nc(int subtrees, int sans, long max_nc)
{
	size_t cap = (size_t)(subtrees > sans ? subtrees : sans) * 48 + 64;
	char *nc = malloc(cap), *san = malloc(cap);
	ck_assert(nc && san);
	size_t o = (size_t)snprintf(nc, cap, "critical");
	for (int i = 0; i < subtrees; i++)
		o += (size_t)snprintf(nc + o, cap - o, ",permitted;DNS:d%d.example.com", i);
	o = 0;
	san[0] = '\0';
	for (int i = 0; i < sans; i++)
		o += (size_t)snprintf(san + o, cap - o, "%sDNS:h%d.d%d.example.com", i ? "," : "",
				      i, subtrees - 1);
	const char *const mid_exts[] = { "basicConstraints", "critical,CA:TRUE",
					 "keyUsage", "critical,keyCertSign,cRLSign",
					 "nameConstraints", nc,
					 "subjectKeyIdentifier", "hash",
					 "authorityKeyIdentifier", "keyid:always", NULL };
	const char *const leaf_exts[] = { "basicConstraints", "critical,CA:FALSE",
					  "keyUsage", "critical,digitalSignature",
					  "extendedKeyUsage", "serverAuth",
					  "subjectAltName", san,
					  "subjectKeyIdentifier", "hash",
					  "authorityKeyIdentifier", "keyid:always", NULL };
	X509 *root = ca("Budget Root", NULL, 0);
	sv_spec ms = { .cn = "Budget Constrained CA", .key = key, .issuer = root,
		       .issuer_key = key, .exts = mid_exts };
	X509 *mid = sv_cert(&ms);
	sv_spec ls = { .cn = "", .key = key, .issuer = mid, .issuer_key = key, .exts = leaf_exts };
	ls.cn = "h0.nc.example.com";
	X509 *leaf = sv_cert(&ls);
	X509 *anchors[] = { root, NULL };
	X509 *chain[] = { leaf, mid, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options opt = TRUST_EVAL_OPTIONS_INIT;
	opt.policy = TRUST_POLICY_RFC5280;
	if (max_nc > 0)
		opt.budgets.max_nc_checks = max_nc;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &opt, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(mid);
	X509_free(root);
	free(nc);
	free(san);
	return r;
}

START_TEST(test_budgets__name_constraint_budget_at_the_measured_count_and_one_below)
{
	trust_result *r = eval_nc(20, 20, 0);
	assert_trusted(r);
	long need = trust_result_stat(r, TRUST_STAT_NC_CHECKS);
	/* Every SAN meets every subtree at least once. */
	ck_assert_int_ge(need, 20 * 20);
	trust_result_free(r);
	r = eval_nc(20, 20, need);
	assert_trusted(r);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_NC_CHECKS), need);
	trust_result_free(r);
	r = eval_nc(20, 20, need - 1);
	assert_budget(r, "budget.name-constraints");
	ck_assert_int_le(trust_result_stat(r, TRUST_STAT_NC_CHECKS), need - 1);
	trust_result_free(r);
}
END_TEST

START_TEST(test_budgets__a_500_by_501_name_constraint_product_exceeds_the_default)
{
	trust_result *r = eval_nc(500, 501, 0);
	assert_budget(r, "budget.name-constraints");
	ck_assert_int_le(trust_result_stat(r, TRUST_STAT_NC_CHECKS), 250000);
	trust_result_free(r);
}
END_TEST

/* ---- presented certificates ---- */

/* leaf + intermediate + (n-2) unrelated self-signed certificates. */
static trust_result *eval_presented(int n, int max_presented)
{
	X509 *root = ca("Budget Root", NULL, 0);
	X509 *mid = ca("Budget CA 1", root, 0);
	X509 *leaf = leaf_under(mid, NULL);
	X509 **chain = calloc((size_t)n + 1, sizeof(*chain));
	ck_assert_ptr_nonnull(chain);
	chain[0] = leaf;
	chain[1] = mid;
	for (int i = 2; i < n; i++) {
		char cn[64];
		snprintf(cn, sizeof(cn), "Budget Filler %d", i);
		chain[i] = ca(cn, NULL, 0);
	}
	X509 *anchors[] = { root, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	ck_assert_uint_eq(trust_chain_count(c), (size_t)n);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_RFC5280;
	if (max_presented > 0)
		o.budgets.max_presented = max_presented;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	for (int i = 0; i < n; i++)
		X509_free(chain[i]);
	free(chain);
	X509_free(root);
	return r;
}

START_TEST(test_budgets__32_presented_certificates_are_accepted_by_default)
{
	trust_result *r = eval_presented(32, 0);
	assert_trusted(r);
	trust_result_free(r);
}
END_TEST

START_TEST(test_budgets__33_presented_certificates_exceed_the_default)
{
	trust_result *r = eval_presented(33, 0);
	assert_budget(r, "budget.presented");
	/* Fails before any work: nothing was verified. */
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 0);
	trust_result_free(r);
}
END_TEST

START_TEST(test_budgets__presented_budget_at_cap_and_one_below)
{
	trust_result *r = eval_presented(3, 3);
	assert_trusted(r);
	trust_result_free(r);
	r = eval_presented(3, 2);
	assert_budget(r, "budget.presented");
	trust_result_free(r);
}
END_TEST

/* ---- cycles and meshes ---- */

START_TEST(test_budgets__a_cycle_of_cross_signs_terminates_without_a_budget)
{
	X509 *root = ca("Budget Root", NULL, 0);
	/* A is issued by "B" and B by "A": each certificate verifies under the other. */
	sv_spec as = { .cn = "Cycle A", .key = key, .exts = CA_EXTS };
	X509 *a_self = sv_cert(&as);
	sv_spec bs = { .cn = "Cycle B", .key = key, .issuer = a_self, .issuer_key = key,
		       .exts = CA_EXTS };
	X509 *b = sv_cert(&bs);
	sv_spec as2 = { .cn = "Cycle A", .key = key, .issuer = b, .issuer_key = key,
			.exts = CA_EXTS };
	X509 *a = sv_cert(&as2);
	X509 *leaf = leaf_under(a, NULL);
	X509 *anchors[] = { root, NULL };
	X509 *chain[] = { leaf, a, b, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, TRUST_EVAL_EXPLAIN);
	ck_assert(!trust_result_trusted(r));
	ck_assert_msg(trust_result_budget_hit(r) == NULL, "the cycle ran into %s", trust_result_budget_hit(r));
	ck_assert_str_eq(trust_result_reason(r), "path.loop");
	ck_assert_int_le(trust_result_stat(r, TRUST_STAT_APPENDS), 4);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);

	/* B also signed by the trusted root: the way out of the cycle is found. */
	sv_spec bs2 = { .cn = "Cycle B", .key = key, .issuer = root, .issuer_key = key,
			.exts = CA_EXTS };
	X509 *b_root = sv_cert(&bs2);
	X509 *pool[] = { b_root, NULL };
	s = sv_store(anchors, pool, NULL);
	c = sv_chain(chain);
	r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	assert_trusted(r);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(b_root);
	X509_free(leaf);
	X509_free(a);
	X509_free(b);
	X509_free(a_self);
	X509_free(root);
}
END_TEST

/*
 * Six layers of four same-named CAs, each layer issued under the next layer's
 * name (the top under the bottom's): 4^6 partial paths and no anchor.  The
 * default budgets must stop the search and name what stopped it.
 */
START_TEST(test_budgets__a_mesh_of_cross_signs_without_an_anchor_fails_closed_on_a_budget)
{
	enum { W = 4, L = 6 };
	X509 *root = ca("Budget Root", NULL, 0);
	X509 *pool[W * L + 1] = { 0 };
	for (int k = L - 1; k >= 0; k--) {
		char cn[32], up[32];
		snprintf(cn, sizeof(cn), "Mesh %d", k);
		snprintf(up, sizeof(up), "Mesh %d", (k + 1) % L);
		sv_spec upspec = { .cn = up, .key = key, .exts = CA_EXTS };
		X509 *issuer = sv_cert(&upspec);
		for (int i = 0; i < W; i++) {
			sv_spec s = { .cn = cn, .key = key, .issuer = issuer, .issuer_key = key,
				      .exts = CA_EXTS };
			pool[k * W + i] = sv_cert(&s);
		}
		X509_free(issuer);
	}
	X509 *leaf = leaf_under(pool[0], NULL);
	X509 *anchors[] = { root, NULL };
	X509 *chain[] = { leaf, NULL };
	trust_store *s = sv_store(anchors, pool, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, TRUST_EVAL_EXPLAIN);
	ck_assert(!trust_result_trusted(r));
	ck_assert_ptr_nonnull(trust_result_budget_hit(r));
	ck_assert_str_eq(trust_result_reason(r), trust_result_budget_hit(r));
	ck_assert_int_le(trust_result_stat(r, TRUST_STAT_APPENDS), 200);
	ck_assert_int_le(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 100);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	for (int i = 0; i < W * L; i++)
		X509_free(pool[i]);
	X509_free(leaf);
	X509_free(root);
}
END_TEST

START_TEST(test_budgets__negative_budgets_are_a_usage_error)
{
	linear l = linear_new(1);
	X509 *anchors[] = { l.root, NULL };
	X509 *chain[] = { l.leaf, l.mids[0], NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.budgets.max_appends = -2; /* -1 is TRUST_BUDGET_ZERO */
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &o, &err), TRUST_EUSAGE);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, TRUST_EUSAGE);
	trust_chain_free(c);
	trust_store_free(s);
	linear_free(&l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("budgets");
	TCase *t = tcase_create("budgets");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_budgets__a_chain_of_32_intermediates_is_accepted_at_the_default_depth);
	tcase_add_test(t, test_budgets__a_chain_of_33_intermediates_exceeds_the_default_depth);
	tcase_add_test(t, test_budgets__max_depth_counts_intermediates_at_cap_and_one_below);
	tcase_add_test(t, test_budgets__signature_budget_fits_exactly_one_verification_per_edge);
	tcase_add_test(t, test_budgets__signature_budget_counts_only_cache_misses);
	tcase_add_test(t, test_budgets__append_budget_fits_exactly_one_step_per_edge);
	tcase_add_test(t, test_budgets__the_32nd_complete_path_is_still_validated_by_default);
	tcase_add_test(t, test_budgets__a_33rd_complete_path_exceeds_the_default_path_budget);
	tcase_add_test(t, test_budgets__path_budget_at_cap_and_one_below);
	tcase_add_test(t, test_budgets__name_constraint_budget_at_the_measured_count_and_one_below);
	tcase_add_test(t, test_budgets__a_500_by_501_name_constraint_product_exceeds_the_default);
	tcase_add_test(t, test_budgets__32_presented_certificates_are_accepted_by_default);
	tcase_add_test(t, test_budgets__33_presented_certificates_exceed_the_default);
	tcase_add_test(t, test_budgets__presented_budget_at_cap_and_one_below);
	tcase_add_test(t, test_budgets__a_cycle_of_cross_signs_terminates_without_a_budget);
	tcase_add_test(t, test_budgets__a_mesh_of_cross_signs_without_an_anchor_fails_closed_on_a_budget);
	tcase_add_test(t, test_budgets__negative_budgets_are_a_usage_error);
	suite_add_tcase(s, t);
	return fx_run(s);
}
