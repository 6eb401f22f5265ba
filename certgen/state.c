/*
 * The state file DIR/state.cbor (libcbor): what was issued, what is revoked,
 * and the next CRL number per issuer.  It is rewritten whole, atomically.
 *
 *   { "version": 1,
 *     "certs": [ { "name", "kind", "serial", "issuer", "not_after",
 *                  "revoked", "reason", "revoked_at" }, ... ],
 *     "crl": [ { "issuer", "number" }, ... ] }
 */
#include "certgen.h"

#include <cbor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CG_STATE_FILE "state.cbor"

static void entry_clear(cg_entry *e)
{
	free(e->name);
	free(e->kind);
	free(e->serial);
	free(e->issuer);
	free(e->reason);
	memset(e, 0, sizeof *e);
}

void cg_state_free(cg_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		entry_clear(&st->e[i]);
	free(st->e);
	for (size_t i = 0; i < st->ncrl; i++)
		free(st->crl[i].issuer);
	free(st->crl);
	memset(st, 0, sizeof *st);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int cg_state_put(cg_state *st, const cg_entry *e)
{
	cg_entry *slot = cg_state_find(st, e->name);
	if (slot) {
		entry_clear(slot);
	} else {
		if (st->n == st->cap) {
			size_t cap = st->cap ? 2 * st->cap : 16;
			cg_entry *ne = realloc(st->e, cap * sizeof *ne);
			if (!ne)
				return -1;
			st->e = ne;
			st->cap = cap;
		}
		slot = &st->e[st->n++];
	}
	slot->name = dup_or_empty(e->name);
	slot->kind = dup_or_empty(e->kind);
	slot->serial = dup_or_empty(e->serial);
	slot->issuer = dup_or_empty(e->issuer);
	slot->reason = dup_or_empty(e->reason);
	slot->not_after = e->not_after;
	slot->revoked = e->revoked;
	slot->revoked_at = e->revoked_at;
	return (slot->name && slot->kind && slot->serial && slot->issuer && slot->reason) ? 0 : -1;
}

cg_entry *cg_state_find(cg_state *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->e[i].name, name) == 0)
			return &st->e[i];
	return NULL;
}

cg_entry *cg_state_find_serial(cg_state *st, const char *serial_hex)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcasecmp(st->e[i].serial, serial_hex) == 0)
			return &st->e[i];
	return NULL;
}

long cg_state_next_crl(cg_state *st, const char *issuer)
{
	for (size_t i = 0; i < st->ncrl; i++)
		if (strcmp(st->crl[i].issuer, issuer) == 0)
			return ++st->crl[i].number;
	cg_crlnum *n = realloc(st->crl, (st->ncrl + 1) * sizeof *n);
	if (!n)
		return -1;
	st->crl = n;
	st->crl[st->ncrl].issuer = strdup(issuer);
	st->crl[st->ncrl].number = 1;
	return st->crl[st->ncrl++].number;
}

/* ---- encoding ---- */

static bool put(cbor_item_t *map, const char *k, cbor_item_t *v)
{
	if (!v)
		return false;
	cbor_item_t *key = cbor_build_string(k);
	if (!key) {
		cbor_decref(&v);
		return false;
	}
	bool ok = cbor_map_add(map, (struct cbor_pair){ .key = cbor_move(key), .value = cbor_move(v) });
	return ok;
}

static cbor_item_t *u64(int64_t v)
{
	return cbor_build_uint64(v < 0 ? 0 : (uint64_t)v);
}

int cg_state_encode(const cg_state *st, unsigned char **out, size_t *len)
{
	cbor_item_t *root = cbor_new_definite_map(3);
	cbor_item_t *certs = cbor_new_definite_array(st->n);
	cbor_item_t *crls = cbor_new_definite_array(st->ncrl);
	bool ok = root && certs && crls;
	for (size_t i = 0; ok && i < st->n; i++) {
		const cg_entry *e = &st->e[i];
		cbor_item_t *m = cbor_new_definite_map(8);
		ok = m && put(m, "name", cbor_build_string(e->name)) &&
		     put(m, "kind", cbor_build_string(e->kind)) &&
		     put(m, "serial", cbor_build_string(e->serial)) &&
		     put(m, "issuer", cbor_build_string(e->issuer)) &&
		     put(m, "not_after", u64(e->not_after)) &&
		     put(m, "revoked", cbor_build_bool(e->revoked)) &&
		     put(m, "reason", cbor_build_string(e->reason ? e->reason : "")) &&
		     put(m, "revoked_at", u64(e->revoked_at)) && cbor_array_push(certs, m);
		if (m)
			cbor_decref(&m);
	}
	for (size_t i = 0; ok && i < st->ncrl; i++) {
		cbor_item_t *m = cbor_new_definite_map(2);
		ok = m && put(m, "issuer", cbor_build_string(st->crl[i].issuer)) &&
		     put(m, "number", u64(st->crl[i].number)) && cbor_array_push(crls, m);
		if (m)
			cbor_decref(&m);
	}
	if (ok)
		ok = put(root, "version", cbor_build_uint8(1));
	if (ok) {
		ok = put(root, "certs", certs);
		certs = NULL;
	}
	if (ok) {
		ok = put(root, "crl", crls);
		crls = NULL;
	}
	size_t size = 0;
	*out = NULL;
	*len = ok ? cbor_serialize_alloc(root, out, &size) : 0;
	if (certs)
		cbor_decref(&certs);
	if (crls)
		cbor_decref(&crls);
	if (root)
		cbor_decref(&root);
	return (ok && *len > 0) ? 0 : -1;
}

