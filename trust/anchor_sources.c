/*
 * Where a store's anchors came from ("system /etc/ssl/certs/ca-certificates.crt,
 * 144 roots"), so a report can say which trust it was judged against.  The
 * list is built with the store, frozen by trust_store_builder_finish and
 * shared by reference with every result, which may outlive the store.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct tanchor_sources {
	atomic_int refs;
	size_t n, cap;
	trust_anchor_source *v;
};

int tanchor_sources_add(tanchor_sources **list, trust_origin origin, const char *path,
			size_t count)
{
	tanchor_sources *l = *list;
	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			return TRUST_ENOMEM;
		atomic_init(&l->refs, 1);
		*list = l;
	}
	/* The same input given twice counts once (its certificates do too). */
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].origin == origin && strcmp(l->v[i].path, path) == 0)
			return TRUST_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		trust_anchor_source *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return TRUST_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return TRUST_ENOMEM;
	l->v[l->n++] = (trust_anchor_source){ origin, copy, count };
	return TRUST_OK;
}

tanchor_sources *tanchor_sources_ref(tanchor_sources *l)
{
	if (l)
		atomic_fetch_add(&l->refs, 1);
	return l;
}

void tanchor_sources_unref(tanchor_sources *l)
{
	if (!l || atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->v[i].path);
	free(l->v);
	free(l);
}

size_t tanchor_sources_count(const tanchor_sources *l)
{
	return l ? l->n : 0;
}

const trust_anchor_source *tanchor_sources_get(const tanchor_sources *l, size_t i)
{
	return l && i < l->n ? &l->v[i] : NULL;
}

bool tanchor_sources_system_only(const tanchor_sources *l)
{
	if (!l || l->n == 0)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].origin != TRUST_ORIGIN_SYSTEM)
			return false;
	return true;
}

size_t trust_result_anchor_source_count(const trust_result *r)
{
	return r ? tanchor_sources_count(r->anchors) : 0;
}

const trust_anchor_source *trust_result_anchor_source(const trust_result *r, size_t i)
{
	return r ? tanchor_sources_get(r->anchors, i) : NULL;
}
