/*
 * limbo-runner: runs every x509-limbo testcase through libtrust and compares
 * the verdict with expected_result.
 *
 *   limbo-runner [-v] [--only ID] [--policies DIR] LIMBO_JSON [SKIP_TXT]
 *
 * With --policies, each testcase runs under DIR/<policy>.json (the files
 * `trustcheck --policy NAME` uses); without, under the built-in rule sets.
 *
 * Prints one line per disagreement and the summary
 *   conformance: N passed, M failed, K skipped
 * then how many chains were accepted that must be rejected (the dangerous
 * direction).  Exit status: 0 if nothing failed, 1 if something did, 2 if the
 * inputs cannot be read.  SKIP_TXT holds one "id reason..." per line ('#'
 * starts a comment); skipped ids are neither passed nor failed.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limbo_case.h"

typedef struct skiplist {
	char **ids;
	size_t n;
} skiplist;

static void skip_free(skiplist *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
}

static int skip_load(skiplist *s, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "limbo-runner: %s: cannot open the skip list\n", path);
		return -1;
	}
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *id = line + strspn(line, " \t");
		if (*id == '#' || *id == '\n' || *id == '\0')
			continue;
		id[strcspn(id, " \t\n")] = '\0';
		char **v = realloc(s->ids, (s->n + 1) * sizeof(*v));
		if (!v || !(v[s->n] = strdup(id))) {
			free(v ? NULL : NULL);
			if (v)
				s->ids = v;
			fclose(f);
			return -1;
		}
		s->ids = v;
		s->n++;
	}
	fclose(f);
	return 0;
}

static bool skipped(const skiplist *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

/* Testcases run per policy, so a change in the mapping shows in the summary. */
static const char *const policies[] = { "tls-server", "tls-client", "webpki", "rfc5280" };
#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

typedef struct tally {
	int passed, failed, skipped, false_accepts;
	int by_policy[NPOLICIES];
} tally;

static void count_policy(tally *t, const char *policy)
{
	for (size_t i = 0; policy && i < NPOLICIES; i++)
		if (strcmp(policies[i], policy) == 0)
			t->by_policy[i]++;
}

static void run_one(tally *t, json_t *tc, const skiplist *skip, bool verbose,
		    const limbo_policies *pols)
{
	const char *id = json_string_value(json_object_get(tc, "id"));
	const char *expected = json_string_value(json_object_get(tc, "expected_result"));
	if (!id || !expected) {
		fprintf(stderr, "limbo-runner: a testcase lacks id or expected_result\n");
		t->failed++;
		return;
	}
	if (skipped(skip, id)) {
		t->skipped++;
		if (verbose)
			printf("skip  %s\n", id);
		return;
	}
	limbo_outcome o;
	limbo_case_run(&o, tc, pols);
	count_policy(t, o.policy);
	const char *pol = o.policy ? o.policy : "-";
	/* Inputs libtrust refuses to load (unparsable certificates) are a rejection. */
	const char *got = o.ran && o.trusted ? "SUCCESS" : "FAILURE";
	bool agree = strcmp(got, expected) == 0;
	if (agree) {
		t->passed++;
		if (verbose)
			printf("ok    %s under %s: %s (%s) [%s]\n", id, pol, got,
			       o.ran ? o.reason : o.error, o.detail);
		return;
	}
	t->failed++;
	if (strcmp(got, "SUCCESS") == 0)
		t->false_accepts++;
	if (o.ran)
		printf("FAIL  %s under %s: expected %s, got %s (%s: %s) [%s]\n", id, pol, expected,
		       got, o.reason, o.message, o.detail);
	else
		printf("FAIL  %s under %s: expected %s, got %s (inputs rejected: %s)\n", id, pol,
		       expected, got, o.error);
}

static int load_one(trust_policy **out, const char *dir, const char *name)
{
	char path[4096];
	trust_error err = { 0 };
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	if (trust_policy_load_file(out, path, &err) == TRUST_OK)
		return 0;
	fprintf(stderr, "limbo-runner: %s\n", err.message);
	return -1;
}

static int load_policies(limbo_policies *p, const char *dir)
{
	if (load_one(&p->tls_server, dir, "tls-server") || load_one(&p->tls_client, dir, "tls-client") ||
	    load_one(&p->webpki, dir, "webpki") || load_one(&p->rfc5280, dir, "rfc5280"))
		return -1;
	return 0;
}

static void free_policies(limbo_policies *p)
{
	trust_policy_free(p->tls_server);
	trust_policy_free(p->tls_client);
	trust_policy_free(p->webpki);
	trust_policy_free(p->rfc5280);
}

int main(int argc, char **argv)
{
	bool verbose = false;
	const char *only = NULL, *json_path = NULL, *skip_path = NULL, *policy_dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--policies") == 0 && i + 1 < argc)
			policy_dir = argv[++i];
		else if (!json_path)
			json_path = argv[i];
		else if (!skip_path)
			skip_path = argv[i];
		else {
			fprintf(stderr, "usage: limbo-runner [-v] [--only ID] [--policies DIR] LIMBO_JSON "
				"[SKIP_TXT]\n");
			return 2;
		}
	}
	if (!json_path) {
		fprintf(stderr, "usage: limbo-runner [-v] [--only ID] [--policies DIR] LIMBO_JSON "
				"[SKIP_TXT]\n");
		return 2;
	}
	json_error_t jerr;
	json_t *root = json_load_file(json_path, 0, &jerr);
	if (!root) {
		fprintf(stderr, "limbo-runner: %s:%d:%d: %s\n", json_path, jerr.line, jerr.column,
			jerr.text);
		return 2;
	}
	json_t *cases = json_object_get(root, "testcases");
	if (!json_is_array(cases)) {
		fprintf(stderr, "limbo-runner: %s: no \"testcases\" array\n", json_path);
		json_decref(root);
		return 2;
	}
	skiplist skip = { 0 };
	if (skip_path && skip_load(&skip, skip_path) != 0) {
		skip_free(&skip);
		json_decref(root);
		return 2;
	}
	limbo_policies pols = { 0 };
	if (policy_dir && load_policies(&pols, policy_dir) != 0) {
		free_policies(&pols);
		skip_free(&skip);
		json_decref(root);
		return 2;
	}
	tally t = { 0 };
	size_t i;
	json_t *tc;
	json_array_foreach(cases, i, tc) {
		const char *id = json_string_value(json_object_get(tc, "id"));
		if (only && (!id || strcmp(id, only) != 0))
			continue;
		run_one(&t, tc, &skip, verbose || only, &pols);
	}
	printf("conformance: %d passed, %d failed, %d skipped\n", t.passed, t.failed, t.skipped);
	printf("conformance: %d accepted that must be rejected\n", t.false_accepts);
	printf("conformance: run under");
	for (size_t k = 0; k < NPOLICIES; k++)
		printf("%s %s %d", k ? "," : "", policies[k], t.by_policy[k]);
	printf("\n");
	free_policies(&pols);
	skip_free(&skip);
	json_decref(root);
	return t.failed ? 1 : 0;
}
