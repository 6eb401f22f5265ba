/*
 * certgen bad: broken certificates, made fresh on every run, one folder per
 * kind with the chain a server would send, the anchor to trust, any CRL, the
 * leaf key (for live-server tests) and case.json saying what must happen.
 * The kinds are the cases of fixtures/bad.json, compiled in: each row carries
 * its own tweaks of one template chain.  Every case has its own root.
 */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int list(const cg_opts *o, json_t *doc)
{
	json_t *arr = o->json ? json_array() : NULL;
	for (size_t i = 0; i < cg_doc_ncases(doc); i++) {
		const char *kind = cg_doc_case_field(doc, i, "name"),
			   *policy = cg_doc_case_field(doc, i, "policy"),
			   *rule = cg_doc_case_field(doc, i, "rule"), *why = cg_doc_case_field(doc, i, "why");
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "policy",
							     policy, "rule", rule, "why", why));
		else
			printf("%-32s %-11s %s\n", kind, policy, why);
	}
	if (arr)
		cg_print_json(arr);
	return CG_OK;
}

int cmd_bad(const cg_opts *o, int argc, char **argv)
{
	const char *kind = NULL, *host = NULL, *out = NULL, *all = NULL;
	bool want_list = false;
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--all", &all)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--out", &out)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (strcmp(argv[i], "--list") == 0) {
			want_list = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("bad", argv[i]);
		} else if (!kind && !all) {
			kind = argv[i];
		} else if (!host) {
			host = argv[i];
		} else {
			return cg_fail(CG_USAGE, "bad takes KIND [HOST] or --all DIR [HOST]");
		}
	}
	json_t *doc = cg_doc_parse("fixtures/bad.json", cg_bad_catalogue, strlen(cg_bad_catalogue));
	if (!doc)
		return CG_USAGE;
	int rc = CG_OK;
	bool known = false;
	for (size_t i = 0; kind && i < cg_doc_ncases(doc); i++)
		known = known || strcmp(cg_doc_case_field(doc, i, "name"), kind) == 0;
	if (!host)
		host = "bad.example";
	if (want_list) {
		rc = list(o, doc);
	} else if (strcmp(cg_san_type(host), "DNS") != 0 || strchr(host, '*') || strlen(host) > 200) {
		rc = cg_fail(CG_USAGE, "HOST must be a plain host name such as bad.example, not '%s'",
			     host);
	} else if (!all && !known) {
		rc = cg_fail(CG_USAGE, "%s%s%s; 'certgen bad --list' shows the kinds",
			     kind ? "unknown kind '" : "bad needs a KIND or --all DIR", kind ? kind : "",
			     kind ? "'" : "");
	} else {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s%s", all ? all : out ? out : o->dir, all || out ? "" : "/bad");
		const char *dot = strrchr(host, '.');
		json_t *vars = json_pack("{s:s, s:s}", "host", host, "tld", dot ? dot + 1 : host);
		json_t *rep = json_array();
		/* The state directory itself first: paths below it are created relative to it. */
		bool ready = vars && rep && (all || out || cg_mkdirs(o->dir) == 0) && cg_mkdirs(dir) == 0;
		rc = ready ? cg_doc_apply(o, "fixtures/bad.json", doc, vars, all ? NULL : kind, dir, rep)
			   : CG_USAGE;
		size_t i;
		json_t *c;
		json_array_foreach(rep, i, c)
			if (rc == CG_OK && !o->json)
				cg_say(o, "%-32s %s/%s/  (%s: %s)\n", json_string_value(json_object_get(c, "kind")),
				       dir, json_string_value(json_object_get(c, "kind")),
				       json_string_value(json_object_get(c, "policy")),
				       json_string_value(json_object_get(c, "rule")));
		json_array_foreach(rep, i, c)
			json_object_set_new(c, "dir", json_pack("s++", dir, "/",
								json_string_value(json_object_get(c, "kind"))));
		if (rc == CG_OK && o->json)
			cg_print_json(json_pack("{s:s, s:O}", "dir", dir, "cases", rep));
		json_decref(rep);
		json_decref(vars);
	}
	json_decref(doc);
	return rc;
}
