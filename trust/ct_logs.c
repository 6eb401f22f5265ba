/*
 * CT log lists in the JSON format the public lists use (Google's log_list v3
 * schema, which Apple's current_log_list.json shares):
 *
 *   { "operators": [ { "name": "...",
 *       "logs":       [ { "description", "log_id", "key", "state", "temporal_interval", ... } ],
 *       "tiled_logs": [ ...the same fields, for static-ct-api logs... ] } ] }
 *
 * "key" is the base64 DER SubjectPublicKeyInfo and "log_id" the base64
 * SHA-256 of it; "state" holds one of pending, qualified, usable, readonly,
 * retired or rejected with its "timestamp"; "temporal_interval" bounds the
 * notAfter of the certificates a sharded log accepts.  Other keys are
 * ignored, as the schema lets lists grow.  The keys also go into an OpenSSL
 * CTLOG_STORE so that SCT_validate checks the signatures: OpenSSL can fill a
 * store only from its own configuration format, which is written to an
 * anonymous in-memory file (memfd) and loaded from there.
 */
#define _GNU_SOURCE
#include "ct.h"
#include "policy.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TCT_MAX_LOGS 4096
#define TCT_MAX_KEY_B64 4096

static const char *const state_names[] = { "pending", "qualified", "usable",
					   "readonly", "retired",  "rejected" };

bool tct_log_current(const tct_log *l)
{
	return l->state == TCT_QUALIFIED || l->state == TCT_USABLE || l->state == TCT_READONLY;
}

/* "2024-01-01T00:00:00Z", fractional seconds allowed (and dropped). */
static int parse_time(int64_t *out, const char *s)
{
	char buf[32];
	size_t n = strlen(s);
	const char *dot = strchr(s, '.');
	if (n >= sizeof buf)
		return -1;
	if (dot) {
		size_t k = (size_t)(dot - s);
		const char *q = dot + 1;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q == dot + 1 || strcmp(q, "Z") != 0)
			return -1;
		memcpy(buf, s, k);
		strcpy(buf + k, "Z");
		s = buf;
	}
	return tpolicy_parse_time(out, s);
}

typedef struct lctx {
	const char *source;
	trust_error *err;
	trust_ct_logs *l;
	char *conf;                /* OpenSSL CT configuration being written */
	size_t conf_len, conf_cap;
} lctx;

static int bad(lctx *c, const char *where, const char *fmt, const char *arg)
{
	char what[256];
	snprintf(what, sizeof what, fmt, arg ? arg : "");
	return terr_set(c->err, TRUST_EPARSE, "%s: %s: %s", c->source, where, what);
}

