/*
 * Fixture documents (docs/fixtures.md): either one hierarchy ("certificates"
 * and "files"), or a catalogue of cases ("template" plus "cases"), where each
 * case is the template with its own tweaks ("set", "add", "files").  The
 * `certgen bad` catalogue is such a document (fixtures/bad.json, compiled in).
 */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const doc_keys[] = { "format", "description", "vars", "certificates", "files",
					"template", "cases", "comment", NULL };
static const char *const template_keys[] = { "certificates", "files", "comment", NULL };
static const char *const case_keys[] = { "name", "policy", "rule", "why", "host", "set", "add",
					 "files", "comment", NULL };

void *cg_doc_parse(const char *src, const char *text, size_t len)
{
	json_error_t e;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	if (!doc) {
		cg_fail(CG_USAGE, "%s:%d:%d: %s", src, e.line, e.column, e.text);
		return NULL;
	}
	json_t *fmt = json_object_get(doc, "format");
	json_t *cases = json_object_get(doc, "cases");
	const char *err = NULL;
	if (cg_fx_known_keys(src, "the document", doc, doc_keys) != CG_OK)
		err = "";
	else if (!json_is_integer(fmt) || json_integer_value(fmt) != 1)
		err = "\"format\": 1 is required (the only format so far)";
	else if (json_object_get(doc, "vars") && !json_is_object(json_object_get(doc, "vars")))
		err = "vars must be an object of strings";
	else if (!cases && (!json_object_get(doc, "certificates") || !json_object_get(doc, "files") ||
			    json_object_get(doc, "template")))
		err = "a hierarchy needs certificates and files (or template and cases)";
	else if (cases && (!json_is_array(cases) || json_object_get(doc, "certificates") ||
			   json_object_get(doc, "files") ||
			   cg_fx_known_keys(src, "template", json_object_get(doc, "template"),
					    template_keys) != CG_OK))
		err = "a catalogue has a template object and a cases array, and no top-level "
		      "certificates or files";
	if (err) {
		if (*err)
			cg_fail(CG_USAGE, "%s: %s", src, err);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

void *cg_doc_load(const char *path)
{
	size_t len = 0;
	unsigned char *text = cg_read_file(path, &len);
	void *doc = text ? cg_doc_parse(path, (const char *)text, len) : NULL;
	free(text);
	return doc;
}

size_t cg_doc_ncases(void *doc)
{
	return json_array_size(json_object_get(doc, "cases"));
}

const char *cg_doc_case_field(void *doc, size_t i, const char *field)
{
	json_t *c = json_array_get(json_object_get(doc, "cases"), i);
	return json_string_value(json_object_get(c, field));
}

/* Applies "set" (per-certificate overrides; null removes a key), "add" and "files" of a case. */
static int merge_case(const char *src, const char *name, json_t *tmpl, json_t *c, json_t **certs,
		      json_t **files)
{
	*certs = json_deep_copy(json_object_get(tmpl, "certificates"));
	*files = json_deep_copy(json_object_get(tmpl, "files"));
	if (!json_is_array(*certs) || !json_is_array(*files))
		return cg_fail(CG_USAGE, "%s: template needs certificates and files arrays", src);
	json_t *set = json_object_get(c, "set"), *add = json_object_get(c, "add"),
	       *fs = json_object_get(c, "files"), *v, *e;
	const char *k;
	size_t i, j;
	if ((set && !json_is_object(set)) || (add && !json_is_array(add)) || (fs && !json_is_array(fs)))
		return cg_fail(CG_USAGE, "%s: case '%s': set is an object, add and files are arrays",
			       src, name);
	json_object_foreach(set, k, v) {
		json_t *target = NULL;
		json_array_foreach(*certs, i, e)
			if (json_is_string(json_object_get(e, "name")) &&
			    strcmp(json_string_value(json_object_get(e, "name")), k) == 0)
				target = e;
		if (!target || !json_is_object(v))
			return cg_fail(CG_USAGE, "%s: case '%s': set.%s names no template certificate",
				       src, name, k);
		const char *f;
		json_t *fv;
		json_object_foreach(v, f, fv) {
			if (json_is_null(fv))
				json_object_del(target, f);
			else
				json_object_set(target, f, fv);
		}
	}
	json_array_foreach(add, i, e)
		json_array_append(*certs, e);
	json_array_foreach(fs, i, e) {
		const char *p = json_string_value(json_object_get(e, "path"));
		size_t at = json_array_size(*files);
		json_array_foreach(*files, j, v)
			if (p && json_is_string(json_object_get(v, "path")) &&
			    strcmp(json_string_value(json_object_get(v, "path")), p) == 0)
				at = j;
		if (at < json_array_size(*files))
			json_array_set(*files, at, e);
		else
			json_array_append(*files, e);
	}
	return CG_OK;
}

static const char *str_of(json_t *obj, const char *key, const char *def)
{
	const char *v = json_string_value(json_object_get(obj, key));
	return v ? v : def;
}

/* DIR/CASE/case.json: what a checker must conclude, for tests and people. */
static int write_case_json(const char *dir, const char *name, json_t *c, json_t *files,
			   json_t *vars)
{
	/* The host may name variables like every other string of the case. */
	json_t *host = json_string(str_of(c, "host", "${host}"));
	char unknown[64];
	if (!host || cg_fx_subst(host, vars, unknown) != 0) {
		json_decref(host);
		return cg_fail(CG_USAGE, "case '%s': host names an unknown variable", name);
	}
	json_t *j = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:s}", "kind", name, "host", host,
			      "purpose", "server", "policy", str_of(c, "policy", "tls-server"),
			      "expect", "reject", "rule", str_of(c, "rule", ""), "why",
			      str_of(c, "why", ""));
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
		if (j && json_object_get(f, "crl"))
			json_object_set(j, "crl", json_object_get(f, "path"));
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	char p[8192];
	snprintf(p, sizeof p, "%s/%s/case.json", dir, name);
	int rc = CG_USAGE;
	if (text) {
		size_t tl = strlen(text);
		text[tl] = '\n';
		rc = cg_write_file(p, text, tl + 1, 0644, true);
	}
	free(text);
	json_decref(j);
	return rc;
}

