/*
 * The public API's contract (include/trust.h): versioned options with an
 * _init() function, zero meaning "default", counters read through
 * trust_result_stat, report buffers released with trust_free whatever
 * allocator jansson and libcbor were given, borrowed accessors.
 */
#include "fixtures.h"

#include <cbor.h>
#include <jansson.h>
#include <time.h>

#define HOST "good.example.com"

static trust_store *store;
static trust_chain *chain;

static void setup(void)
{
	store = fx_store(FX("good/root.pem"), NULL);
	chain = fx_chain(FX("good/chain.pem"));
}

static void teardown(void)
{
	trust_chain_free(chain);
	trust_store_free(store);
}

/* Evaluates the good chain; returns the code, the result in *r. */
static int eval(trust_result **r, const trust_eval_options *o, trust_error *err)
{
	return trust_evaluate(r, store, NULL, chain, o, err);
}

static trust_result *eval_ok(const trust_eval_options *o)
{
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(eval(&r, o, &err) == TRUST_OK, "%s", err.message);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* ---- options ---- */

START_TEST(test_api__options_init_gives_the_macro_defaults)
{
	trust_eval_options m = TRUST_EVAL_OPTIONS_INIT, o;
	memset(&o, 0xa5, sizeof(o));
	ck_assert_int_eq(trust_eval_options_init(&o, TRUST_EVAL_OPTIONS_VERSION), TRUST_OK);
	ck_assert_uint_eq(o.version, TRUST_EVAL_OPTIONS_VERSION);
	ck_assert_uint_eq(o.version, m.version);
	ck_assert(o.at == m.at);
	ck_assert_int_eq(o.purpose, m.purpose);
	ck_assert_int_eq(o.policy, m.policy);
	ck_assert_ptr_null(o.host);
	ck_assert_ptr_null(o.ip);
	ck_assert_uint_eq(o.flags, m.flags);
	ck_assert_int_eq(o.budgets.max_depth, m.budgets.max_depth);
	ck_assert_int_eq(o.budgets.max_signatures, m.budgets.max_signatures);
	ck_assert_int_eq(o.budgets.max_appends, m.budgets.max_appends);
	ck_assert_int_eq(o.budgets.max_paths, m.budgets.max_paths);
	ck_assert_int_eq(o.budgets.max_nc_checks, m.budgets.max_nc_checks);
	ck_assert_int_eq(o.budgets.max_presented, m.budgets.max_presented);
}
END_TEST

START_TEST(test_api__options_init_refuses_versions_outside_1_to_current)
{
	trust_eval_options o;
	memset(&o, 0xa5, sizeof(o));
	ck_assert_int_eq(trust_eval_options_init(&o, 0), TRUST_EUSAGE);
	ck_assert_int_eq(trust_eval_options_init(&o, TRUST_EVAL_OPTIONS_VERSION + 1), TRUST_EUSAGE);
	ck_assert_uint_eq(o.version, 0xa5a5a5a5u); /* untouched when refused */
	ck_assert_int_eq(trust_eval_options_init(NULL, 1), TRUST_EUSAGE);
	for (unsigned v = 1; v <= TRUST_EVAL_OPTIONS_VERSION; v++) {
		ck_assert_int_eq(trust_eval_options_init(&o, v), TRUST_OK);
		ck_assert_uint_eq(o.version, v);
	}
}
END_TEST

START_TEST(test_api__evaluate_accepts_every_version_from_1_and_refuses_others)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = HOST;
	for (unsigned v = 1; v <= TRUST_EVAL_OPTIONS_VERSION; v++) {
		o.version = v;
		trust_result *r = eval_ok(&o);
		ck_assert(trust_result_trusted(r));
		trust_result_free(r);
	}
	unsigned bad[] = { 0, TRUST_EVAL_OPTIONS_VERSION + 1, 0xffffffffu };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.version = bad[i];
		trust_result *r = (trust_result *)&o; /* must be reset to NULL */
		trust_error err = { 0 };
		ck_assert_int_eq(eval(&r, &o, &err), TRUST_EUSAGE);
		ck_assert_ptr_null(r);
		ck_assert_int_eq(err.code, TRUST_EUSAGE);
		char want[32];
		snprintf(want, sizeof(want), "version %u", bad[i]);
		ck_assert_msg(strstr(err.message, want), "message: %s", err.message);
	}
}
END_TEST

