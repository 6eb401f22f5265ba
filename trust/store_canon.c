/*
 * The store's index by canonical subject DN (X509_NAME_hash_ex, confirmed
 * with X509_NAME_cmp), for issuer names that are not a byte copy of any
 * stored subject: RFC 5280 §7.1 compares names after case folding and
 * whitespace normalisation, and some CAs re-encode names (PrintableString
 * vs UTF8String).  Built on the first such search, because it needs every
 * lazily loaded certificate parsed.
 */
#include "internal.h"

#include <stdlib.h>

void tstore_canon_init(trust_store *s)
{
	pthread_mutex_init(&s->canon_mu, NULL);
	atomic_init(&s->canon_built, false);
}

void tstore_canon_free(trust_store *s)
{
	free(s->by_canon);
	pthread_mutex_destroy(&s->canon_mu);
}

static int cmp_h(const void *a, const void *b)
{
	const struct hidx *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* On allocation failure the index stays empty: searches find nothing more. */
static void build(trust_store *s)
{
	s->by_canon = calloc(s->n ? s->n : 1, sizeof(*s->by_canon));
	if (!s->by_canon)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (!tcert_ready(s->e[i].cert))
			continue;
		s->by_canon[s->ncanon].h = s->e[i].cert->subject_hash;
		s->by_canon[s->ncanon].i = i;
		s->ncanon++;
	}
	qsort(s->by_canon, s->ncanon, sizeof(*s->by_canon), cmp_h);
}

int tstore_find_canonical(const trust_store *store, const trust_cert *child, tcandidates *out)
{
	/* A lazily built cache; the store stays logically immutable. */
	trust_store *s = (trust_store *)store;
	if (!atomic_load_explicit(&s->canon_built, memory_order_acquire)) {
		pthread_mutex_lock(&s->canon_mu);
		if (!atomic_load_explicit(&s->canon_built, memory_order_relaxed)) {
			build(s);
			atomic_store_explicit(&s->canon_built, true, memory_order_release);
		}
		pthread_mutex_unlock(&s->canon_mu);
	}
	size_t lo = 0, hi = s->ncanon;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->by_canon[mid].h < child->issuer_hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < s->ncanon && s->by_canon[k].h == child->issuer_hash; k++) {
		const struct trust_cert_entry *e = &s->e[s->by_canon[k].i];
		if (!tcert_names_chain(e->cert, child))
			continue;
		if (tcandidates_push(out, e) != TRUST_OK)
			return TRUST_ENOMEM;
	}
	return TRUST_OK;
}
