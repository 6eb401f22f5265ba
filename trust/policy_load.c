/*
 * Policy files to layers: jansson parses, this file validates strictly.
 * Every object's keys are checked against a fixed list, every value's type
 * and range against the rule kind's parameter table, so a typo in a policy
 * is an error naming file, line and column rather than a rule silently off.
 */
#include "policy.h"
#include "policy_locate.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 8
#define MAX_PATH_DEPTH 16

typedef struct lctx {
	const char *text;
	size_t len;
	const char *source;
	tpol_step path[MAX_PATH_DEPTH];
	size_t depth;
	trust_error *err;
	tpolicy_layer *layer;
} lctx;

static void push_key(lctx *c, const char *key)
{
	if (c->depth < MAX_PATH_DEPTH)
		c->path[c->depth] = (tpol_step){ key, 0 };
	c->depth++;
}

static void push_index(lctx *c, size_t i)
{
	if (c->depth < MAX_PATH_DEPTH)
		c->path[c->depth] = (tpol_step){ NULL, i };
	c->depth++;
}

static void pop(lctx *c)
{
	c->depth--;
}

/* "rules[2].scope.origins[1]" for the current path. */
static void path_text(const lctx *c, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t d = 0; d < c->depth && d < MAX_PATH_DEPTH && used < n; d++) {
		int w = c->path[d].key
				? snprintf(buf + used, n - used, "%s%s", d ? "." : "", c->path[d].key)
				: snprintf(buf + used, n - used, "[%zu]", c->path[d].index);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

__attribute__((format(printf, 3, 4)))
static int fail_at(lctx *c, bool at_key, const char *fmt, ...)
{
	char what[256], where[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	int line, col;
	size_t depth = c->depth < MAX_PATH_DEPTH ? c->depth : MAX_PATH_DEPTH;
	tpol_locate(c->text, c->len, c->path, depth, at_key, &line, &col);
	path_text(c, where, sizeof(where));
	return terr_set(c->err, TRUST_EPARSE, "%s:%d:%d: %s%s%s", c->source, line, col, where,
			where[0] ? ": " : "", what);
}

static int oom(lctx *c)
{
	return terr_set(c->err, TRUST_ENOMEM, "%s: out of memory", c->source);
}

/* Rejects a key not in `allowed` (NULL-terminated), naming the allowed ones. */
static int check_keys(lctx *c, json_t *obj, const char *const *allowed, const char *what)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok |= strcmp(key, allowed[i]) == 0;
		if (!ok) {
			char list[512] = "";
			for (size_t i = 0; allowed[i]; i++) {
				strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, allowed[i], sizeof(list) - strlen(list) - 1);
			}
			push_key(c, key);
			int rc = fail_at(c, true, "unknown key '%s' in %s (allowed: %s)", key, what,
					 list);
			pop(c);
			return rc;
		}
	}
	return TRUST_OK;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Member `key` of obj must have type `t` if present; *out is NULL if absent. */
static int member(lctx *c, json_t *obj, const char *key, json_type t, bool required, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v) {
		if (required)
			return fail_at(c, false, "missing required key '%s'", key);
		return TRUST_OK;
	}
	bool ok = json_typeof(v) == t || (t == JSON_TRUE && json_is_boolean(v));
	if (!ok) {
		const char *want = t == JSON_OBJECT ? "an object" : t == JSON_ARRAY ? "an array"
				   : t == JSON_STRING ? "a string" : t == JSON_INTEGER ? "an integer"
				   : "a boolean";
		push_key(c, key);
		int rc = fail_at(c, false, "'%s' must be %s, not %s", key, want, type_name(v));
		pop(c);
		return rc;
	}
	*out = v;
	return TRUST_OK;
}

static int dup_string(lctx *c, json_t *obj, const char *key, bool required, char **out)
{
	json_t *v;
	int rc = member(c, obj, key, JSON_STRING, required, &v);
	if (rc != TRUST_OK || !v)
		return rc;
	if (!(*out = strdup(json_string_value(v))))
		return oom(c);
	return TRUST_OK;
}