int cg_doc_apply(const cg_opts *o, const char *src, void *docp, void *var_over, const char *only,
		 const char *outdir, void *report)
{
	json_t *doc = docp, *vars = json_deep_copy(json_object_get(doc, "vars"));
	json_t *cases = json_object_get(doc, "cases"), *rep = report;
	const char *k;
	json_t *v;
	if (!vars)
		vars = json_object();
	json_object_foreach((json_t *)var_over, k, v)
		json_object_set(vars, k, v);
	json_object_foreach(vars, k, v)
		if (!json_is_string(v)) {
			json_decref(vars);
			return cg_fail(CG_USAGE, "%s: vars.%s must be a string", src, k);
		}
	int rc = CG_OK;
	if (!cases) {
		json_t *certs = json_deep_copy(json_object_get(doc, "certificates"));
		json_t *files = json_deep_copy(json_object_get(doc, "files"));
		rc = cg_fx_build(o, src, NULL, certs, files, vars, outdir, NULL);
		size_t i;
		json_t *f;
		json_array_foreach(files, i, f)
			if (rc == CG_OK && rep)
				json_array_append(rep, json_object_get(f, "path"));
		json_decref(certs);
		json_decref(files);
		json_decref(vars);
		return rc;
	}
	size_t i, done = 0;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		if (cg_fx_known_keys(src, "a case", c, case_keys) != CG_OK || !name || !*name ||
		    strchr(name, '/') || name[0] == '.') {
			rc = name ? CG_USAGE : cg_fail(CG_USAGE, "%s: cases[%zu] needs a name", src, i);
			break;
		}
		if (only && strcmp(only, name) != 0)
			continue;
		json_t *certs = NULL, *files = NULL;
		json_object_set_new(vars, "case", json_string(name));
		rc = merge_case(src, name, json_object_get(doc, "template"), c, &certs, &files);
		if (rc == CG_OK)
			rc = cg_fx_build(o, src, name, certs, files, vars, outdir, name);
		if (rc == CG_OK)
			rc = write_case_json(outdir, name, c, files, vars);
		json_decref(certs);
		json_decref(files);
		if (rc != CG_OK)
			break;
		done++;
		if (rep)
			json_array_append_new(rep, json_pack("{s:s, s:s, s:s}", "kind", name, "policy",
							     str_of(c, "policy", "tls-server"), "rule",
							     str_of(c, "rule", "")));
	}
	json_decref(vars);
	if (rc == CG_OK && only && done == 0)
		rc = cg_fail(CG_USAGE, "%s: no case named '%s'", src, only);
	return rc;
}
