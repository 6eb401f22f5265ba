/*
 * Fuzz target: PEM/DER loading, path building, validation and the report
 * renderers, after BoringSSL's fuzz/ and s2n's cert path-build target.
 *
 * One input is used four ways, each against a store with a baked-in anchor
 * (the fixtures' root, embedded at build time) and a fixed evaluation time:
 *   1. as the presented chain, under tls-server with the default budgets and
 *      a shared signature cache, then under rfc5280 with --explain, no cache
 *      and small budgets so the budget exits are reached too;
 *   2. as extra anchors and pool certificates, evaluating the good chain;
 *   3. as a CRL file, evaluating the good chain.
 * Every failure must be a one-line error naming the input; every result must
 * be self-consistent and within its budgets.
 *
 * Differential oracle (s2n's cert differential target): when libtrust accepts
 * a path under rfc5280, OpenSSL's X509_verify_cert must accept that same path.
 * Only this direction traps: libtrust is deliberately stricter than OpenSSL.
 * Two deliberate differences are skipped: paths carrying policy extensions
 * (OpenSSL's policy tree is not something libtrust implements), and edges
 * whose authorityKeyIdentifier disagrees with the issuer (OpenSSL refuses
 * such an issuer in X509_check_akid; libtrust, after RFC 4158 §3.5.12 and
 * RFC 5280 §6, which does not list the AKI, only ranks the candidate lower).
 */
#include <trust.h>
#include "internal.h" /* tbudgets_resolve: the limits trust_evaluate applied */
#include "fuzz_embed.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static trust_store *g_store;
static trust_sigcache *g_cache;
static trust_chain *g_good;
static FILE *g_null;
static char g_crl_path[64];

#define FUZZ_CHECK(cond, ...)                                                        \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "load_build_fuzz: " __VA_ARGS__);            \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

static void must(int rc, const trust_error *err)
{
	FUZZ_CHECK(rc == TRUST_OK, "setup failed: %s", err->message);
}

static void cleanup(void)
{
	trust_store_free(g_store);
	trust_sigcache_free(g_cache);
	trust_chain_free(g_good);
	if (g_null)
		fclose(g_null);
	if (g_crl_path[0])
		unlink(g_crl_path);
}

static void init_once(void)
{
	if (g_store)
		return;
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	FUZZ_CHECK(b != NULL, "out of memory");
	must(trust_store_builder_add_anchors_mem(b, FUZZ_ANCHOR_PEM, strlen(FUZZ_ANCHOR_PEM),
						 "anchor", TRUST_ORIGIN_USER, &err), &err);
	must(trust_store_builder_add_intermediates_mem(b, FUZZ_POOL_PEM, strlen(FUZZ_POOL_PEM),
						       "pool", &err), &err);
	must(trust_store_builder_finish(&g_store, b, &err), &err);
	g_cache = trust_sigcache_new(4096);
	g_good = trust_chain_new();
	FUZZ_CHECK(g_cache && g_good, "out of memory");
	must(trust_chain_add_mem(g_good, FUZZ_CHAIN_PEM, strlen(FUZZ_CHAIN_PEM), "good", &err),
	     &err);
	g_null = fopen("/dev/null", "w");
	FUZZ_CHECK(g_null != NULL, "cannot open /dev/null");
	const char *tmp = getenv("TMPDIR");
	snprintf(g_crl_path, sizeof(g_crl_path), "%s/fuzz-crl-XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	int fd = mkstemp(g_crl_path);
	FUZZ_CHECK(fd >= 0, "cannot make a temporary file");
	close(fd);
	atexit(cleanup);
}

/* A failed load: a negative code and one line that names the input. */
static void check_error(int rc, const trust_error *err, const char *name)
{
	FUZZ_CHECK(rc < 0 && rc >= TRUST_EINTERNAL, "unexpected code %d", rc);
	FUZZ_CHECK(err->code == rc, "error code %d but returned %d", err->code, rc);
	FUZZ_CHECK(err->message[0] != '\0', "empty error message");
	FUZZ_CHECK(strchr(err->message, '\n') == NULL, "multi-line error: %s", err->message);
	FUZZ_CHECK(strstr(err->message, name) != NULL, "error does not name %s: %s", name,
		   err->message);
}

static void check_result(const trust_result *r, const trust_eval_options *o)
{
	/* The limits trust_evaluate applied: 0 is a default, TRUST_BUDGET_ZERO a zero. */
	trust_budgets b = o->budgets;
	FUZZ_CHECK(tbudgets_resolve(&b) == TRUST_OK, "negative budget in the harness");
	int64_t sigs = trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED);
	int64_t appends = trust_result_stat(r, TRUST_STAT_APPENDS);
	int64_t paths = trust_result_stat(r, TRUST_STAT_PATHS_TRIED);
	int64_t nc = trust_result_stat(r, TRUST_STAT_NC_CHECKS);
	FUZZ_CHECK(sigs <= b.max_signatures, "signatures %" PRId64 " > %d", sigs, b.max_signatures);
	FUZZ_CHECK(appends <= b.max_appends, "appends %" PRId64 " > %d", appends, b.max_appends);
	FUZZ_CHECK(paths <= b.max_paths, "paths %" PRId64 " > %d", paths, b.max_paths);
	FUZZ_CHECK(nc <= b.max_nc_checks, "nc %" PRId64 " > %ld", nc, b.max_nc_checks);
	const char *reason = trust_result_reason(r);
	FUZZ_CHECK(reason != NULL && trust_result_reason_message(r) != NULL, "no reason");
	int chosen = trust_result_chosen_path(r);
	FUZZ_CHECK(chosen >= -1 && chosen < (int)trust_result_path_count(r), "bad chosen %d",
		   chosen);
	if (trust_result_trusted(r)) {
		FUZZ_CHECK(strcmp(reason, "ok") == 0, "trusted with reason %s", reason);
		FUZZ_CHECK(chosen >= 0, "trusted without a path");
		size_t p = (size_t)chosen, n = trust_result_path_length(r, p);
		FUZZ_CHECK(trust_result_path_accepted(r, p) && trust_result_path_complete(r, p),
			   "trusted, but the chosen path is not an accepted complete path");
		FUZZ_CHECK(n >= 1 && trust_result_path_origin(r, p, n - 1) != TRUST_ORIGIN_NONE,
			   "trusted path does not end at an anchor");
		int mids = 0;
		for (size_t i = 1; i + 1 < n; i++) {
			X509 *x = trust_cert_x509(trust_result_path_cert(r, p, i));
			/* RFC 5280 §6.1.4(l): self-issued intermediates do not count. */
			mids += X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) != 0;
		}
		FUZZ_CHECK(mids <= b.max_depth, "path with %d intermediates exceeds depth %d", mids,
			   b.max_depth);
	} else {
		FUZZ_CHECK(strcmp(reason, "ok") != 0, "not trusted, but the reason is ok");
		const char *hit = trust_result_budget_hit(r);
		if (hit)
			FUZZ_CHECK(strcmp(reason, hit) == 0, "budget %s hit but headline is %s", hit,
				   reason);
	}
	for (size_t p = 0; p < trust_result_path_count(r); p++)
		for (size_t i = 0; i < trust_result_path_length(r, p); i++)
			FUZZ_CHECK(trust_result_path_cert(r, p, i) != NULL, "hole in path %zu", p);
}

