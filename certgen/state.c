/*
 * The state file DIR/state.cbor (libcbor): every certificate ever issued
 * (a reissue marks the old one superseded, it is never dropped, so its
 * revocation outlives its name), the next CRL number per issuer, and the
 * journal of a change being switched in.  It is rewritten whole, atomically;
 * its rename is the commit point of every command (txn.c).
 *
 *   { "version": 2,
 *     "certs": [ { "name", "kind", "serial", "issuer", "not_after",
 *                  "revoked", "reason", "revoked_at", "superseded" }, ... ],
 *     "crl": [ { "issuer", "number" }, ... ],
 *     "pending": [ { "from", "to", "aside" }, ... ] }
 *
 * Version 1 files (no "superseded", no "pending") are read as all current.
 */
#include "certgen.h"

#include <cbor.h>
#include <ctype.h>
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

void cg_state_clear_ops(cg_state *st)
{
	for (size_t i = 0; i < st->nops; i++) {
		free(st->ops[i].from);
		free(st->ops[i].to);
		free(st->ops[i].aside);
	}
	free(st->ops);
	st->ops = NULL;
	st->nops = 0;
	st->dirty = true;
}

void cg_state_free(cg_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		entry_clear(&st->e[i]);
	free(st->e);
	for (size_t i = 0; i < st->ncrl; i++)
		free(st->crl[i].issuer);
	free(st->crl);
	cg_state_clear_ops(st);
	memset(st, 0, sizeof *st);
}