static bool in_words(const char *s, const char *const *words)
{
	if (!words)
		return true;
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

static int bad_word(lctx *c, const char *s, const char *const *words)
{
	char list[400] = "";
	for (size_t i = 0; words[i]; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, words[i], sizeof(list) - strlen(list) - 1);
	}
	return fail_at(c, false, "'%s' is not one of: %s", s, list);
}

/* Identifiers: lower case letters, digits, '-', '.', '_'; 1..64 bytes. */
static bool is_ident(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.' || s[i] == '_'))
			return false;
	return true;
}

/* ---- rule parameters ---- */

static int parse_param(lctx *c, const tparam_spec *s, json_t *v, tparam_value *out)
{
	out->set = true;
	switch (s->type) {
	case TPT_INT:
		if (!json_is_integer(v))
			return fail_at(c, false, "must be an integer, not %s", type_name(v));
		out->i = json_integer_value(v);
		if (out->i < s->min || out->i > s->max)
			return fail_at(c, false, "%lld is outside %lld..%lld", (long long)out->i,
				       (long long)s->min, (long long)s->max);
		return TRUST_OK;
	case TPT_BOOL:
		if (!json_is_boolean(v))
			return fail_at(c, false, "must be true or false, not %s", type_name(v));
		out->i = json_is_true(v);
		return TRUST_OK;
	case TPT_TIME:
		if (!json_is_string(v) || tpolicy_parse_time(&out->i, json_string_value(v)) != 0)
			return fail_at(c, false, "must be a UTC time such as 2020-09-01T00:00:00Z");
		return TRUST_OK;
	case TPT_STRING:
		if (!json_is_string(v))
			return fail_at(c, false, "must be a string, not %s", type_name(v));
		if (!in_words(json_string_value(v), s->words))
			return bad_word(c, json_string_value(v), s->words);
		return (out->s = strdup(json_string_value(v))) ? TRUST_OK : oom(c);
	case TPT_STRINGS: {
		if (!json_is_array(v))
			return fail_at(c, false, "must be an array of strings, not %s", type_name(v));
		size_t n = json_array_size(v);
		out->v = calloc(n ? n : 1, sizeof(*out->v));
		if (!out->v)
			return oom(c);
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(v, i);
			push_index(c, i);
			int rc = TRUST_OK;
			if (!json_is_string(e))
				rc = fail_at(c, false, "must be a string, not %s", type_name(e));
			else if (!in_words(json_string_value(e), s->words))
				rc = bad_word(c, json_string_value(e), s->words);
			pop(c);
			if (rc != TRUST_OK)
				return rc;
			if (!(out->v[out->nv++] = strdup(json_string_value(e))))
				return oom(c);
		}
		return TRUST_OK;
	}
	}
	return TRUST_OK;
}

static int parse_params(lctx *c, json_t *params, tpolicy_rule *r)
{
	const tparam_spec *spec = r->kind->params;
	size_t nspec = 0;
	while (spec && spec[nspec].key)
		nspec++;
	const char *key;
	json_t *v;
	if (params) {
		json_object_foreach(params, key, v) {
			size_t k = 0;
			while (k < nspec && strcmp(spec[k].key, key) != 0)
				k++;
			push_key(c, key);
			if (k == nspec) {
				char list[300] = "";
				for (size_t i = 0; i < nspec; i++) {
					strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
					strncat(list, spec[i].key, sizeof(list) - strlen(list) - 1);
				}
				int rc = fail_at(c, true, "unknown parameter '%s' for kind '%s' "
						 "(allowed: %s)", key, r->kind->name,
						 nspec ? list : "none");
				pop(c);
				return rc;
			}
			int rc = parse_param(c, &spec[k], v, &r->params[k]);
			pop(c);
			if (rc != TRUST_OK)
				return rc;
		}
	}
	for (size_t k = 0; k < nspec; k++)
		if (spec[k].required && !r->params[k].set)
			return fail_at(c, false, "kind '%s' needs parameter '%s'", r->kind->name,
				       spec[k].key);
	return TRUST_OK;
}

/* ---- scopes ---- */

static const char *const cert_words[] = { "leaf", "intermediates", "anchor", NULL };
static const char *const origin_words[] = { "system", "user", "app", "leaf-anchor", NULL };