START_TEST(test_api__zeroed_options_evaluate_with_the_defaults)
{
	trust_eval_options o;
	memset(&o, 0, sizeof(o));
	o.version = 1;
	o.host = HOST;
	int64_t before = (int64_t)time(NULL);
	trust_result *r = eval_ok(&o);
	ck_assert_msg(trust_result_trusted(r), "%s", trust_result_reason_message(r));
	ck_assert_str_eq(trust_result_policy(r), "tls-server");
	ck_assert_str_eq(trust_result_purpose(r), "server");
	ck_assert(trust_result_time(r) >= before && trust_result_time(r) <= before + 60);
	trust_result_free(r);
}
END_TEST

START_TEST(test_api__a_zero_budget_is_the_default_and_budget_zero_a_limit_of_zero)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = HOST;
	trust_result *r = eval_ok(&o); /* every budget 0: the defaults, one intermediate fits */
	ck_assert(trust_result_trusted(r));
	trust_result_free(r);

	o.budgets.max_depth = TRUST_BUDGET_ZERO;
	r = eval_ok(&o);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "budget.depth");
	ck_assert_ptr_null(trust_result_budget_hit(r)); /* a dead end, the search went on */
	trust_result_free(r);

	o.budgets.max_depth = 0;
	o.budgets.max_signatures = TRUST_BUDGET_ZERO;
	r = eval_ok(&o);
	ck_assert_str_eq(trust_result_reason(r), "budget.signatures");
	ck_assert_str_eq(trust_result_budget_hit(r), "budget.signatures");
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 0);
	trust_result_free(r);

	trust_error err = { 0 };
	o.budgets.max_signatures = 0;
	o.budgets.max_presented = TRUST_BUDGET_ZERO; /* the leaf itself is one */
	ck_assert_int_eq(eval(&r, &o, &err), TRUST_EUSAGE);
	o.budgets.max_presented = 0;
	o.budgets.max_paths = -2;
	ck_assert_int_eq(eval(&r, &o, &err), TRUST_EUSAGE);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(err.message, "negative"), "%s", err.message);
}
END_TEST

/* ---- counters ---- */

START_TEST(test_api__counters_are_read_one_by_one)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = HOST;
	trust_result *r = eval_ok(&o);
	ck_assert(trust_result_trusted(r));
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED), 2);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_SIGNATURE_CACHE_HITS), 0);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_APPENDS), 2);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_PATHS_TRIED), 1);
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_NC_CHECKS), 0);
	ck_assert_ptr_null(trust_result_budget_hit(r));
	/* A counter a newer header might name: -1, not garbage. */
	ck_assert_int_eq(trust_result_stat(r, (trust_stat)99), -1);
	ck_assert_int_eq(trust_result_stat(NULL, TRUST_STAT_APPENDS), -1);
	ck_assert_ptr_null(trust_result_budget_hit(NULL));
	trust_result_free(r);
}
END_TEST

/* ---- report buffers ---- */

/*
 * Allocators that hand out a pointer 16 bytes into the block: if a report
 * buffer came from them, trust_free (free()) would be given a pointer malloc
 * never returned, which glibc and ASan both abort on.
 */
static int foreign_allocs;

static void *foreign_malloc(size_t n)
{
	unsigned char *p = malloc(n + 16);
	foreign_allocs++;
	return p ? p + 16 : NULL;
}

#if CBOR_CUSTOM_ALLOC
static void *foreign_realloc(void *p, size_t n)
{
	if (!p)
		return foreign_malloc(n);
	unsigned char *q = realloc((unsigned char *)p - 16, n + 16);
	return q ? q + 16 : NULL;
}
#endif

