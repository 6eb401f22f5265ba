/*
 * Declarative hierarchies (docs/fixtures.md): a JSON document lists
 * certificates by name, each naming its issuer, and the files to write.
 * Parsing is strict: an unknown key, a wrong type or a dangling name is an
 * error naming the document and the place, and nothing is written.
 */
#include "certgen.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct fx_cert {
	const char *name;
	json_t *def;        /* borrowed from the document */
	EVP_PKEY *key;
	X509 *cert;
	char serial[80];
	int state;          /* 0 not built, 1 building (cycle check), 2 built */
} fx_cert;

typedef struct fx_ctx {
	const char *src;    /* document name for messages */
	const char *where;  /* case name for messages, or NULL */
	fx_cert *c;
	size_t n;
	int64_t now;
} fx_ctx;

static const char *const cert_keys[] = {
	"name", "issuer", "subject", "key", "key_of", "profile", "pathlen", "san", "eku",
	"key_usage", "name_constraints", "validity", "digest", "defects", "ski_of", "revoked",
	"comment", NULL
};

/* Prints "certgen: SRC: [CASE: ]message" and returns -1. */
static int fx_err(const fx_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fx_err(const fx_ctx *x, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cg_fail(CG_USAGE, "%s: %s%s%s", x->src, x->where ? x->where : "", x->where ? ": " : "", msg);
	return -1;
}

int cg_fx_known_keys(const char *src, const char *what, void *json, const char *const *keys)
{
	json_t *obj = json, *v;
	const char *k;
	if (!json_is_object(obj))
		return cg_fail(CG_USAGE, "%s: %s must be an object", src, what);
	json_object_foreach(obj, k, v) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], k) != 0)
			i++;
		if (!keys[i])
			return cg_fail(CG_USAGE, "%s: %s: unknown key '%s'", src, what, k);
	}
	return CG_OK;
}

static fx_cert *find(fx_ctx *x, const char *name)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->c[i].name, name) == 0)
			return &x->c[i];
	return NULL;
}

/* A string member, or NULL when absent or null; -1 on a wrong type. */
static int get_str(fx_ctx *x, fx_cert *c, const char *k, const char **out)
{
	json_t *v = json_object_get(c->def, k);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fx_err(x, "certificate '%s': %s must be a string", c->name, k);
	*out = json_string_value(v);
	return 0;
}

/* Joins an array of strings with sep into buf; -1 on a wrong type or overflow. */
static int join(fx_ctx *x, fx_cert *c, const char *k, json_t *arr, const char *sep, char *buf,
		size_t n)
{
	size_t i;
	json_t *v;
	buf[0] = '\0';
	if (!json_is_array(arr))
		return fx_err(x, "certificate '%s': %s must be an array of strings", c->name, k);
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		size_t len = strlen(buf);
		if (!s || !*s || strpbrk(s, ",\n") ||
		    snprintf(buf + len, n - len, "%s%s", i ? sep : "", s) >= (int)(n - len))
			return fx_err(x, "certificate '%s': %s[%zu] must be a non-empty string without "
					 "commas", c->name, k, i);
	}
	return 0;
}

/* "now", "now-31d", "now+1h", or an RFC 3339 time. */
static bool parse_when(const char *s, int64_t now, int64_t *out)
{
	if (strncmp(s, "now", 3) != 0)
		return cg_parse_rfc3339(s, out);
	if (!s[3]) {
		*out = now;
		return true;
	}
	if (s[3] != '+' && s[3] != '-')
		return false;
	char *end = NULL;
	long long v = strtoll(s + 4, &end, 10);
	if (end == s + 4 || !isdigit((unsigned char)s[4]) || v > 365LL * 200 * 86400 || end[0] == '\0' ||
	    end[1] != '\0')
		return false;
	int64_t unit = end[0] == 'd' ? 86400 : end[0] == 'h' ? 3600 : end[0] == 'm' ? 60
		     : end[0] == 's' ? 1 : 0;
	if (!unit)
		return false;
	*out = now + (s[3] == '-' ? -1 : 1) * (int64_t)v * unit;
	return true;
}