static void render(const trust_result *r, unsigned flags)
{
	trust_report_text(g_null, r, flags);
	char *json = NULL;
	if (trust_report_json(&json, r, flags) == TRUST_OK)
		FUZZ_CHECK(json != NULL, "json report ok but NULL");
	trust_free(json);
	unsigned char *cbor = NULL;
	size_t len = 0;
	if (trust_report_cbor(&cbor, &len, r, flags) == TRUST_OK)
		FUZZ_CHECK(cbor != NULL && len > 0, "cbor report ok but empty");
	trust_free(cbor);
}

static trust_result *evaluate(const trust_store *s, trust_sigcache *cache, const trust_chain *c,
			      const trust_eval_options *o)
{
	trust_result *r = NULL;
	trust_error err = { 0 };
	int rc = trust_evaluate(&r, s, cache, c, o, &err);
	FUZZ_CHECK(rc == TRUST_OK && r != NULL, "evaluate failed: %s", err.message);
	check_result(r, o);
	return r;
}

static bool has_policy_extensions(X509 *x)
{
	static const int nids[] = { NID_policy_constraints, NID_policy_mappings,
				    NID_inhibit_any_policy };
	for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
		if (X509_get_ext_by_NID(x, nids[i], -1) >= 0)
			return true;
	return false;
}

static bool akid_agrees(X509 *issuer, X509 *child)
{
	AUTHORITY_KEYID *akid = X509_get_ext_d2i(child, NID_authority_key_identifier, NULL, NULL);
	bool ok = X509_check_akid(issuer, akid) == X509_V_OK;
	AUTHORITY_KEYID_free(akid);
	return ok;
}

/* libtrust accepted path `p` of r: OpenSSL must accept the same certificates. */
static void differential(const trust_result *r)
{
	size_t p = (size_t)trust_result_chosen_path(r);
	size_t n = trust_result_path_length(r, p);
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++) {
		X509 *x = trust_cert_x509(trust_result_path_cert(r, p, i));
		if (has_policy_extensions(x))
			return;
		if (i + 1 < n &&
		    !akid_agrees(trust_cert_x509(trust_result_path_cert(r, p, i + 1)), x))
			return;
	}
	X509_STORE *st = X509_STORE_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	FUZZ_CHECK(st && untrusted && ctx, "out of memory");
	FUZZ_CHECK(X509_STORE_add_cert(st, trust_cert_x509(trust_result_path_cert(r, p, n - 1))),
		   "cannot add the anchor");
	for (size_t i = 1; i + 1 < n; i++)
		FUZZ_CHECK(sk_X509_push(untrusted, trust_cert_x509(trust_result_path_cert(r, p, i))),
			   "out of memory");
	X509 *leaf = trust_cert_x509(trust_result_path_cert(r, p, 0));
	FUZZ_CHECK(X509_STORE_CTX_init(ctx, st, leaf, untrusted), "cannot init");
	X509_STORE_CTX_set_time(ctx, 0, (time_t)FUZZ_AT);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
	int ok = X509_verify_cert(ctx);
	int e = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(st);
	FUZZ_CHECK(ok == 1, "libtrust accepts a %zu-certificate path that OpenSSL rejects: %s (%d) at %d",
		   n, X509_verify_cert_error_string(e), e, depth);
}