static void foreign_free(void *p)
{
	if (p)
		free((unsigned char *)p - 16);
}

START_TEST(test_api__report_buffers_are_released_with_trust_free_whatever_the_allocators)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = HOST;
	trust_result *r = eval_ok(&o);
	json_set_alloc_funcs(foreign_malloc, foreign_free);
#if CBOR_CUSTOM_ALLOC /* Debian's libcbor 0.8 is built without it: it is plain malloc */
	cbor_set_allocs(foreign_malloc, foreign_realloc, foreign_free);
#endif
	foreign_allocs = 0;

	char *json = NULL;
	ck_assert_int_eq(trust_report_json(&json, r, 0), TRUST_OK);
	unsigned char *cbor = NULL;
	size_t len = 0;
	ck_assert_int_eq(trust_report_cbor(&cbor, &len, r, 0), TRUST_OK);
	int used = foreign_allocs;

	json_set_alloc_funcs(malloc, free);
#if CBOR_CUSTOM_ALLOC
	cbor_set_allocs(malloc, realloc, free);
#endif
	ck_assert_int_gt(used, 0); /* the libraries did use the foreign allocators */
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"trusted\""));
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(cbor[0] & 0xe0, 0xa0); /* a CBOR map */
	trust_free(json);
	trust_free(cbor);
	trust_free(NULL);
	trust_result_free(r);
}
END_TEST

/* ---- borrowed accessors ---- */

START_TEST(test_api__borrowed_certificates_live_as_long_as_their_owner)
{
	ck_assert_uint_eq(trust_chain_count(chain), 2);
	const trust_cert *leaf = trust_chain_cert(chain, 0);
	ck_assert_ptr_nonnull(leaf);
	ck_assert_ptr_null(trust_chain_cert(chain, 2));
	ck_assert_ptr_nonnull(trust_cert_x509(leaf));
	char subject[256];
	snprintf(subject, sizeof(subject), "%s", trust_cert_subject(leaf));

	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = HOST;
	trust_result *r = eval_ok(&o);
	/* The result keeps its certificates: store and chain may go first. */
	trust_chain_free(chain);
	trust_store_free(store);
	chain = NULL;
	store = NULL;
	size_t p = (size_t)trust_result_chosen_path(r);
	const trust_cert *c = trust_result_path_cert(r, p, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(trust_cert_subject(c), subject);
	ck_assert_ptr_null(trust_result_path_cert(r, p, trust_result_path_length(r, p)));
	trust_result_free(r);
}
END_TEST

START_TEST(test_api__error_codes_have_names)
{
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_file(c, FX("does/not/exist.pem"), &err), TRUST_EIO);
	trust_err_code code = err.code;
	ck_assert_int_eq(code, TRUST_EIO);
	ck_assert_str_eq(trust_err_name(code), "I/O error");
	ck_assert_str_eq(trust_err_name(TRUST_EPARSE), "parse error");
	trust_chain_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api");
	TCase *t = tcase_create("api");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_api__options_init_gives_the_macro_defaults);
	tcase_add_test(t, test_api__options_init_refuses_versions_outside_1_to_current);
	tcase_add_test(t, test_api__evaluate_accepts_every_version_from_1_and_refuses_others);
	tcase_add_test(t, test_api__zeroed_options_evaluate_with_the_defaults);
	tcase_add_test(t, test_api__a_zero_budget_is_the_default_and_budget_zero_a_limit_of_zero);
	tcase_add_test(t, test_api__counters_are_read_one_by_one);
	tcase_add_test(t, test_api__report_buffers_are_released_with_trust_free_whatever_the_allocators);
	tcase_add_test(t, test_api__borrowed_certificates_live_as_long_as_their_owner);
	tcase_add_test(t, test_api__error_codes_have_names);
	suite_add_tcase(s, t);
	return fx_run(s);
}