static int validity(fx_ctx *x, fx_cert *c, cg_spec *s)
{
	static const char *const keys[] = { "not_before", "not_after", "days", NULL };
	json_t *v = json_object_get(c->def, "validity");
	long days = s->profile == CG_PROF_ROOT ? CG_DAYS_ROOT : s->profile == CG_PROF_CA ?
		    CG_DAYS_INTERMEDIATE : 90;
	s->not_before = x->now - CG_BACKDATE_SECONDS;
	bool nb = false, na = false;
	if (v && !json_is_null(v)) {
		char what[300];
		snprintf(what, sizeof what, "certificate '%s': validity", c->name);
		if (cg_fx_known_keys(x->src, what, v, keys) != CG_OK)
			return -1;
		json_t *d = json_object_get(v, "days");
		if (d && (!json_is_integer(d) || json_integer_value(d) < 1 ||
			  json_integer_value(d) > 36500))
			return fx_err(x, "%s.days must be an integer from 1 to 36500", what);
		if (d)
			days = (long)json_integer_value(d);
		static const char *const tk[] = { "not_before", "not_after" };
		for (int i = 0; i < 2; i++) {
			json_t *t = json_object_get(v, tk[i]);
			if (!t)
				continue;
			if (!json_is_string(t) ||
			    !parse_when(json_string_value(t), x->now, i ? &s->not_after : &s->not_before))
				return fx_err(x, "%s.%s must be an RFC 3339 time or now[+-]N(d|h|m|s)",
					      what, tk[i]);
			*(i ? &na : &nb) = true;
		}
		if (d && nb && na)
			return fx_err(x, "%s: give days or not_before and not_after, not all three",
				      what);
	}
	if (!na)
		s->not_after = s->not_before + days * 86400;
	else if (!nb && json_object_get(v, "days"))
		s->not_before = s->not_after - days * 86400;
	if (s->not_after <= s->not_before)
		return fx_err(x, "certificate '%s': notAfter is not after notBefore", c->name);
	return 0;
}

/* "/O=Example/CN=Root" -> X509_NAME; an empty string is an empty name. */
static X509_NAME *parse_dn(fx_ctx *x, fx_cert *c, const char *dn)
{
	X509_NAME *name = X509_NAME_new();
	char *copy = strdup(dn);
	bool ok = name && copy && (dn[0] == '/' || dn[0] == '\0');
	char *save = NULL;
	for (char *part = ok ? strtok_r(copy, "/", &save) : NULL; ok && part;
	     part = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(part, '=');
		if (!eq || eq == part || !eq[1]) {
			ok = false;
			break;
		}
		*eq = '\0';
		ok = X509_NAME_add_entry_by_txt(name, part, MBSTRING_UTF8, (unsigned char *)eq + 1, -1,
						-1, 0) == 1;
	}
	free(copy);
	if (!ok) {
		fx_err(x, "certificate '%s': subject '%s' is not of the form /O=Example/CN=Name", c->name,
		       dn);
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

/* Index of v in a NULL-terminated list of names, -1 if absent. */
static int index_of(const char *const *names, const char *v)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], v) == 0)
			return i;
	return -1;
}

static const char *const defect_names[] = { "bad-signature", "basic-constraints-not-critical",
					    "no-basic-constraints", "no-san", "no-ski", "no-aki", "v1",
					    NULL };
static const size_t defect_fields[] = {
	offsetof(cg_spec, corrupt_signature), offsetof(cg_spec, bc_noncritical),
	offsetof(cg_spec, no_bc), offsetof(cg_spec, no_san), offsetof(cg_spec, no_ski),
	offsetof(cg_spec, no_aki), offsetof(cg_spec, v1),
};

