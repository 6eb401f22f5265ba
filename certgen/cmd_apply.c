/* certgen apply: builds the hierarchy (or catalogue of cases) a fixture document declares. */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_apply(const cg_opts *o, int argc, char **argv)
{
	const char *file = NULL, *out = NULL, *only = NULL, *v;
	json_t *vars = json_object();
	int rc = vars ? CG_OK : CG_USAGE;
	for (int i = 1; rc == CG_OK && i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--out", &out)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--case", &only)) != 0) {
			rc = m < 0 ? CG_USAGE : CG_OK;
		} else if ((m = cg_optval(argc, argv, &i, "--var", &v)) != 0) {
			const char *eq = m > 0 ? strchr(v, '=') : NULL;
			char name[64];
			if (!eq || eq == v || (size_t)(eq - v) >= sizeof name) {
				rc = cg_fail(CG_USAGE, "--var wants NAME=VALUE, e.g. --var host=test.example");
				break;
			}
			snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
			json_object_set_new(vars, name, json_string(eq + 1));
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cg_bad_option("apply", argv[i]);
		} else if (file) {
			rc = cg_fail(CG_USAGE, "apply takes one FILE (got '%s' and '%s')", file, argv[i]);
		} else {
			file = argv[i];
		}
	}
	if (rc == CG_OK && !file)
		rc = cg_fail(CG_USAGE, "apply needs a FILE; e.g. '%s apply fixtures/mtls.json'",
			     cg_cmd_prefix(o));
	json_t *doc = rc == CG_OK ? cg_doc_load(file) : NULL;
	if (rc == CG_OK && !doc)
		rc = CG_USAGE;
	if (rc == CG_OK && only && cg_doc_ncases(doc) == 0)
		rc = cg_fail(CG_USAGE, "%s: --case needs a catalogue (a document with cases)", file);
	char dir[4096];
	if (out) {
		snprintf(dir, sizeof dir, "%s", out);
	} else if (file) {
		/* DIR/fixtures/NAME for fixtures/NAME.json */
		const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		size_t n = strlen(base);
		if (n > 5 && strcmp(base + n - 5, ".json") == 0)
			n -= 5;
		snprintf(dir, sizeof dir, "%s/fixtures/%.*s", o->dir, (int)n, base);
	}
	json_t *rep = json_array();
	/* The state directory itself first: paths below it are created relative to it. */
	if (rc == CG_OK && (!rep || (!out && cg_mkdirs(o->dir) != 0)))
		rc = CG_USAGE;
	if (rc == CG_OK)
		rc = cg_doc_apply(o, file, doc, vars, only, dir, rep);
	if (rc == CG_OK && o->json) {
		cg_print_json(json_pack("{s:s, s:s, s:O}", "file", file, "out", dir,
					cg_doc_ncases(doc) ? "cases" : "files", rep));
	} else if (rc == CG_OK) {
		size_t i;
		json_t *e;
		cg_say(o, "%s: %zu %s in %s/\n", file, json_array_size(rep),
		       cg_doc_ncases(doc) ? "cases" : "files", dir);
		json_array_foreach(rep, i, e)
			cg_say(o, "  %s\n", json_is_string(e) ? json_string_value(e)
							      : json_string_value(json_object_get(e, "kind")));
	}
	json_decref(rep);
	json_decref(doc);
	json_decref(vars);
	return rc;
}