static int parse_bits(lctx *c, json_t *arr, const char *const *words, unsigned *out)
{
	*out = 0;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		push_index(c, i);
		int rc = TRUST_OK;
		if (!json_is_string(e))
			rc = fail_at(c, false, "must be a string, not %s", type_name(e));
		else if (!in_words(json_string_value(e), words))
			rc = bad_word(c, json_string_value(e), words);
		pop(c);
		if (rc != TRUST_OK)
			return rc;
		for (unsigned b = 0; words[b]; b++)
			if (strcmp(words[b], json_string_value(e)) == 0)
				*out |= 1u << b;
	}
	if (*out == 0)
		return fail_at(c, false, "must name at least one of its values");
	return TRUST_OK;
}

static int parse_time_key(lctx *c, json_t *obj, const char *key, bool *has, int64_t *t)
{
	json_t *v;
	int rc = member(c, obj, key, JSON_STRING, false, &v);
	if (rc != TRUST_OK || !v)
		return rc;
	push_key(c, key);
	if (tpolicy_parse_time(t, json_string_value(v)) != 0)
		rc = fail_at(c, false, "'%s' is not a UTC time such as 2020-09-01T00:00:00Z",
			     json_string_value(v));
	pop(c);
	*has = true;
	return rc;
}

static int parse_scope(lctx *c, json_t *scope, tpolicy_rule *r)
{
	static const char *const keys[] = { "certs", "origins", "issued_from", "issued_after",
					    "issued_before", "unless", NULL };
	static const char *const unless_words[] = { "ats-off", "ats-no-forward-secrecy", NULL };
	r->certs = TPS_LEAF | TPS_INTERMEDIATES | TPS_ANCHOR;
	r->origins = TPO_ALL;
	if (!scope)
		return TRUST_OK;
	json_t *v;
	int rc = check_keys(c, scope, keys, "a scope");
	if (rc == TRUST_OK && (rc = member(c, scope, "certs", JSON_ARRAY, false, &v)) == TRUST_OK &&
	    v) {
		push_key(c, "certs");
		rc = parse_bits(c, v, cert_words, &r->certs);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, scope, "origins", JSON_ARRAY, false, &v)) == TRUST_OK &&
	    v) {
		push_key(c, "origins");
		rc = parse_bits(c, v, origin_words, &r->origins);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, scope, "unless", JSON_ARRAY, false, &v)) == TRUST_OK &&
	    v) {
		push_key(c, "unless");
		rc = parse_bits(c, v, unless_words, &r->unless);
		pop(c);
	}
	if (rc == TRUST_OK)
		rc = parse_time_key(c, scope, "issued_from", &r->has_from, &r->from);
	if (rc == TRUST_OK)
		rc = parse_time_key(c, scope, "issued_after", &r->has_after, &r->after);
	if (rc == TRUST_OK)
		rc = parse_time_key(c, scope, "issued_before", &r->has_before, &r->before);
	if (rc == TRUST_OK && r->has_before &&
	    ((r->has_from && r->before <= r->from) || (r->has_after && r->before <= r->after + 1)))
		rc = fail_at(c, false, "the issuance window is empty (issued_before is not later)");
	return rc;
}

/* ---- rules ---- */