static int set_defects(fx_ctx *x, fx_cert *c, cg_spec *s)
{
	json_t *arr = json_object_get(c->def, "defects"), *v;
	size_t i;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fx_err(x, "certificate '%s': defects must be an array", c->name);
	json_array_foreach(arr, i, v) {
		const char *d = json_string_value(v);
		int k = d ? index_of(defect_names, d) : -1;
		if (k < 0)
			return fx_err(x, "certificate '%s': unknown defect '%s' (docs/fixtures.md lists "
					 "them)", c->name, d ? d : "?");
		*(bool *)((char *)s + defect_fields[k]) = true;
	}
	return 0;
}

static int name_constraints(fx_ctx *x, fx_cert *c, char *nc, size_t n)
{
	static const char *const keys[] = { "permitted", "excluded", NULL };
	json_t *v = json_object_get(c->def, "name_constraints");
	snprintf(nc, n, "critical");
	if (!v)
		return 0;
	char what[300];
	snprintf(what, sizeof what, "certificate '%s': name_constraints", c->name);
	if (cg_fx_known_keys(x->src, what, v, keys) != CG_OK)
		return -1;
	for (int k = 0; keys[k]; k++) {
		json_t *arr = json_object_get(v, keys[k]), *e;
		size_t i;
		if (arr && !json_is_array(arr))
			return fx_err(x, "%s.%s must be an array", what, keys[k]);
		json_array_foreach(arr, i, e) {
			const char *s = json_string_value(e), *colon = s ? strchr(s, ':') : NULL;
			char type[8], net[80] = "";
			if (colon && (size_t)(colon - s) < sizeof type) {
				memcpy(type, s, (size_t)(colon - s));
				type[colon - s] = '\0';
			}
			if (!colon || (size_t)(colon - s) >= sizeof type ||
			    (strcmp(type, "DNS") != 0 && strcmp(type, "IP") != 0 &&
			     strcmp(type, "email") != 0 && strcmp(type, "URI") != 0) ||
			    !cg_nc_add(nc, n, keys[k], type, colon + 1, net, sizeof net))
				return fx_err(x, "%s.%s[%zu] must be DNS:name, IP:cidr, email:x or URI:host%s%s",
					      what, keys[k], i, net[0] ? "; the network is " : "", net);
		}
	}
	return 0;
}

static const char *const profile_names[] = { "root", "ca", "server", "client", "none", NULL };
static const cg_profile profile_values[] = { CG_PROF_ROOT, CG_PROF_CA, CG_PROF_SERVER,
					     CG_PROF_CLIENT, CG_PROF_NONE };
static const char *const digest_names[] = { "sha256", "sha384", "sha512", "sha1", NULL };
static const EVP_MD *(*const digest_values[])(void) = { EVP_sha256, EVP_sha384, EVP_sha512,
							 EVP_sha1 };

/* Text the spec points into while one certificate is built. */
typedef struct fx_bufs {
	char san[8192], eku[512], ku[512], nc[4096], ski[160];
} fx_bufs;

static int build(fx_ctx *x, fx_cert *c);

/* The key of a certificate: its own (generated once) or the one of key_of. */
static EVP_PKEY *key_of(fx_ctx *x, fx_cert *c, int depth)
{
	if (c->key)
		return c->key;
	const char *other, *type;
	if (depth > 8 || get_str(x, c, "key_of", &other) != 0 || get_str(x, c, "key", &type) != 0)
		return NULL;
	if (other && type) {
		fx_err(x, "certificate '%s': give key or key_of, not both", c->name);
		return NULL;
	}
	if (other) {
		fx_cert *o = find(x, other);
		if (!o) {
			fx_err(x, "certificate '%s': key_of names no certificate '%s'", c->name, other);
			return NULL;
		}
		EVP_PKEY *k = key_of(x, o, depth + 1);
		if (k && EVP_PKEY_up_ref(k))
			c->key = k;
		return c->key;
	}
	if (!type)
		type = "ec256";
	if (!cg_key_type_ok(type) && strcmp(type, "rsa1024") != 0) {
		fx_err(x, "certificate '%s': key '%s' is not ec256, ec384, rsa2048, rsa3072, rsa4096, "
			  "ed25519 or rsa1024", c->name, type);
		return NULL;
	}
	return c->key = cg_key_new(type);
}