int cg_state_add_op(cg_state *st, const char *from, const char *to, const char *aside)
{
	cg_op *n = realloc(st->ops, (st->nops + 1) * sizeof *n);
	if (!n)
		return -1;
	st->ops = n;
	cg_op *op = &st->ops[st->nops++];
	op->from = strdup(from);
	op->to = strdup(to);
	op->aside = strdup(aside ? aside : "");
	st->dirty = true;
	return (op->from && op->to && op->aside) ? 0 : -1;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int cg_state_put(cg_state *st, const cg_entry *e)
{
	cg_entry *slot = cg_state_find_serial(st, e->serial);
	if (slot) {
		entry_clear(slot);
	} else {
		cg_entry *old = e->superseded ? NULL : cg_state_find(st, e->name);
		if (old)
			old->superseded = true;
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
	slot->superseded = e->superseded;
	st->dirty = true;
	return (slot->name && slot->kind && slot->serial && slot->issuer && slot->reason) ? 0 : -1;
}

cg_entry *cg_state_find(cg_state *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (!st->e[i].superseded && strcmp(st->e[i].name, name) == 0)
			return &st->e[i];
	return NULL;
}

/* "0x00ab:CD" and "ABCD" are one serial: hex digits only, no leading zeros, upper case. */
static void serial_norm(char *out, size_t n, const char *s)
{
	size_t j = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s && j + 1 < n; s++) {
		if (*s == ':')
			continue;
		if (j == 0 && *s == '0' && s[1])
			continue;
		out[j++] = (char)toupper((unsigned char)*s);
	}
	out[j] = '\0';
}

cg_entry *cg_state_find_serial(cg_state *st, const char *serial_hex)
{
	char want[128], have[128];
	serial_norm(want, sizeof want, serial_hex);
	if (!want[0] || strspn(want, "0123456789ABCDEF") != strlen(want))
		return NULL;
	for (size_t i = 0; i < st->n; i++) {
		serial_norm(have, sizeof have, st->e[i].serial);
		if (strcmp(have, want) == 0)
			return &st->e[i];
	}
	return NULL;
}

long cg_state_next_crl(cg_state *st, const char *issuer)
{
	st->dirty = true;
	for (size_t i = 0; i < st->ncrl; i++)
		if (strcmp(st->crl[i].issuer, issuer) == 0)
			return ++st->crl[i].number;
	cg_crlnum *n = realloc(st->crl, (st->ncrl + 1) * sizeof *n);
	if (!n)
		return -1;
	st->crl = n;
	st->crl[st->ncrl].issuer = strdup(issuer);
	st->crl[st->ncrl].number = 1;
	st->dirty = true;
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
	cbor_item_t *root = cbor_new_definite_map(4);
	cbor_item_t *certs = cbor_new_definite_array(st->n);
	cbor_item_t *crls = cbor_new_definite_array(st->ncrl);
	cbor_item_t *ops = cbor_new_definite_array(st->nops);
	bool ok = root && certs && crls && ops;
	for (size_t i = 0; ok && i < st->n; i++) {
		const cg_entry *e = &st->e[i];
		cbor_item_t *m = cbor_new_definite_map(9);
		ok = m && put(m, "name", cbor_build_string(e->name)) &&
		     put(m, "kind", cbor_build_string(e->kind)) &&
		     put(m, "serial", cbor_build_string(e->serial)) &&
		     put(m, "issuer", cbor_build_string(e->issuer)) &&
		     put(m, "not_after", u64(e->not_after)) &&
		     put(m, "revoked", cbor_build_bool(e->revoked)) &&
		     put(m, "reason", cbor_build_string(e->reason ? e->reason : "")) &&
		     put(m, "revoked_at", u64(e->revoked_at)) &&
		     put(m, "superseded", cbor_build_bool(e->superseded)) && cbor_array_push(certs, m);
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
	for (size_t i = 0; ok && i < st->nops; i++) {
		cbor_item_t *m = cbor_new_definite_map(3);
		ok = m && put(m, "from", cbor_build_string(st->ops[i].from)) &&
		     put(m, "to", cbor_build_string(st->ops[i].to)) &&
		     put(m, "aside", cbor_build_string(st->ops[i].aside)) && cbor_array_push(ops, m);
		if (m)
			cbor_decref(&m);
	}
	if (ok)
		ok = put(root, "version", cbor_build_uint8(2));
	if (ok) {
		ok = put(root, "certs", certs);
		certs = NULL;
	}
	if (ok) {
		ok = put(root, "crl", crls);
		crls = NULL;
	}
	if (ok) {
		ok = put(root, "pending", ops);
		ops = NULL;
	}
	size_t size = 0;
	*out = NULL;
	*len = ok ? cbor_serialize_alloc(root, out, &size) : 0;
	if (certs)
		cbor_decref(&certs);
	if (crls)
		cbor_decref(&crls);
	if (ops)
		cbor_decref(&ops);
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

static int decode_entry(cg_state *st, const cbor_item_t *m, int64_t version)
{
	if (!cbor_isa_map(m))
		return -1;
	cg_entry e = { 0 };
	cbor_item_t *rv = get(m, "revoked");
	cbor_item_t *sv = version >= 2 ? get(m, "superseded") : NULL;
	if (version >= 2 && (!sv || !cbor_is_bool(sv)))
		return -1;
	e.superseded = sv && cbor_get_bool(sv);
	e.name = get_str(m, "name");
	e.kind = get_str(m, "kind");
	e.serial = get_str(m, "serial");
	e.issuer = get_str(m, "issuer");
	e.reason = get_str(m, "reason");
	int rc = -1;
	if (e.name && e.kind && e.serial && e.issuer && e.reason && rv && cbor_is_bool(rv) &&
	    get_int(m, "not_after", &e.not_after) && get_int(m, "revoked_at", &e.revoked_at) &&
	    !cg_state_find_serial(st, e.serial) && (e.superseded || !cg_state_find(st, e.name))) {
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
	    !get_int(root, "version", &version) || version < 1 || version > 2)
		goto out;
	cbor_item_t *ops = version >= 2 ? get(root, "pending") : NULL;
	if (version >= 2 && (!ops || !cbor_isa_array(ops)))
		goto out;
	for (size_t i = 0; i < cbor_array_size(certs); i++) {
		cbor_item_t *m = cbor_array_get(certs, i);
		int r = decode_entry(st, m, version);
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
	for (size_t i = 0; ops && i < cbor_array_size(ops); i++) {
		cbor_item_t *m = cbor_array_get(ops, i);
		char *from = cbor_isa_map(m) ? get_str(m, "from") : NULL;
		char *to = cbor_isa_map(m) ? get_str(m, "to") : NULL;
		char *aside = cbor_isa_map(m) ? get_str(m, "aside") : NULL;
		cbor_decref(&m);
		int r = (from && to && aside && *from && *to) ? cg_state_add_op(st, from, to, aside) : -1;
		free(from);
		free(to);
		free(aside);
		if (r != 0)
			goto out;
	}
	st->dirty = false;
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

int cg_state_save(cg_state *st, const char *dir)
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
	if (rc != CG_OK)
		return -1;
	st->dirty = false;
	st->saved = true;
	return 0;
}