static int parse_rule(lctx *c, json_t *obj, tpolicy_rule *r)
{
	static const char *const keys[] = { "id", "kind", "description", "severity", "enabled",
					    "scope", "params", "remedy", "note", NULL };
	static const char *const sev_words[] = { "error", "warning", "info", NULL };
	r->enabled = true;
	r->severity = TRUST_SEV_ERROR;
	r->policy = c->layer->name;
	if (!json_is_object(obj))
		return fail_at(c, false, "a rule must be an object, not %s", type_name(obj));
	int rc = check_keys(c, obj, keys, "a rule");
	json_t *v;
	if (rc == TRUST_OK)
		rc = dup_string(c, obj, "id", true, &r->id);
	if (rc == TRUST_OK && !is_ident(r->id)) {
		push_key(c, "id");
		rc = fail_at(c, false, "'%s' is not a rule id (lower case, digits, '.', '-', '_')",
			     r->id);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, obj, "enabled", JSON_TRUE, false, &v)) == TRUST_OK &&
	    v)
		r->enabled = json_is_true(v);
	if (rc == TRUST_OK)
		rc = member(c, obj, "kind", JSON_STRING, r->enabled, &v);
	if (rc == TRUST_OK && v) {
		r->kind = tpolicy_kind_find(json_string_value(v));
		if (!r->kind) {
			char names[600];
			tpolicy_kind_names(names, sizeof(names));
			push_key(c, "kind");
			rc = fail_at(c, false, "unknown rule kind '%s' (known: %s)",
				     json_string_value(v), names);
			pop(c);
		}
	}
	if (rc == TRUST_OK && (rc = member(c, obj, "severity", JSON_STRING, false, &v)) == TRUST_OK &&
	    v) {
		const char *s = json_string_value(v);
		push_key(c, "severity");
		if (!in_words(s, sev_words))
			rc = bad_word(c, s, sev_words);
		pop(c);
		r->severity = strcmp(s, "warning") == 0 ? TRUST_SEV_WARNING
			      : strcmp(s, "info") == 0	 ? TRUST_SEV_INFO
							 : TRUST_SEV_ERROR;
	}
	if (rc == TRUST_OK)
		rc = dup_string(c, obj, "description", false, &r->description);
	if (rc == TRUST_OK)
		rc = dup_string(c, obj, "remedy", false, &r->remedy);
	if (rc == TRUST_OK)
		rc = dup_string(c, obj, "note", false, &r->note);
	if (rc == TRUST_OK && (rc = member(c, obj, "scope", JSON_OBJECT, false, &v)) == TRUST_OK) {
		push_key(c, "scope");
		rc = parse_scope(c, v, r);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, obj, "params", JSON_OBJECT, false, &v)) == TRUST_OK &&
	    r->kind) {
		push_key(c, "params");
		rc = parse_params(c, v, r);
		pop(c);
	}
	return rc;
}

/* ---- pins ---- */

/* One "SPKI-SHA256-BASE64" value: 44 base64 characters for 32 bytes. */
static int parse_pin(lctx *c, json_t *v, unsigned char out[32])
{
	if (!json_is_string(v))
		return fail_at(c, false, "a pin must be a base64 string, not %s", type_name(v));
	const char *s = json_string_value(v);
	unsigned char buf[48];
	if (strlen(s) != 44 || s[43] != '=' || s[42] == '=' ||
	    EVP_DecodeBlock(buf, (const unsigned char *)s, 44) != 33)
		return fail_at(c, false, "'%s' is not a base64 SHA-256 digest (44 characters, as "
			       "`certgen pin` prints)", s);
	memcpy(out, buf, 32);
	return TRUST_OK;
}

static int parse_pin_list(lctx *c, json_t *arr, bool ats_form, unsigned char (**out)[32],
			  size_t *n)
{
	size_t cnt = json_array_size(arr);
	*out = calloc(cnt ? cnt : 1, 32);
	if (!*out)
		return oom(c);
	for (size_t i = 0; i < cnt; i++) {
		json_t *e = json_array_get(arr, i);
		push_index(c, i);
		int rc = TRUST_OK;
		if (ats_form) {
			static const char *const keys[] = { "SPKI-SHA256-BASE64", NULL };
			json_t *b;
			if (!json_is_object(e))
				rc = fail_at(c, false, "an identity must be a dictionary holding "
					     "SPKI-SHA256-BASE64, not %s", type_name(e));
			else if ((rc = check_keys(c, e, keys, "a pinned identity")) == TRUST_OK &&
				 (rc = member(c, e, "SPKI-SHA256-BASE64", JSON_STRING, true, &b)) ==
					 TRUST_OK) {
				push_key(c, "SPKI-SHA256-BASE64");
				rc = parse_pin(c, b, (*out)[i]);
				pop(c);
			}
		} else {
			rc = parse_pin(c, e, (*out)[i]);
		}
		pop(c);
		if (rc != TRUST_OK)
			return rc;
		(*n)++;
	}
	return TRUST_OK;
}

