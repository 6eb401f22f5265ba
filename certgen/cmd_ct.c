/* certgen ct-log: create a test CT log, or change a log's state in the log list. */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const states[] = { "pending", "qualified", "usable", "readonly",
				       "retired", "rejected", NULL };

typedef struct ct_args {
	const char *name, *operator_name, *state, *since;
} ct_args;

static int parse(ct_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--operator", &a->operator_name)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--state", &a->state)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--since", &a->since)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cg_bad_option("ct-log", argv[i]);
		} else if (a->name) {
			return cg_fail(CG_USAGE, "ct-log takes one NAME (got '%s' too)", argv[i]);
		} else {
			a->name = argv[i];
		}
	}
	if (a->name && !cg_ct_name_ok(a->name))
		return cg_fail(CG_USAGE, "CT log name '%s': use 1-64 letters, digits, '.', '_' or "
			       "'-', not starting with '.' or '-'", cg_esc(a->name));
	size_t k = 0;
	while (a->state && states[k] && strcmp(states[k], a->state) != 0)
		k++;
	if (a->state && !states[k])
		return cg_fail(CG_USAGE, "--state '%s': use pending, qualified, usable, readonly, "
			       "retired or rejected", cg_esc(a->state));
	if (a->since && !a->state)
		return cg_fail(CG_USAGE, "--since needs --state");
	return CG_OK;
}

/* Sets the log's state entry: { STATE: { "timestamp": T } }. */
static int set_state(json_t *log, const char *state, int64_t since)
{
	char t[32];
	json_t *st = json_pack("{s:{s:s}}", state, "timestamp", ttime_rfc3339(t, sizeof t, since));
	return st && json_object_set_new(log, "state", st) == 0 ? CG_OK
								 : cg_fail(CG_USAGE, "out of memory");
}

static void print(const cg_opts *o, json_t *log, const char *name, bool created)
{
	char list[4096];
	cg_ct_list_path(list, sizeof list, o);
	const char *state = "?", *since = "";
	json_t *v;
	json_object_foreach(json_object_get(log, "state"), state, v) {
		since = json_string_value(json_object_get(v, "timestamp"));
		break;
	}
	const char *id = json_string_value(json_object_get(log, "log_id"));
	if (o->json) {
		cg_print_json(json_pack("{s:s, s:s, s:s, s:s?, s:s, s:b}", "name", name, "log_id", id,
					"state", state, "since", since, "log_list", list, "created",
					created));
		return;
	}
	char q[4200];
	cg_say(o, "CT log '%s' %s: %s since %s\n  log id %s\n  key %s/ct/%s-key.pem (0600)\n"
		  "  log list %s (give it to trustcheck --ct-log-list %s)\n", name,
	       created ? "created" : "updated", state, since ? since : "?", id, o->dir, name, list,
	       cg_shq(q, sizeof q, list));
}

int cmd_ct_log(const cg_opts *o, int argc, char **argv)
{
	ct_args a = { 0 };
	int rc = parse(&a, argc, argv);
	if (rc != CG_OK)
		return rc;
	int64_t since = ttime_now();
	if (a.since && !cg_parse_rfc3339(a.since, &since))
		return cg_fail(CG_USAGE, "--since '%s' is not an RFC 3339 time "
			       "(2026-01-31T12:00:00Z)", cg_esc(a.since));
	cg_state st;
	int lockfd;
	rc = cg_begin(o, &st, &lockfd);
	if (rc != 0)
		return rc;
	json_t *doc = cg_ct_list_load(o);
	if (!doc)
		return cg_end(o, &st, lockfd, false, CG_USAGE);
	char auto_name[32];
	if (!a.name) {
		for (unsigned s = 1; s < 1000; s++) {
			snprintf(auto_name, sizeof auto_name, "log%u", s);
			if (!cg_ct_list_find(doc, auto_name, NULL))
				break;
		}
		a.name = auto_name;
	}
	json_t *log = cg_ct_list_find(doc, a.name, NULL);
	bool created = !log;
	if (log && !a.state) {
		rc = cg_fail(CG_REFUSED, "CT log '%s' exists; change its state with --state STATE "
			     "[--since TIME]", a.name);
	} else if (log && a.operator_name) {
		rc = cg_fail(CG_USAGE, "--operator is given when a log is created");
	} else if (!log) {
		rc = cg_ct_log_add(o, &st, doc, a.name, a.operator_name, NULL);
		log = rc == CG_OK ? cg_ct_list_find(doc, a.name, NULL) : NULL;
	}
	if (rc == CG_OK && a.state)
		rc = set_state(log, a.state, since);
	if (rc == CG_OK)
		rc = cg_ct_list_stage(o, &st, doc);
	if (rc == CG_OK)
		rc = cg_txn_commit(o, &st);
	if (rc == CG_OK)
		print(o, log, a.name, created);
	json_decref(doc);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}