static int conf_add(lctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int conf_add(lctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (w < 0)
		return terr_set(c->err, TRUST_EINTERNAL, "CT log list: formatting failed");
	if (c->conf_len + (size_t)w + 1 > c->conf_cap) {
		size_t cap = (c->conf_cap + (size_t)w + 1) * 2;
		char *n = realloc(c->conf, cap);
		if (!n)
			return terr_set(c->err, TRUST_ENOMEM, "out of memory");
		c->conf = n;
		c->conf_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(c->conf + c->conf_len, (size_t)w + 1, fmt, ap);
	va_end(ap);
	c->conf_len += (size_t)w;
	return TRUST_OK;
}

static const char *opt_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int read_state(lctx *c, const char *where, json_t *st, tct_log *log)
{
	log->state = TCT_PENDING;
	if (!st)
		return TRUST_OK;
	if (!json_is_object(st) || json_object_size(st) != 1)
		return bad(c, where, "\"state\" must be an object with one state%s", NULL);
	const char *name = NULL;
	json_t *v = NULL;
	json_object_foreach(st, name, v) {
		break;
	}
	size_t k = 0;
	while (k < sizeof state_names / sizeof state_names[0] && strcmp(state_names[k], name) != 0)
		k++;
	if (k == sizeof state_names / sizeof state_names[0])
		return bad(c, where, "unknown log state '%s'", name);
	log->state = (tct_state)k;
	const char *ts = json_is_object(v) ? opt_str(v, "timestamp") : NULL;
	if (ts && parse_time(&log->state_at, ts) != 0)
		return bad(c, where, "state timestamp '%s' is not an RFC 3339 UTC time", ts);
	if (!ts && (log->state == TCT_READONLY || log->state == TCT_RETIRED))
		return bad(c, where, "a %s log needs its state timestamp", name);
	return TRUST_OK;
}

static int read_interval(lctx *c, const char *where, json_t *ti, tct_log *log)
{
	if (!ti)
		return TRUST_OK;
	const char *s = json_is_object(ti) ? opt_str(ti, "start_inclusive") : NULL;
	const char *e = json_is_object(ti) ? opt_str(ti, "end_exclusive") : NULL;
	if (!s || !e || parse_time(&log->start, s) != 0 || parse_time(&log->end, e) != 0)
		return bad(c, where, "\"temporal_interval\" needs RFC 3339 start_inclusive and "
			   "end_exclusive%s", NULL);
	log->has_interval = true;
	return TRUST_OK;
}

static int read_log(lctx *c, json_t *o, const char *op_name, size_t op_index, bool rfc6962,
		    const char *where)
{
	trust_ct_logs *l = c->l;
	if (!json_is_object(o))
		return bad(c, where, "a log must be an object%s", NULL);
	if (l->n >= TCT_MAX_LOGS)
		return terr_set(c->err, TRUST_ELIMIT, "%s: more than %d logs", c->source,
				TCT_MAX_LOGS);
	const char *key = opt_str(o, "key"), *id = opt_str(o, "log_id");
	if (!key || !key[0] || strlen(key) > TCT_MAX_KEY_B64 ||
	    strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
		    strlen(key))
		return bad(c, where, "\"key\" must be a base64 public key%s", NULL);
	CTLOG *ct = NULL;
	if (CTLOG_new_from_base64(&ct, key, "log") != 1) {
		ERR_clear_error();
		return bad(c, where, "\"key\" is not a base64 DER SubjectPublicKeyInfo%s", NULL);
	}
	tct_log *log = &l->v[l->n];
	memset(log, 0, sizeof *log);
	const uint8_t *raw = NULL;
	size_t raw_len = 0;
	CTLOG_get0_log_id(ct, &raw, &raw_len);
	memcpy(log->id, raw, raw_len < 32 ? raw_len : 32);
	CTLOG_free(ct);
	char want[48];
	EVP_EncodeBlock((unsigned char *)want, log->id, 32);
	if (id && strcmp(id, want) != 0)
		return bad(c, where, "\"log_id\" is not the SHA-256 of its key (expected %s)", want);
	for (size_t k = 0; k < l->n; k++)
		if (memcmp(l->v[k].id, log->id, 32) == 0)
			return bad(c, where, "log %s is listed twice", want);
	int rc = read_state(c, where, json_object_get(o, "state"), log);
	if (rc == TRUST_OK)
		rc = read_interval(c, where, json_object_get(o, "temporal_interval"), log);
	if (rc != TRUST_OK)
		return rc;
	const char *desc = opt_str(o, "description");
	log->description = strdup(desc ? desc : want);
	log->operator_name = strdup(op_name);
	log->operator_index = op_index;
	log->rfc6962 = rfc6962;
	if (!log->description || !log->operator_name) {
		free(log->description);
		free(log->operator_name);
		return terr_set(c->err, TRUST_ENOMEM, "out of memory");
	}
	l->n++;
	return conf_add(c, "[l%zu]\ndescription = l%zu\nkey = %s\n", l->n - 1, l->n - 1, key);
}

static int read_operators(lctx *c, json_t *ops)
{
	size_t total = 0, i;
	json_t *op;
	json_array_foreach(ops, i, op) {
		if (!json_is_object(op))
			return terr_set(c->err, TRUST_EPARSE, "%s: operators[%zu] must be an object",
					c->source, i);
		for (int t = 0; t < 2; t++) {
			json_t *a = json_object_get(op, t ? "tiled_logs" : "logs");
			total += json_is_array(a) ? json_array_size(a) : 0;
		}
	}
	if (total > TCT_MAX_LOGS)
		return terr_set(c->err, TRUST_ELIMIT, "%s: more than %d logs", c->source,
				TCT_MAX_LOGS);
	if (total && !(c->l->v = calloc(total, sizeof *c->l->v)))
		return terr_set(c->err, TRUST_ENOMEM, "out of memory");
	json_array_foreach(ops, i, op) {
		const char *name = opt_str(op, "name");
		if (!name)
			return terr_set(c->err, TRUST_EPARSE, "%s: operators[%zu] has no \"name\"",
					c->source, i);
		for (int t = 0; t < 2; t++) {
			const char *field = t ? "tiled_logs" : "logs";
			json_t *a = json_object_get(op, field), *log;
			if (a && !json_is_array(a))
				return terr_set(c->err, TRUST_EPARSE, "%s: operators[%zu].%s must be an "
						"array", c->source, i, field);
			size_t j;
			json_array_foreach(a, j, log) {
				char where[96];
				snprintf(where, sizeof where, "operators[%zu].%s[%zu]", i, field, j);
				int rc = read_log(c, log, name, i, t == 0, where);
				if (rc != TRUST_OK)
					return rc;
			}
		}
	}
	return TRUST_OK;
}

/* Loads the OpenSSL configuration c->conf into the store through an in-memory file. */
static int fill_store(lctx *c)
{
	if (!(c->l->store = CTLOG_STORE_new()))
		return terr_set(c->err, TRUST_ENOMEM, "out of memory");
	if (c->l->n == 0)
		return TRUST_OK;
	int fd = memfd_create("trust-ct-logs", MFD_CLOEXEC);
	if (fd < 0)
		return terr_set(c->err, TRUST_EINTERNAL, "%s: cannot create an in-memory file for "
				"OpenSSL's CT log store", c->source);
	/* enabled_logs must come before the first section. */
	int hw = dprintf(fd, "enabled_logs = ");
	for (size_t k = 0; hw >= 0 && k < c->l->n; k++)
		hw = dprintf(fd, "%sl%zu", k ? "," : "", k);
	if (hw >= 0)
		hw = dprintf(fd, "\n");
	size_t done = 0;
	while (hw >= 0 && done < c->conf_len) {
		ssize_t w = write(fd, c->conf + done, c->conf_len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int ok = hw >= 0 && done == c->conf_len && CTLOG_STORE_load_file(c->l->store, path) == 1;
	close(fd);
	ERR_clear_error();
	return ok ? TRUST_OK : terr_set(c->err, TRUST_EINTERNAL, "%s: OpenSSL did not accept the "
					"log keys", c->source);
}

/* out: a trust_ct_logs **; the tparse_fn of tload_parse_file. */
static int load(void *out, const char *text, size_t len, const char *source, trust_error *err)
{
	/* The log keys are decoded through OpenSSL's decoders; OpenSSL 3.0 crashes
	 * there if its default context could not be set up, so probe it first
	 * (a list may be the first thing a program loads). */
	if (!terr_ossl_ready())
		return terr_set(err, TRUST_ENOMEM, "%s: OpenSSL could not start (out of memory)",
				source);
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root && je.line < 0)
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory reading the JSON", source);
	if (!root)
		return terr_set(err, TRUST_EPARSE, "%s: line %d column %d: %s", source, je.line,
				je.column, je.text);
	json_t *ops = json_is_object(root) ? json_object_get(root, "operators") : NULL;
	if (!json_is_array(ops)) {
		json_decref(root);
		return terr_set(err, TRUST_EPARSE, "%s: not a CT log list (no \"operators\" array)",
				source);
	}
	trust_ct_logs *l = calloc(1, sizeof *l);
	lctx c = { .source = source, .err = err, .l = l };
	int rc = l && (l->source = strdup(source)) ? TRUST_OK
						   : terr_set(err, TRUST_ENOMEM, "out of memory");
	if (rc == TRUST_OK)
		rc = read_operators(&c, ops);
	if (rc == TRUST_OK)
		rc = fill_store(&c);
	free(c.conf);
	json_decref(root);
	if (rc != TRUST_OK) {
		trust_ct_logs_free(l);
		return rc;
	}
	*(trust_ct_logs **)out = l;
	return TRUST_OK;
}

int trust_ct_logs_load_file(trust_ct_logs **out, const char *path, trust_error *err)
{
	if (!out || !path)
		return terr_set(err, TRUST_EUSAGE, "CT log list: a path is required");
	*out = NULL;
	return tload_parse_file(out, path, load, err);
}

int trust_ct_logs_load_mem(trust_ct_logs **out, const void *json, size_t len, const char *name,
			   trust_error *err)
{
	if (!out || !json)
		return terr_set(err, TRUST_EUSAGE, "CT log list: JSON bytes are required");
	*out = NULL;
	return load(out, json, len, name ? name : "memory", err);
}

void trust_ct_logs_free(trust_ct_logs *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].description);
		free(l->v[i].operator_name);
	}
	free(l->v);
	CTLOG_STORE_free(l->store);
	free(l->source);
	free(l);
}

size_t trust_ct_logs_count(const trust_ct_logs *l)
{
	return l ? l->n : 0;
}