/* Domain strings of pins and ATS exceptions: lower case, no port, no wildcard. */
static int check_domain(lctx *c, const char *d, bool at_key)
{
	size_t n = strlen(d);
	if (n == 0 || n > 253)
		return fail_at(c, at_key, "'%s' is not a domain name", d);
	for (size_t i = 0; i < n; i++) {
		char ch = d[i];
		if (ch == '*')
			return fail_at(c, at_key, "'%s': no wildcards in a domain (use "
				       "NSIncludesSubdomains / include_subdomains)", d);
		if (ch == ':' || ch == '/')
			return fail_at(c, at_key, "'%s': a domain has no port, scheme or path", d);
		if (ch >= 'A' && ch <= 'Z')
			return fail_at(c, at_key, "'%s': write domains in lower case", d);
		if (ch == ' ' || (unsigned char)ch < 0x21)
			return fail_at(c, at_key, "'%s' is not a domain name", d);
	}
	return TRUST_OK;
}

static tpin_domain *new_pin(lctx *c)
{
	tpolicy_layer *l = c->layer;
	tpin_domain *v = realloc(l->pins, (l->npins + 1) * sizeof(*v));
	if (!v)
		return NULL;
	l->pins = v;
	memset(&v[l->npins], 0, sizeof(v[0]));
	return &v[l->npins++];
}

static int parse_pins(lctx *c, json_t *arr)
{
	static const char *const keys[] = { "domain", "include_subdomains", "ca", "leaf", NULL };
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i), *v;
		push_index(c, i);
		tpin_domain *pd = NULL;
		int rc = TRUST_OK;
		if (!json_is_object(e))
			rc = fail_at(c, false, "a pin entry must be an object, not %s", type_name(e));
		else if ((rc = check_keys(c, e, keys, "a pin entry")) == TRUST_OK &&
			 !(pd = new_pin(c)))
			rc = oom(c);
		if (rc == TRUST_OK) {
			pd->from = "pins";
			rc = dup_string(c, e, "domain", true, &pd->domain);
		}
		if (rc == TRUST_OK) {
			push_key(c, "domain");
			rc = check_domain(c, pd->domain, false);
			pop(c);
		}
		if (rc == TRUST_OK &&
		    (rc = member(c, e, "include_subdomains", JSON_TRUE, false, &v)) == TRUST_OK && v)
			pd->include_subdomains = json_is_true(v);
		const char *lists[] = { "ca", "leaf" };
		for (int k = 0; k < 2 && rc == TRUST_OK; k++) {
			if ((rc = member(c, e, lists[k], JSON_ARRAY, false, &v)) != TRUST_OK || !v)
				continue;
			push_key(c, lists[k]);
			rc = k ? parse_pin_list(c, v, false, &pd->leaf, &pd->nleaf)
			       : parse_pin_list(c, v, false, &pd->ca, &pd->nca);
			pop(c);
		}
		if (rc == TRUST_OK && pd->nca == 0 && pd->nleaf == 0)
			rc = fail_at(c, false, "a pin entry needs at least one 'ca' or 'leaf' pin");
		pop(c);
		if (rc != TRUST_OK)
			return rc;
	}
	return TRUST_OK;
}

/* ---- App Transport Security ---- */

static int ats_bool(lctx *c, json_t *obj, const char *key, tats_bool *out)
{
	json_t *v;
	int rc = member(c, obj, key, JSON_TRUE, false, &v);
	*out = !v ? TATS_UNSET : json_is_true(v) ? TATS_YES : TATS_NO;
	return rc;
}

static int ats_word(lctx *c, json_t *obj, const char *key, const char *const *words, char **out)
{
	int rc = dup_string(c, obj, key, false, out);
	if (rc == TRUST_OK && *out && !in_words(*out, words)) {
		push_key(c, key);
		rc = bad_word(c, *out, words);
		pop(c);
	}
	return rc;
}

static const char *const niap_words[] = { "none", "FCP_v2.1", "recommended", NULL };