static int make_spec(fx_ctx *x, fx_cert *c, cg_spec *s, fx_bufs *b)
{
	const char *is_name, *prof, *dig;
	json_t *v;
	if (get_str(x, c, "issuer", &is_name) != 0 || get_str(x, c, "profile", &prof) != 0 ||
	    get_str(x, c, "digest", &dig) != 0)
		return -1;
	fx_cert *is = is_name ? find(x, is_name) : NULL;
	if (is_name && !is)
		return fx_err(x, "certificate '%s': issuer '%s' is not in the document", c->name,
			      is_name);
	if (is && build(x, is) != 0)
		return -1;
	if (!(s->key = key_of(x, c, 0)))
		return -1;
	s->issuer = is ? is->cert : NULL;
	s->issuer_key = is ? is->key : NULL;
	s->profile = is ? CG_PROF_SERVER : CG_PROF_ROOT;
	int k = prof ? index_of(profile_names, prof) : 0;
	if (k < 0)
		return fx_err(x, "certificate '%s': profile must be root, ca, server, client or none",
			      c->name);
	if (prof)
		s->profile = profile_values[k];
	k = dig ? index_of(digest_names, dig) : 0;
	if (k < 0)
		return fx_err(x, "certificate '%s': digest must be sha256, sha384, sha512 or sha1",
			      c->name);
	if (dig)
		s->md = digest_values[k]();
	if ((v = json_object_get(c->def, "pathlen")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 32)
			return fx_err(x, "certificate '%s': pathlen must be an integer from 0 to 32",
				      c->name);
		s->pathlen = (long)json_integer_value(v);
	}
	if ((v = json_object_get(c->def, "san")) != NULL) {
		if (join(x, c, "san", v, "\n", b->san, sizeof b->san) != 0)
			return -1;
		s->san = b->san;
	}
	if ((v = json_object_get(c->def, "eku")) != NULL) {
		if (join(x, c, "eku", v, ",", b->eku, sizeof b->eku) != 0)
			return -1;
		s->eku = b->eku;
	}
	if ((v = json_object_get(c->def, "key_usage")) != NULL) {
		memcpy(b->ku, "critical,", 10);
		if (join(x, c, "key_usage", v, ",", b->ku + 9, sizeof b->ku - 9) != 0)
			return -1;
		s->ku = b->ku[9] ? b->ku : "";
	}
	if (name_constraints(x, c, b->nc, sizeof b->nc) != 0)
		return -1;
	s->nc = strcmp(b->nc, "critical") == 0 ? NULL : b->nc;
	const char *ski_of;
	if (get_str(x, c, "ski_of", &ski_of) != 0)
		return -1;
	if (ski_of) {
		fx_cert *o = find(x, ski_of);
		const ASN1_OCTET_STRING *id = o && build(x, o) == 0 ? X509_get0_subject_key_id(o->cert)
								   : NULL;
		char *hex = id ? cg_hex(ASN1_STRING_get0_data(id), (size_t)ASN1_STRING_length(id)) : NULL;
		if (!hex)
			return fx_err(x, "certificate '%s': ski_of '%s' names no certificate with a "
					 "subjectKeyIdentifier", c->name, ski_of);
		snprintf(b->ski, sizeof b->ski, "%s", hex);
		free(hex);
		s->ski = b->ski;
	}
	return set_defects(x, c, s) != 0 || validity(x, c, s) != 0 ? -1 : 0;
}

