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

/* On allocation failure the index stays empty: searches find nothing more. */
static void build(trust_store *s)
{
	size_t n = s->certs.n;
	s->by_canon = calloc(n ? n : 1, sizeof(*s->by_canon));
	if (!s->by_canon)
		return;
	for (size_t i = 0; i < n; i++) {
		const trust_cert *c = tstash_cert(&s->certs, i);
		unsigned long h;
		if (!c || !tcert_ready(c) || !tcert_name_hash(c, true, &h))
			continue;
		s->by_canon[s->ncanon].h = h;
		s->by_canon[s->ncanon].i = i;
		s->ncanon++;
	}
	qsort(s->by_canon, s->ncanon, sizeof(*s->by_canon), thidx_cmp);
}

int tstore_find_canonical(const trust_store *store, const trust_cert *child, tcandidates *out)
{
	/* A lazily built cache; the store stays logically immutable. */
	trust_store *s = (trust_store *)store;
	tstore_build_once(s, &s->canon_mu, &s->canon_built, build);
	unsigned long h;
	if (!tcert_name_hash(child, false, &h))
		return TRUST_ENOMEM; /* a search that cannot look must not say "no issuer" */
	for (size_t k = thidx_lower_bound(s->by_canon, s->ncanon, h);
	     k < s->ncanon && s->by_canon[k].h == h; k++) {
		size_t i = s->by_canon[k].i;
		/* Made while the index was built: every indexed slot has its record. */
		if (!tcert_names_chain(atomic_load(&s->certs.v[i].cert), child))
			continue;
		if (tstore_push_candidate(s, i, out) != TRUST_OK)
			return TRUST_ENOMEM;
	}
	return TRUST_OK;
}