static int parse_exception(lctx *c, json_t *obj, tats_domain *d)
{
	static const char *const keys[] = {
		"NSIncludesSubdomains", "NSExceptionAllowsInsecureHTTPLoads",
		"NSExceptionMinimumTLSVersion", "NSExceptionRequiresForwardSecrecy",
		"NSRequiresCertificateTransparency", "NSExceptionRequiresNIAPTLSPackageVersion",
		NULL
	};
	static const char *const tls_words[] = { "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", NULL };
	if (!json_is_object(obj))
		return fail_at(c, false, "an exception domain must be a dictionary, not %s",
			       type_name(obj));
	int rc = check_keys(c, obj, keys, "an NSExceptionDomains entry");
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSIncludesSubdomains", &d->includes_subdomains);
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSExceptionAllowsInsecureHTTPLoads", &d->allows_insecure_http);
	if (rc == TRUST_OK)
		rc = ats_word(c, obj, "NSExceptionMinimumTLSVersion", tls_words, &d->min_tls);
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSExceptionRequiresForwardSecrecy",
			      &d->requires_forward_secrecy);
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSRequiresCertificateTransparency", &d->requires_ct);
	if (rc == TRUST_OK)
		rc = ats_word(c, obj, "NSExceptionRequiresNIAPTLSPackageVersion", niap_words,
			      &d->niap);
	return rc;
}

static int parse_pinned_domains(lctx *c, json_t *obj)
{
	static const char *const keys[] = { "NSIncludesSubdomains", "NSPinnedCAIdentities",
					    "NSPinnedLeafIdentities", NULL };
	const char *dom;
	json_t *e;
	json_object_foreach(obj, dom, e) {
		push_key(c, dom);
		tpin_domain *pd = NULL;
		json_t *v;
		int rc = check_domain(c, dom, true);
		if (rc == TRUST_OK && !json_is_object(e))
			rc = fail_at(c, false, "a pinned domain must be a dictionary, not %s",
				     type_name(e));
		if (rc == TRUST_OK && (rc = check_keys(c, e, keys, "an NSPinnedDomains entry")) ==
					      TRUST_OK && (!(pd = new_pin(c)) ||
							   !(pd->domain = strdup(dom))))
			rc = oom(c);
		if (rc == TRUST_OK) {
			pd->from = "NSPinnedDomains";
			rc = member(c, e, "NSIncludesSubdomains", JSON_TRUE, false, &v);
			pd->include_subdomains = v && json_is_true(v);
		}
		const char *lists[] = { "NSPinnedCAIdentities", "NSPinnedLeafIdentities" };
		for (int k = 0; k < 2 && rc == TRUST_OK; k++) {
			if ((rc = member(c, e, lists[k], JSON_ARRAY, false, &v)) != TRUST_OK || !v)
				continue;
			push_key(c, lists[k]);
			rc = k ? parse_pin_list(c, v, true, &pd->leaf, &pd->nleaf)
			       : parse_pin_list(c, v, true, &pd->ca, &pd->nca);
			pop(c);
		}
		if (rc == TRUST_OK && !json_object_get(e, "NSPinnedCAIdentities") &&
		    !json_object_get(e, "NSPinnedLeafIdentities"))
			rc = fail_at(c, false, "needs NSPinnedCAIdentities or NSPinnedLeafIdentities");
		pop(c);
		if (rc != TRUST_OK)
			return rc;
	}
	return TRUST_OK;
}