/* ---- decoding ---- */

static cbor_item_t *get(const cbor_item_t *map, const char *k)
{
	struct cbor_pair *p = cbor_map_handle(map);
	size_t n = cbor_map_size(map);
	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *key = p[i].key;
		if (cbor_isa_string(key) && cbor_string_is_definite(key) &&
		    cbor_string_length(key) == strlen(k) &&
		    memcmp(cbor_string_handle(key), k, strlen(k)) == 0)
			return p[i].value;
	}
	return NULL;
}

static char *get_str(const cbor_item_t *map, const char *k)
{
	cbor_item_t *v = get(map, k);
	if (!v || !cbor_isa_string(v) || !cbor_string_is_definite(v))
		return NULL;
	size_t n = cbor_string_length(v);
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, cbor_string_handle(v), n);
	s[n] = '\0';
	if (strlen(s) != n) { /* embedded NUL: not a name we wrote */
		free(s);
		return NULL;
	}
	return s;
}

static bool get_int(const cbor_item_t *map, const char *k, int64_t *out)
{
	cbor_item_t *v = get(map, k);
	if (!v || !cbor_isa_uint(v) || cbor_get_int(v) > INT64_MAX)
		return false;
	*out = (int64_t)cbor_get_int(v);
	return true;
}

static int decode_entry(cg_state *st, const cbor_item_t *m)
{
	if (!cbor_isa_map(m))
		return -1;
	cg_entry e = { 0 };
	cbor_item_t *rv = get(m, "revoked");
	e.name = get_str(m, "name");
	e.kind = get_str(m, "kind");
	e.serial = get_str(m, "serial");
	e.issuer = get_str(m, "issuer");
	e.reason = get_str(m, "reason");
	int rc = -1;
	if (e.name && e.kind && e.serial && e.issuer && e.reason && rv && cbor_is_bool(rv) &&
	    get_int(m, "not_after", &e.not_after) && get_int(m, "revoked_at", &e.revoked_at)) {
		e.revoked = cbor_get_bool(rv);
		rc = cg_state_put(st, &e);
	}
	entry_clear(&e);
	return rc;
}

int cg_state_decode(cg_state *st, const unsigned char *buf, size_t len)
{
	memset(st, 0, sizeof *st);
	struct cbor_load_result res;
	cbor_item_t *root = cbor_load(buf, len, &res);
	if (!root)
		return -1;
	int rc = -1;
	int64_t version = 0;
	cbor_item_t *certs = cbor_isa_map(root) ? get(root, "certs") : NULL;
	cbor_item_t *crls = cbor_isa_map(root) ? get(root, "crl") : NULL;
	if (res.read != len || !certs || !crls || !cbor_isa_array(certs) || !cbor_isa_array(crls) ||
	    !get_int(root, "version", &version) || version != 1)
		goto out;
	for (size_t i = 0; i < cbor_array_size(certs); i++) {
		cbor_item_t *m = cbor_array_get(certs, i);
		int r = decode_entry(st, m);
		cbor_decref(&m);
		if (r != 0)
			goto out;
	}
	for (size_t i = 0; i < cbor_array_size(crls); i++) {
		cbor_item_t *m = cbor_array_get(crls, i);
		char *iss = cbor_isa_map(m) ? get_str(m, "issuer") : NULL;
		int64_t num = 0;
		bool ok = iss && get_int(m, "number", &num);
		cbor_decref(&m);
		if (!ok) {
			free(iss);
			goto out;
		}
		cg_crlnum *n = realloc(st->crl, (st->ncrl + 1) * sizeof *n);
		if (!n) {
			free(iss);
			goto out;
		}
		st->crl = n;
		st->crl[st->ncrl].issuer = iss;
		st->crl[st->ncrl++].number = (long)num;
	}
	rc = 0;
out:
	cbor_decref(&root);
	if (rc != 0)
		cg_state_free(st);
	return rc;
}

int cg_state_load(cg_state *st, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, CG_STATE_FILE);
	memset(st, 0, sizeof *st);
	if (!cg_exists(path))
		return 0;
	size_t len = 0;
	unsigned char *buf = cg_read_file(path, &len);
	if (!buf)
		return -1;
	int rc = cg_state_decode(st, buf, len);
	free(buf);
	if (rc != 0)
		return cg_fail(-1, "%s: not a certgen state file (malformed CBOR); restore it or "
				   "start a new --dir", path);
	return 0;
}

int cg_state_save(const cg_state *st, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, CG_STATE_FILE);
	unsigned char *buf = NULL;
	size_t len = 0;
	if (cg_state_encode(st, &buf, &len) != 0) {
		free(buf);
		return cg_fail(-1, "%s: cannot encode state", path);
	}
	int rc = cg_write_file(path, buf, len, 0644, true);
	free(buf);
	return rc == CG_OK ? 0 : -1;
}
