/*
 * The certificates a store holds, as loading leaves them: DER packed into a
 * few large chunks and one small slot each (where the DER and its raw subject
 * are, the subject's index key).  Path building touches a handful of them per
 * evaluation; only those get a record (trust_cert), made on first use, so an
 * untouched pool certificate costs its DER and 48 bytes, not a record, two
 * more allocations and a copy of its file name.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Big enough that the chunks' headers and tails are noise.  The first chunk
 * is small and each next one twice the last up to that size, so a store of
 * one or three anchors holds little empty room, and builds and frees no
 * 64 KiB block (glibc consolidates its heap when one that size is freed,
 * 12k instructions, as much as the rest of a small store's teardown). */
#define CHUNK_BYTES (64u * 1024u - 64u)
#define FIRST_CHUNK_BYTES (4u * 1024u - 64u)

unsigned char *tstash_reserve(tstash *s, size_t max)
{
	tder_chunk *c = s->chunks;
	if (c && c->cap - c->used >= max)
		return c->data + c->used;
	size_t step = !c ? FIRST_CHUNK_BYTES
		      : c->cap >= CHUNK_BYTES / 2 ? CHUNK_BYTES : c->cap * 2 + 64;
	size_t cap = max > step ? max : step;
	c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->used = 0;
	c->cap = cap;
	c->next = s->chunks;
	s->chunks = c;
	return c->data;
}

/* Index of `name` among the input names, added if it is not the last one. */
static bool name_index(tstash *s, const char *name, uint32_t *out)
{
	if (s->nnames && strcmp(s->names[s->nnames - 1], name) == 0) {
		*out = (uint32_t)(s->nnames - 1);
		return true;
	}
	if (s->nnames == s->capnames) {
		size_t cap = s->capnames ? s->capnames * 2 : 8;
		char **v = realloc(s->names, cap * sizeof(*v));
		if (!v)
			return false;
		s->names = v;
		s->capnames = cap;
	}
	if (!(s->names[s->nnames] = strdup(name)))
		return false;
	*out = (uint32_t)s->nnames++;
	return true;
}

int tstash_commit(tstash *s, size_t len, const char *name, size_t index, trust_error *err)
{
	if (!name)
		name = "memory";
	tder_chunk *c = s->chunks;
	const unsigned char *der = c->data + c->used, *subj;
	long slen;
	if (len > TRUST_MAX_FILE_BYTES || len > c->cap - c->used ||
	    !tcert_locate_subject(der, len, &subj, &slen))
		return terr_set(err, TRUST_EPARSE, "%s: certificate %zu: truncated or malformed DER",
				name, index + 1);
	uint32_t source;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		tslot *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
		s->v = v;
		s->cap = cap;
	}
	if (!name_index(s, name, &source))
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
	tslot *sl = &s->v[s->n];
	sl->der = der;
	sl->der_len = (uint32_t)len;
	sl->subject_off = (uint32_t)(subj - der);
	sl->subject_len = (uint32_t)slen;
	sl->source = source;
	sl->subject_key = tname_key(subj, (size_t)slen);
	atomic_init(&sl->cert, NULL);
	sl->origin = TRUST_ORIGIN_NONE;
	sl->order = (uint32_t)s->n;
	s->n++;
	c->used += len;
	return TRUST_OK;
}

void tstash_truncate(tstash *s, size_t n)
{
	while (s->n > n)
		tcert_unref(atomic_load(&s->v[--s->n].cert));
}

void tstash_clear(tstash *s)
{
	tstash_truncate(s, 0);
	free(s->v);
	for (tder_chunk *c = s->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

trust_cert *tstash_cert(const tstash *stash, size_t i)
{
	/* The record is a cache: the stash stays logically immutable. */
	tslot *sl = &((tstash *)stash)->v[i];
	trust_cert *c = atomic_load_explicit(&sl->cert, memory_order_acquire);
	if (c)
		return c;
	c = tcert_lazy_from_der(sl->der, sl->der_len, stash->names[sl->source], i, NULL);
	if (!c)
		return NULL;
	trust_cert *expected = NULL;
	if (!atomic_compare_exchange_strong(&sl->cert, &expected, c)) {
		tcert_unref(c);
		return expected;
	}
	return c;
}