static int parse_ats(lctx *c, json_t *obj)
{
	static const char *const keys[] = {
		"NSAllowsArbitraryLoads", "NSAllowsArbitraryLoadsForMedia",
		"NSAllowsArbitraryLoadsInWebContent", "NSAllowsLocalNetworking",
		"NSExceptionDomains", "NSPinnedDomains", "NSRequiresNIAPTLSPackageVersion", NULL
	};
	tats_settings *a = &c->layer->ats;
	a->present = true;
	int rc = check_keys(c, obj, keys, "NSAppTransportSecurity");
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSAllowsArbitraryLoads", &a->arbitrary_loads);
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSAllowsArbitraryLoadsForMedia", &a->media);
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSAllowsArbitraryLoadsInWebContent", &a->web_content);
	if (rc == TRUST_OK)
		rc = ats_bool(c, obj, "NSAllowsLocalNetworking", &a->local_networking);
	if (rc == TRUST_OK)
		rc = ats_word(c, obj, "NSRequiresNIAPTLSPackageVersion", niap_words, &a->niap);
	json_t *v;
	if (rc == TRUST_OK &&
	    (rc = member(c, obj, "NSExceptionDomains", JSON_OBJECT, false, &v)) == TRUST_OK && v) {
		push_key(c, "NSExceptionDomains");
		size_t n = json_object_size(v);
		a->domains = calloc(n ? n : 1, sizeof(*a->domains));
		if (!a->domains)
			rc = oom(c);
		const char *dom;
		json_t *e;
		json_object_foreach(v, dom, e) {
			if (rc != TRUST_OK)
				break;
			push_key(c, dom);
			tats_domain *d = &a->domains[a->ndomains++];
			if (!(d->domain = strdup(dom)))
				rc = oom(c);
			if (rc == TRUST_OK)
				rc = check_domain(c, dom, true);
			if (rc == TRUST_OK)
				rc = parse_exception(c, e, d);
			pop(c);
		}
		pop(c);
	}
	if (rc == TRUST_OK &&
	    (rc = member(c, obj, "NSPinnedDomains", JSON_OBJECT, false, &v)) == TRUST_OK && v) {
		push_key(c, "NSPinnedDomains");
		rc = parse_pinned_domains(c, v);
		pop(c);
	}
	return rc;
}

/* ---- the file ---- */

static void free_rule(tpolicy_rule *r)
{
	free(r->id);
	free(r->remedy);
	free(r->note);
	free(r->description);
	for (size_t k = 0; k < TPOLICY_MAX_PARAMS; k++) {
		free(r->params[k].s);
		for (size_t j = 0; j < r->params[k].nv; j++)
			free(r->params[k].v[j]);
		free(r->params[k].v);
	}
}

void tpolicy_layer_unref(tpolicy_layer *l)
{
	if (!l || atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	for (size_t i = 0; i < l->nrules; i++)
		free_rule(&l->rules[i]);
	free(l->rules);
	for (size_t i = 0; i < l->ats.ndomains; i++) {
		free(l->ats.domains[i].domain);
		free(l->ats.domains[i].min_tls);
		free(l->ats.domains[i].niap);
	}
	free(l->ats.domains);
	free(l->ats.niap);
	for (size_t i = 0; i < l->npins; i++) {
		free(l->pins[i].domain);
		free(l->pins[i].ca);
		free(l->pins[i].leaf);
	}
	free(l->pins);
	free(l->name);
	free(l->description);
	free(l->source);
	free(l);
}

static int parse_rules(lctx *c, json_t *arr)
{
	tpolicy_layer *l = c->layer;
	size_t n = json_array_size(arr);
	l->rules = calloc(n ? n : 1, sizeof(*l->rules));
	if (!l->rules)
		return oom(c);
	for (size_t i = 0; i < n; i++) {
		push_index(c, i);
		tpolicy_rule *r = &l->rules[l->nrules++];
		int rc = parse_rule(c, json_array_get(arr, i), r);
		for (size_t k = 0; rc == TRUST_OK && k + 1 < l->nrules; k++)
			if (strcmp(l->rules[k].id, r->id) == 0)
				rc = fail_at(c, false, "rule id '%s' appears twice in this file", r->id);
		pop(c);
		if (rc != TRUST_OK)
			return rc;
	}
	return TRUST_OK;
}

/* An include names a file relative to the including file's directory. */
static int load_include(lctx *c, trust_policy *out, const char *name, int depth)
{
	char path[4096];
	const char *slash = strrchr(c->source, '/');
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - c->source), c->source, name);
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = tload_file(&data, &len, path, c->err);
	if (rc == TRUST_OK)
		rc = tpolicy_load(out, (const char *)data, len, path, depth + 1, c->err);
	free(data);
	return rc;
}