static int build(fx_ctx *x, fx_cert *c)
{
	if (c->state == 2)
		return 0;
	if (c->state == 1)
		return fx_err(x, "certificate '%s' is its own issuer through a cycle of issuer names; a "
				 "cross-signed loop needs a self-signed start (docs/fixtures.md)",
			      c->name);
	c->state = 1;
	fx_bufs *b = calloc(1, sizeof *b);
	const char *dn;
	cg_spec s = CG_SPEC_INIT;
	int rc = b ? make_spec(x, c, &s, b) : -1;
	if (rc == 0 && get_str(x, c, "subject", &dn) != 0)
		rc = -1;
	X509_NAME *subject = NULL;
	if (rc == 0) {
		char def[300];
		snprintf(def, sizeof def, "/CN=%s", c->name);
		subject = parse_dn(x, c, dn ? dn : def);
		rc = subject ? 0 : -1;
	}
	if (rc == 0) {
		s.subject = subject;
		s.cn = c->name;
		c->cert = cg_build(&s, c->serial);
		rc = c->cert ? 0 : -1;
	}
	X509_NAME_free(subject);
	free(b);
	c->state = rc == 0 ? 2 : 0;
	return rc;
}

/* ---- files ---- */

static int file_certs(fx_ctx *x, json_t *arr, const char *path, char **out, size_t *len)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	size_t i;
	json_t *v;
	int rc = sk && json_is_array(arr) ? 0 : -1;
	if (rc != 0)
		fx_err(x, "file '%s': certs must be an array of certificate names", path);
	json_array_foreach(arr, i, v) {
		fx_cert *c = json_is_string(v) ? find(x, json_string_value(v)) : NULL;
		if (rc == 0 && !c)
			rc = fx_err(x, "file '%s': certs[%zu] names no certificate", path, i);
		if (rc == 0 && (build(x, c) != 0 || !X509_up_ref(c->cert)))
			rc = -1;
		if (rc == 0 && !sk_X509_push(sk, c->cert)) {
			X509_free(c->cert);
			rc = -1;
		}
	}
	*out = rc == 0 ? cg_pem_join(NULL, sk, len) : NULL;
	sk_X509_pop_free(sk, X509_free);
	return *out ? 0 : -1;
}

/* CRLs (v2, number 1) of the named issuers, concatenated, listing what the document revokes. */
static int file_crls(fx_ctx *x, json_t *arr, long days, const char *path, char **out, size_t *len)
{
	size_t i, total = 0;
	json_t *v;
	char *all = calloc(1, 1);
	int rc = all && json_is_array(arr) ? 0
		 : fx_err(x, "file '%s': crl must be an array of issuer names", path);
	json_array_foreach(arr, i, v) {
		fx_cert *is = json_is_string(v) ? find(x, json_string_value(v)) : NULL;
		if (rc != 0)
			break;
		if (!is || build(x, is) != 0) {
			rc = is ? -1 : fx_err(x, "file '%s': crl[%zu] names no certificate", path, i);
			break;
		}
		cg_entry *ents = calloc(x->n + 1, sizeof *ents);
		const cg_entry **list = calloc(x->n + 1, sizeof *list);
		size_t nrev = 0;
		for (size_t k = 0; ents && list && k < x->n; k++) {
			fx_cert *c = &x->c[k];
			json_t *r = json_object_get(c->def, "revoked");
			const char *iss = json_string_value(json_object_get(c->def, "issuer"));
			if (!r || !iss || strcmp(iss, is->name) != 0 || build(x, c) != 0)
				continue;
			ents[nrev].serial = c->serial;
			ents[nrev].reason = (char *)json_string_value(r);
			ents[nrev].revoked_at = x->now - 3600;
			list[nrev] = &ents[nrev];
			nrev++;
		}
		X509_CRL *crl = ents && list ? cg_crl_build(is->cert, is->key, list, nrev, 1, days) : NULL;
		size_t n = 0;
		char *pem = crl ? cg_crl_pem(crl, &n) : NULL;
		char *grown = pem ? realloc(all, total + n + 1) : NULL;
		if (grown) {
			memcpy(grown + total, pem, n + 1);
			total += n;
			all = grown;
		} else {
			rc = -1;
		}
		free(pem);
		X509_CRL_free(crl);
		free(ents);
		free(list);
	}
	if (rc != 0) {
		free(all);
		all = NULL;
	}
	*out = all;
	*len = total;
	return rc;
}

