/*
 * The store's second index, by subjectKeyIdentifier.  Path building chains
 * by name (RFC 5280 §6.1.4(a)); the key-id index answers the question a
 * failed search leaves: "is the issuer here under a different name?"  It is
 * built on first use because it needs every lazily loaded certificate parsed.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void tstore_ski_init(trust_store *s)
{
	pthread_mutex_init(&s->ski_mu, NULL);
	atomic_init(&s->ski_built, false);
}

void tstore_ski_free(trust_store *s)
{
	free(s->by_ski);
	pthread_mutex_destroy(&s->ski_mu);
}

static int cmp_ski(const void *a, const void *b)
{
	const struct kidx *x = a, *y = b;
	int c = ASN1_OCTET_STRING_cmp(x->ski, y->ski);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void build(trust_store *s)
{
	size_t n = s->certs.n;
	s->by_ski = calloc(n ? n : 1, sizeof(*s->by_ski));
	if (!s->by_ski)
		return;
	/* A record that cannot be made (no memory) is left out: fewer candidates. */
	for (size_t i = 0; i < n; i++) {
		const trust_cert *c = tstash_cert(&s->certs, i);
		if (c && tcert_ready(c) && c->ski) {
			s->by_ski[s->nski].ski = c->ski;
			s->by_ski[s->nski].i = i;
			s->nski++;
		}
	}
	qsort(s->by_ski, s->nski, sizeof(*s->by_ski), cmp_ski);
}

int tstore_find_by_ski(const trust_store *store, const ASN1_OCTET_STRING *keyid,
		       tcandidates *out)
{
	/* The index is a lazily built cache; the store stays logically immutable. */
	trust_store *s = (trust_store *)store;
	if (!keyid)
		return TRUST_OK;
	tstore_build_once(s, &s->ski_mu, &s->ski_built, build);
	size_t lo = 0, hi = s->nski;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ASN1_OCTET_STRING_cmp(s->by_ski[mid].ski, keyid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < s->nski && ASN1_OCTET_STRING_cmp(s->by_ski[k].ski, keyid) == 0; k++)
		if (tstore_push_candidate(s, s->by_ski[k].i, out) != TRUST_OK)
			return TRUST_ENOMEM;
	return TRUST_OK;
}