static int parse_top(lctx *c, trust_policy *out, json_t *root, int depth)
{
	static const char *const keys[] = { "name", "description", "base", "include",
					    "anchor_origins", "rules", "ats", "pins", NULL };
	static const char *const base_words[] = { "rfc5280", "tls-server", "tls-client", "webpki",
						  NULL };
	tpolicy_layer *l = c->layer;
	if (!json_is_object(root))
		return fail_at(c, false, "a policy file holds one JSON object, not %s",
			       type_name(root));
	int rc = check_keys(c, root, keys, "a policy file");
	json_t *v;
	if (rc == TRUST_OK)
		rc = dup_string(c, root, "name", true, &l->name);
	if (rc == TRUST_OK && !is_ident(l->name)) {
		push_key(c, "name");
		rc = fail_at(c, false, "'%s' is not a policy name (lower case, digits, '.', '-', '_')",
			     l->name);
		pop(c);
	}
	if (rc == TRUST_OK)
		rc = dup_string(c, root, "description", false, &l->description);
	if (rc == TRUST_OK && (rc = member(c, root, "base", JSON_STRING, false, &v)) == TRUST_OK &&
	    v) {
		const char *b = json_string_value(v);
		push_key(c, "base");
		if (!in_words(b, base_words))
			rc = bad_word(c, b, base_words);
		pop(c);
		l->base = strcmp(b, "rfc5280") == 0	 ? TRUST_POLICY_RFC5280
			  : strcmp(b, "tls-client") == 0 ? TRUST_POLICY_TLS_CLIENT
			  : strcmp(b, "webpki") == 0	 ? TPOLICY_BASE_WEBPKI
							 : TRUST_POLICY_TLS_SERVER;
	}
	if (rc == TRUST_OK &&
	    (rc = member(c, root, "anchor_origins", JSON_ARRAY, false, &v)) == TRUST_OK && v) {
		push_key(c, "anchor_origins");
		rc = parse_bits(c, v, origin_words, &l->anchor_origins);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, root, "rules", JSON_ARRAY, false, &v)) == TRUST_OK &&
	    v) {
		push_key(c, "rules");
		rc = parse_rules(c, v);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, root, "ats", JSON_OBJECT, false, &v)) == TRUST_OK && v) {
		push_key(c, "ats");
		rc = parse_ats(c, v);
		pop(c);
	}
	if (rc == TRUST_OK && (rc = member(c, root, "pins", JSON_ARRAY, false, &v)) == TRUST_OK &&
	    v) {
		push_key(c, "pins");
		rc = parse_pins(c, v);
		pop(c);
	}
	/* Includes go below this file in the stack, so they load first. */
	if (rc == TRUST_OK && (rc = member(c, root, "include", JSON_ARRAY, false, &v)) == TRUST_OK &&
	    v) {
		push_key(c, "include");
		for (size_t i = 0; rc == TRUST_OK && i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);
			push_index(c, i);
			if (!json_is_string(e))
				rc = fail_at(c, false, "must be a file name, not %s", type_name(e));
			else if (depth >= MAX_INCLUDE_DEPTH)
				rc = fail_at(c, false, "includes nest deeper than %d files (a cycle?)",
					     MAX_INCLUDE_DEPTH);
			else
				rc = load_include(c, out, json_string_value(e), depth);
			pop(c);
		}
		pop(c);
	}
	return rc;
}

int tpolicy_load(trust_policy *out, const char *text, size_t len, const char *source, int depth,
		 trust_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return terr_set(err, TRUST_EPARSE, "%s:%d:%d: %s", source, je.line, je.column,
				je.text);
	tpolicy_layer *l = calloc(1, sizeof(*l));
	lctx c = { .text = text, .len = len, .source = source, .err = err, .layer = l };
	int rc = TRUST_OK;
	if (!l || !(l->source = strdup(source)))
		rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", source);
	if (l) {
		atomic_init(&l->refs, 1);
		l->base = -1;
		l->anchor_origins = TPO_ALL;
		l->ats.arbitrary_loads = l->ats.media = l->ats.web_content =
			l->ats.local_networking = TATS_UNSET;
	}
	if (rc == TRUST_OK)
		rc = parse_top(&c, out, root, depth);
	json_decref(root);
	if (rc == TRUST_OK)
		rc = tpolicy_push_layer(out, l);
	tpolicy_layer_unref(l);
	return rc;
}
