/*
 * trust_policy through the library API: loading from memory with strict
 * errors, overlays in trust_eval_options (version 2; version 1 callers get
 * none), stacking with replacement by rule id, remedies on findings, and
 * results that outlive the policy they were made with.
 */
#include "fixtures.h"

#include <string.h>

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

static const char short_json[] =
	"{ \"name\": \"short\", \"base\": \"tls-server\", \"rules\": [\n"
	"  { \"id\": \"mine.one-day\", \"kind\": \"validity-max\",\n"
	"    \"scope\": { \"certs\": [\"leaf\"] }, \"params\": { \"max_days\": 1 },\n"
	"    \"remedy\": \"reissue for one day\" } ] }";

static trust_policy *load(const char *json, const char *name)
{
	trust_policy *p = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_policy_load_mem(&p, json, strlen(json), name, &err) == TRUST_OK, "%s",
		      err.message);
	return p;
}

static trust_result *eval(const trust_policy *p, unsigned version)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.version = version;
	o.host = HOST;
	o.overlay = p;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, store, NULL, chain, &o, &err) == TRUST_OK, "%s",
		      err.message);
	return r;
}

/* The first finding with this id on the chosen path, or NULL. */
static const trust_finding *finding(const trust_result *r, const char *id)
{
	int p = trust_result_chosen_path(r);
	for (size_t i = 0; p >= 0 && i < trust_result_finding_count(r, (size_t)p); i++) {
		const trust_finding *f = trust_result_finding(r, (size_t)p, i);
		if (strcmp(f->id, id) == 0)
			return f;
	}
	return NULL;
}

START_TEST(test_policy__an_overlay_rule_rejects_and_names_its_remedy)
{
	trust_policy *p = load(short_json, "short.json");
	ck_assert_str_eq(trust_policy_name(p), "short");
	ck_assert_uint_eq(trust_policy_rule_count(p), 1);
	ck_assert_str_eq(trust_policy_rule_id(p, 0), "mine.one-day");
	trust_result *r = eval(p, TRUST_EVAL_OPTIONS_VERSION);
	/* The result keeps its own copies: free the policy before reading it. */
	trust_policy_free(p);
	ck_assert_int_eq(trust_result_trusted(r), 0);
	ck_assert_str_eq(trust_result_reason(r), "mine.one-day");
	ck_assert_str_eq(trust_result_policy(r), "short");
	const trust_finding *f = finding(r, "mine.one-day");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->policy, "short");
	ck_assert_str_eq(f->remedy, "reissue for one day");
	ck_assert_ptr_null(finding(r, "rfc5280.validity")->remedy);
	trust_result_free(r);
}
END_TEST

START_TEST(test_policy__version_1_options_carry_no_overlay)
{
	trust_policy *p = load(short_json, "short.json");
	trust_result *r = eval(p, 1);
	ck_assert_int_eq(trust_result_trusted(r), 1);
	ck_assert_ptr_null(finding(r, "mine.one-day"));
	trust_result_free(r);
	trust_policy_free(p);
}
END_TEST

START_TEST(test_policy__stacking_replaces_and_disables_by_id)
{
	trust_policy *p = load(short_json, "short.json");
	trust_policy *looser = load("{ \"name\": \"looser\", \"rules\": [ { \"id\": \"mine.one-day\", "
				    "\"kind\": \"validity-max\", \"params\": { \"max_days\": 3650 } } ] }",
				    "looser.json");
	trust_policy *off = load("{ \"name\": \"off\", \"rules\": [ { \"id\": \"mine.one-day\", "
				 "\"enabled\": false } ] }", "off.json");
	trust_error err = { 0 };
	ck_assert_int_eq(trust_policy_stack(p, looser, &err), TRUST_OK);
	ck_assert_str_eq(trust_policy_name(p), "short+looser");
	ck_assert_uint_eq(trust_policy_rule_count(p), 1);
	trust_result *r = eval(p, TRUST_EVAL_OPTIONS_VERSION);
	ck_assert_int_eq(trust_result_trusted(r), 1);
	ck_assert_int_eq(finding(r, "mine.one-day")->severity, TRUST_SEV_PASS);
	trust_result_free(r);
	ck_assert_int_eq(trust_policy_stack(p, off, &err), TRUST_OK);
	ck_assert_uint_eq(trust_policy_rule_count(p), 0);
	trust_policy_free(looser);
	trust_policy_free(off);
	r = eval(p, TRUST_EVAL_OPTIONS_VERSION);
	ck_assert_ptr_null(finding(r, "mine.one-day"));
	trust_result_free(r);
	trust_policy_free(p);
}
END_TEST

START_TEST(test_policy__strict_errors_name_line_and_column)
{
	static const struct {
		const char *json;
		const char *want;
	} cases[] = {
		{ "{ \"name\": \"x\",\n  \"colour\": 1 }", "m.json:2:3: colour: unknown key 'colour'" },
		{ "{ \"name\": 7 }", "m.json:1:11: name: 'name' must be a string, not an integer" },
		{ "{ \"name\": \"x\", \"base\": \"tls\" }", "m.json:1:24: base: 'tls' is not one of" },
		{ "{ \"name\": \"x\", \"anchor_origins\": [] }", "must name at least one" },
		{ "{ \"name\": \"x\", \"rules\": [ { \"id\": \"a\", \"kind\": \"eku\", \"scope\": "
		  "{ \"issued_from\": \"2020-02-30T00:00:00Z\" } } ] }", "is not a UTC time" },
		{ "{ \"rules\": [] }", "missing required key 'name'" },
		{ "[1, 2]", "a policy file holds one JSON object" },
		{ "{ \"name\": \"x\"", "m.json:1:" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		trust_policy *p = NULL;
		trust_error err = { 0 };
		int rc = trust_policy_load_mem(&p, cases[i].json, strlen(cases[i].json), "m.json",
					       &err);
		ck_assert_int_eq(rc, TRUST_EPARSE);
		ck_assert_int_eq(err.code, TRUST_EPARSE);
		ck_assert_ptr_null(p);
		ck_assert_msg(strstr(err.message, cases[i].want), "case %zu: '%s' lacks '%s'", i,
			      err.message, cases[i].want);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("policy");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_policy__an_overlay_rule_rejects_and_names_its_remedy);
	tcase_add_test(t, test_policy__version_1_options_carry_no_overlay);
	tcase_add_test(t, test_policy__stacking_replaces_and_disables_by_id);
	tcase_add_test(t, test_policy__strict_errors_name_line_and_column);
	suite_add_tcase(s, t);
	return fx_run(s);
}