static bool path_ok(const char *p)
{
	if (!*p || p[0] == '/' || strstr(p, "//"))
		return false;
	for (const char *s = p; *s; s = strchr(s, '/') ? strchr(s, '/') + 1 : s + strlen(s))
		if (strncmp(s, "..", 2) == 0 && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

/* 0 written, 1 refused (a file exists), -1 error; every entry is checked before any is written. */
static int write_files(const cg_opts *o, fx_ctx *x, json_t *files, const char *outdir,
		       const char *sub)
{
	static const char *const keys[] = { "path", "certs", "key", "crl", "crl_days", "comment", NULL };
	size_t i;
	json_t *f;
	if (!json_is_array(files))
		return fx_err(x, "files must be an array");
	json_array_foreach(files, i, f) {
		char what[64];
		snprintf(what, sizeof what, "files[%zu]", i);
		if (cg_fx_known_keys(x->src, what, f, keys) != CG_OK)
			return -1;
		const char *p = json_string_value(json_object_get(f, "path"));
		int kinds = !!json_object_get(f, "certs") + !!json_object_get(f, "key") +
			    !!json_object_get(f, "crl");
		if (!p || !path_ok(p) || kinds != 1)
			return fx_err(x, "%s needs a relative path (no '..') and one of certs, key or crl",
				      what);
		json_t *names = json_object_get(f, "certs") ? json_object_get(f, "certs")
			      : json_object_get(f, "crl");
		json_t *one = json_object_get(f, "key"), *nm;
		size_t k;
		if (one && (!json_is_string(one) || !find(x, json_string_value(one))))
			return fx_err(x, "file '%s': key names no certificate", p);
		if (names && !json_is_array(names))
			return fx_err(x, "file '%s': certs and crl are arrays of names", p);
		json_array_foreach(names, k, nm)
			if (!json_is_string(nm) || !find(x, json_string_value(nm)))
				return fx_err(x, "file '%s': [%zu] names no certificate", p, k);
		char full[8192];
		snprintf(full, sizeof full, "%s%s%s/%s", outdir, sub ? "/" : "", sub ? sub : "", p);
		if (!o->force && cg_exists(full)) {
			fx_err(x, "%s already exists; use --force to replace it", full);
			return 1;
		}
	}
	json_array_foreach(files, i, f) {
		const char *p = json_string_value(json_object_get(f, "path"));
		json_t *crld = json_object_get(f, "crl_days");
		char full[8192], *data = NULL;
		size_t len = 0;
		int mode = 0644, rc;
		snprintf(full, sizeof full, "%s%s%s/%s", outdir, sub ? "/" : "", sub ? sub : "", p);
		if (json_object_get(f, "certs")) {
			rc = file_certs(x, json_object_get(f, "certs"), p, &data, &len);
		} else if (json_object_get(f, "key")) {
			fx_cert *c = find(x, json_string_value(json_object_get(f, "key")) ?
						    json_string_value(json_object_get(f, "key")) : "");
			rc = c && build(x, c) == 0 ? 0 : c ? -1 : fx_err(x, "file '%s': key names no "
										 "certificate", p);
			data = rc == 0 ? cg_key_pem(c->key, &len) : NULL;
			rc = data ? 0 : -1;
			mode = 0600;
		} else {
			if (crld && (!json_is_integer(crld) || json_integer_value(crld) < 1))
				return fx_err(x, "file '%s': crl_days must be a positive integer", p);
			rc = file_crls(x, json_object_get(f, "crl"), crld ? (long)json_integer_value(crld) : 7,
				       p, &data, &len);
		}
		char dir[8192];
		snprintf(dir, sizeof dir, "%s", full);
		*strrchr(dir, '/') = '\0';
		if (rc == 0 && cg_mkdirs(dir) != 0)
			rc = -1;
		if (rc == 0)
			rc = cg_write_file(full, data, len, mode, o->force);
		if (data && mode == 0600)
			OPENSSL_cleanse(data, len);
		free(data);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int cg_fx_subst(void *json, void *vars_json, char unknown[64])
{
	json_t *v = json, *vars = vars_json;
	if (json_is_object(v) || json_is_array(v)) {
		const char *k;
		json_t *e;
		size_t i;
		if (json_is_object(v)) {
			json_object_foreach(v, k, e)
				if (cg_fx_subst(e, vars, unknown) != 0)
					return -1;
		} else {
			json_array_foreach(v, i, e)
				if (cg_fx_subst(e, vars, unknown) != 0)
					return -1;
		}
		return 0;
	}
	const char *s = json_string_value(v);
	if (!s || !strstr(s, "${") || !vars)
		return 0;
	char out[4096];
	size_t j = 0;
	for (const char *p = s; *p && j < sizeof out - 1;) {
		const char *end = strncmp(p, "${", 2) == 0 ? strchr(p, '}') : NULL;
		if (end) {
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)(end - p - 2), p + 2);
			const char *val = json_string_value(json_object_get(vars, name));
			if (!val) {
				memcpy(unknown, name, 64);
				return -1;
			}
			j += (size_t)snprintf(out + j, sizeof out - j, "%s", val);
			if (j >= sizeof out) {
				memcpy(unknown, "(a value too long)", 19);
				return -1;
			}
			p = end + 1;
		} else {
			out[j++] = *p++;
		}
	}
	out[j] = '\0';
	return json_string_set(v, out) == 0 ? 0 : -1;
}

int cg_fx_build(const cg_opts *o, const char *src, const char *where, void *certs_json,
		void *files_json, void *vars_json, const char *outdir, const char *sub)
{
	json_t *certs = certs_json, *files = files_json, *vars = vars_json;
	fx_ctx x = { .src = src, .where = where, .now = ttime_now() };
	size_t i;
	json_t *c;
	char unknown[64] = "";
	if (vars && (cg_fx_subst(certs, vars, unknown) != 0 || cg_fx_subst(files, vars, unknown) != 0)) {
		fx_err(&x, "unknown variable ${%s}; define it in vars or with --var", unknown);
		return CG_USAGE;
	}
	if (!json_is_array(certs) || json_array_size(certs) == 0) {
		fx_err(&x, "certificates must be a non-empty array");
		return CG_USAGE;
	}
	x.c = calloc(json_array_size(certs), sizeof *x.c);
	if (!x.c)
		return CG_USAGE;
	int rc = CG_OK;
	json_array_foreach(certs, i, c) {
		char what[64];
		snprintf(what, sizeof what, "certificates[%zu]", i);
		if (cg_fx_known_keys(src, what, c, cert_keys) != CG_OK) {
			rc = CG_USAGE;
			break;
		}
		const char *name = json_string_value(json_object_get(c, "name"));
		if (!name || !*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						     "0123456789._-") != strlen(name)) {
			rc = CG_USAGE;
			fx_err(&x, "%s needs a name of letters, digits, '.', '_' and '-'", what);
			break;
		}
		if (find(&x, name)) {
			rc = CG_USAGE;
			fx_err(&x, "%s: the name '%s' is used twice", what, name);
			break;
		}
		json_t *r = json_object_get(c, "revoked");
		if (r && (!json_is_string(r) || cg_reason_code(json_string_value(r)) < 0)) {
			rc = CG_USAGE;
			fx_err(&x, "%s: revoked must be a CRL reason such as keyCompromise", what);
			break;
		}
		x.c[x.n].name = name;
		x.c[x.n++].def = c;
	}
	/* Build everything first: a document with one bad certificate writes nothing. */
	for (i = 0; rc == CG_OK && i < x.n; i++)
		if (build(&x, &x.c[i]) != 0)
			rc = CG_USAGE;
	int w = rc == CG_OK ? write_files(o, &x, files, outdir, sub) : 0;
	if (w != 0)
		rc = w > 0 ? CG_REFUSED : CG_USAGE;
	for (i = 0; i < x.n; i++) {
		EVP_PKEY_free(x.c[i].key);
		X509_free(x.c[i].cert);
	}
	free(x.c);
	return rc;
}