static void as_chain(const uint8_t *data, size_t size)
{
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	FUZZ_CHECK(c != NULL, "out of memory");
	int rc = trust_chain_add_mem(c, data, size, "fuzz-chain", &err);
	if (rc != TRUST_OK) {
		check_error(rc, &err, "fuzz-chain");
		trust_chain_free(c);
		return;
	}
	FUZZ_CHECK(trust_chain_count(c) > 0, "loaded, but the chain is empty");
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.at = FUZZ_AT;
	o.host = FUZZ_HOST;
	trust_result *r = evaluate(g_store, g_cache, c, &o);
	render(r, 0);
	trust_result_free(r);

	trust_eval_options t = TRUST_EVAL_OPTIONS_INIT;
	t.at = FUZZ_AT;
	t.policy = TRUST_POLICY_RFC5280;
	t.flags = TRUST_EVAL_EXPLAIN | TRUST_EVAL_NO_SIGCACHE;
	t.budgets.max_depth = 3;
	t.budgets.max_signatures = 8;
	t.budgets.max_appends = 12;
	t.budgets.max_paths = 3;
	t.budgets.max_nc_checks = 64;
	t.budgets.max_presented = 6;
	r = evaluate(g_store, NULL, c, &t);
	if (trust_result_trusted(r))
		differential(r);
	render(r, TRUST_REPORT_EXPLAIN);
	trust_result_free(r);
	trust_chain_free(c);
}

static void as_store_contents(const uint8_t *data, size_t size)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	FUZZ_CHECK(b != NULL, "out of memory");
	must(trust_store_builder_add_anchors_mem(b, FUZZ_ANCHOR_PEM, strlen(FUZZ_ANCHOR_PEM),
						 "anchor", TRUST_ORIGIN_SYSTEM, &err), &err);
	int rc = trust_store_builder_add_anchors_mem(b, data, size, "fuzz-anchors",
						     TRUST_ORIGIN_USER, &err);
	if (rc != TRUST_OK) {
		check_error(rc, &err, "fuzz-anchors");
		trust_store_builder_free(b);
		return;
	}
	rc = trust_store_builder_add_intermediates_mem(b, data, size, "fuzz-pool", &err);
	FUZZ_CHECK(rc == TRUST_OK, "loads as anchors but not as pool: %s", err.message);
	trust_store *s = NULL;
	rc = trust_store_builder_finish(&s, b, &err);
	FUZZ_CHECK(rc == TRUST_OK, "finish failed: %s", err.message);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.at = FUZZ_AT;
	o.host = FUZZ_HOST;
	o.flags = TRUST_EVAL_EXPLAIN;
	trust_result *r = evaluate(s, NULL, g_good, &o);
	/* Backtracking reaches the real anchor whatever else the store holds,
	 * unless the extra candidates exhaust a budget (which fails closed). */
	FUZZ_CHECK(trust_result_trusted(r) || trust_result_budget_hit(r),
		   "extra store contents broke the good chain: %s", trust_result_reason(r));
	trust_result_free(r);
	trust_store_free(s);
}

static void as_crl(const uint8_t *data, size_t size)
{
	FILE *f = fopen(g_crl_path, "wb");
	FUZZ_CHECK(f != NULL, "cannot write %s", g_crl_path);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0, "short write");
	fclose(f);
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	FUZZ_CHECK(b != NULL, "out of memory");
	must(trust_store_builder_add_anchors_mem(b, FUZZ_ANCHOR_PEM, strlen(FUZZ_ANCHOR_PEM),
						 "anchor", TRUST_ORIGIN_USER, &err), &err);
	must(trust_store_builder_add_intermediates_mem(b, FUZZ_POOL_PEM, strlen(FUZZ_POOL_PEM),
						       "pool", &err), &err);
	int rc = trust_store_builder_add_crl(b, g_crl_path, &err);
	if (rc != TRUST_OK) {
		check_error(rc, &err, g_crl_path);
		trust_store_builder_free(b);
		return;
	}
	trust_store *s = NULL;
	rc = trust_store_builder_finish(&s, b, &err);
	FUZZ_CHECK(rc == TRUST_OK, "finish failed: %s", err.message);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.at = FUZZ_AT;
	o.host = FUZZ_HOST;
	trust_result *r = evaluate(s, NULL, g_good, &o);
	render(r, 0);
	trust_result_free(r);
	trust_store_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init_once();
	as_chain(data, size);
	as_store_contents(data, size);
	as_crl(data, size);
	return 0;
}
