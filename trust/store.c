/*
 * The certificate store: anchors and untrusted intermediates, deduplicated by
 * DER and indexed by their raw subject bytes (confirmed byte for byte), so
 * issuer lookup costs O(log n) whatever the pool size and needs no stored
 * certificate decoded; canonical DN comparison is the fallback (store_canon.c).
 * Immutable after trust_store_builder_finish, hence safe to share.
 */
#include "internal.h"

#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct trust_store_builder {
	tstash certs;
	tcrl_list crls;
	tocsp_list ocsps;
	tanchor_sources *sources;
	tnotes notes;
	/* The first failed add, kept until the caller clears it: a builder that
	 * could not load what it was given must not quietly yield a store
	 * without it (BoringSSL's error-stack rule). */
	trust_error first_error;
};

trust_store_builder *trust_store_builder_new(void)
{
	if (!terr_ossl_ready())
		return NULL;
	return calloc(1, sizeof(trust_store_builder));
}

static void crls_clear(tcrl_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		X509_CRL_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void ocsps_clear(tocsp_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		OCSP_BASICRESP_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void trust_store_builder_free(trust_store_builder *b)
{
	if (!b)
		return;
	tstash_clear(&b->certs);
	crls_clear(&b->crls);
	ocsps_clear(&b->ocsps);
	tanchor_sources_unref(b->sources);
	tnotes_clear(&b->notes);
	free(b);
}

size_t trust_store_builder_note_count(const trust_store_builder *b)
{
	return b ? b->notes.n : 0;
}

const char *trust_store_builder_note(const trust_store_builder *b, size_t i)
{
	return b && i < b->notes.n ? b->notes.v[i] : NULL;
}

/*
 * Ends one add: the certificates loaded from `before` on get their origin,
 * or on failure are dropped again, so a failed add leaves nothing behind.
 */
static int settle(trust_store_builder *b, size_t before, trust_origin origin, int rc)
{
	if (rc != TRUST_OK) {
		tstash_truncate(&b->certs, before);
		return rc;
	}
	for (size_t i = before; i < b->certs.n; i++)
		b->certs.v[i].origin = origin;
	return rc;
}

/* Anchors from `path`, named `shown` in reports. */
static int add_anchors_from(trust_store_builder *b, const char *path, const char *shown,
			    trust_origin origin, trust_error *err)
{
	tcert_list l = { .stash = &b->certs, .notes = &b->notes };
	size_t before = b->certs.n;
	int rc = tload_certs_path(&l, path, err);
	if (rc == TRUST_OK &&
	    tanchor_sources_add(&b->sources, origin, shown, b->certs.n - before) != TRUST_OK)
		rc = terr_set(err, TRUST_ENOMEM, "out of memory");
	return settle(b, before, origin, rc);
}

static int add_anchors_impl(trust_store_builder *b, const char *path, trust_origin origin,
				    trust_error *err)
{
	if (!b || !path || origin < TRUST_ORIGIN_SYSTEM || origin > TRUST_ORIGIN_APP)
		return terr_set(err, TRUST_EUSAGE, "anchors: bad arguments (a builder, a path and "
				"an origin SYSTEM, USER or APP)");
	return add_anchors_from(b, path, path, origin, err);
}

static int add_anchors_mem_impl(trust_store_builder *b, const void *data, size_t len,
					const char *name, trust_origin origin, trust_error *err)
{
	if (!b || !data || origin < TRUST_ORIGIN_SYSTEM || origin > TRUST_ORIGIN_APP)
		return terr_set(err, TRUST_EUSAGE, "anchors: bad arguments (a builder, data and "
				"an origin SYSTEM, USER or APP)");
	tcert_list l = { .stash = &b->certs, .notes = &b->notes };
	size_t before = b->certs.n;
	int rc = tload_certs_mem(&l, data, len, name, err);
	if (rc == TRUST_OK && tanchor_sources_add(&b->sources, origin, name ? name : "memory",
						  b->certs.n - before) != TRUST_OK)
		rc = terr_set(err, TRUST_ENOMEM, "out of memory");
	return settle(b, before, origin, rc);
}

/* The system bundle is reported by where its links lead (Debian's
 * /usr/lib/ssl/cert.pem is /etc/ssl/certs/ca-certificates.crt), the file
 * an administrator recognises. */
static int add_system_from(trust_store_builder *b, const char *path, trust_error *err)
{
	char *real = realpath(path, NULL);
	int rc = add_anchors_from(b, path, real ? real : path, TRUST_ORIGIN_SYSTEM, err);
	free(real);
	return rc;
}

static int add_system_anchors_impl(trust_store_builder *b, trust_error *err)
{
	if (!b)
		return terr_set(err, TRUST_EUSAGE, "system anchors: bad arguments");
	const char *file = getenv(X509_get_default_cert_file_env());
	if (!file || !*file)
		file = X509_get_default_cert_file();
	struct stat st;
	if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
		return add_system_from(b, file, err);
	const char *dir = getenv(X509_get_default_cert_dir_env());
	if (!dir || !*dir)
		dir = X509_get_default_cert_dir();
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return add_system_from(b, dir, err);
	return terr_set(err, TRUST_EIO,
			"system anchors: neither %s nor %s exists (install ca-certificates)", file,
			dir);
}

static int add_intermediates_impl(trust_store_builder *b, const char *path,
					  trust_error *err)
{
	if (!b || !path)
		return terr_set(err, TRUST_EUSAGE, "intermediates: bad arguments");
	tcert_list l = { .stash = &b->certs, .notes = &b->notes };
	size_t before = b->certs.n;
	return settle(b, before, TRUST_ORIGIN_NONE, tload_certs_path(&l, path, err));
}

static int add_intermediates_mem_impl(trust_store_builder *b, const void *data,
					      size_t len, const char *name, trust_error *err)
{
	if (!b)
		return terr_set(err, TRUST_EUSAGE, "intermediates: bad arguments");
	tcert_list l = { .stash = &b->certs, .notes = &b->notes };
	size_t before = b->certs.n;
	return settle(b, before, TRUST_ORIGIN_NONE, tload_certs_mem(&l, data, len, name, err));
}

static int crl_push(tcrl_list *l, X509_CRL *c)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		X509_CRL **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return TRUST_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = c;
	return TRUST_OK;
}

static int add_crl_impl(trust_store_builder *b, const char *path, trust_error *err)
{
	if (!b || !path)
		return terr_set(err, TRUST_EUSAGE, "crl: bad arguments");
	unsigned char *data;
	size_t len;
	int rc = tload_file(&data, &len, path, err);
	if (rc != TRUST_OK)
		return rc;
	if (len == 0) {
		free(data);
		return terr_set(err, TRUST_EPARSE, "%s: empty file", path);
	}
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	if (!bio) {
		/* A CRL the caller gave must never silently go missing. */
		free(data);
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", path);
	}
	size_t found = 0;
	bool pem = tload_is_pem(data, len);
	while (rc == TRUST_OK) {
		X509_CRL *crl = pem ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)
				    : d2i_X509_CRL_bio(bio, NULL);
		if (!crl) {
			unsigned long e = ERR_peek_last_error();
			ERR_clear_error();
			if (found == 0 || (pem && ERR_GET_REASON(e) != PEM_R_NO_START_LINE) ||
			    (!pem && BIO_pending(bio) > 0))
				rc = terr_set(err, TRUST_EPARSE, "%s: CRL %zu: not a valid CRL",
					      path, found + 1);
			break;
		}
		if (crl_push(&b->crls, crl) != TRUST_OK) {
			X509_CRL_free(crl);
			rc = terr_set(err, TRUST_ENOMEM, "out of memory");
		}
		found++;
		if (!pem)
			break;
	}
	BIO_free(bio);
	free(data);
	return rc;
}

static int add_ocsp_impl(trust_store_builder *b, const char *path, trust_error *err)
{
	if (!b || !path)
		return terr_set(err, TRUST_EUSAGE, "ocsp: bad arguments");
	unsigned char *data;
	size_t len;
	int rc = tload_file(&data, &len, path, err);
	if (rc != TRUST_OK)
		return rc;
	const char *why = NULL;
	OCSP_BASICRESP *bs = tocsp_parse(data, len, &why);
	free(data);
	if (!bs)
		return terr_set(err, TRUST_EPARSE, "%s: %s", path, why);
	tocsp_list *l = &b->ocsps;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		OCSP_BASICRESP **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			OCSP_BASICRESP_free(bs);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = bs;
	return TRUST_OK;
}

static int cmp_der(const void *a, const void *b)
{
	const tslot *x = a, *y = b;
	if (x->subject_key != y->subject_key)
		return x->subject_key < y->subject_key ? -1 : 1;
	if (x->der_len != y->der_len)
		return x->der_len < y->der_len ? -1 : 1;
	int c = memcmp(x->der, y->der, x->der_len);
	if (c)
		return c;
	/* Among duplicates an anchor wins over a pool copy, then input order. */
	if ((x->origin != TRUST_ORIGIN_NONE) != (y->origin != TRUST_ORIGIN_NONE))
		return x->origin != TRUST_ORIGIN_NONE ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_order(const void *a, const void *b)
{
	const tslot *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool same_der(const tslot *a, const tslot *b)
{
	return a->der_len == b->der_len && memcmp(a->der, b->der, a->der_len) == 0;
}

int thidx_cmp(const void *a, const void *b)
{
	const struct hidx *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}


/* ---- the public adds: each remembers the first failure (see first_error) ---- */

/* Keeps the first failure of b's adds; returns rc, with err filled either way. */
static int remember(trust_store_builder *b, int rc, const trust_error *got, trust_error *err)
{
	if (rc != TRUST_OK && b && b->first_error.code == TRUST_OK)
		b->first_error = *got;
	if (err && rc != TRUST_OK)
		*err = *got;
	return rc;
}

int trust_store_builder_add_anchors(trust_store_builder *b, const char *path, trust_origin origin,
				    trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_anchors_impl(b, path, origin, &local), &local, err);
}

int trust_store_builder_add_anchors_mem(trust_store_builder *b, const void *data, size_t len,
					const char *name, trust_origin origin, trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_anchors_mem_impl(b, data, len, name, origin, &local), &local, err);
}

int trust_store_builder_add_system_anchors(trust_store_builder *b, trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_system_anchors_impl(b, &local), &local, err);
}

int trust_store_builder_add_intermediates(trust_store_builder *b, const char *path,
					  trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_intermediates_impl(b, path, &local), &local, err);
}

int trust_store_builder_add_intermediates_mem(trust_store_builder *b, const void *data,
					      size_t len, const char *name, trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_intermediates_mem_impl(b, data, len, name, &local), &local, err);
}

int trust_store_builder_add_crl(trust_store_builder *b, const char *path, trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_crl_impl(b, path, &local), &local, err);
}

int trust_store_builder_add_ocsp(trust_store_builder *b, const char *path, trust_error *err)
{
	trust_error local = { 0 };
	return remember(b, add_ocsp_impl(b, path, &local), &local, err);
}

void trust_store_builder_clear_error(trust_store_builder *b)
{
	if (b)
		memset(&b->first_error, 0, sizeof(b->first_error));
}

/* Sorts the subject index and buckets it by the keys' top bits (about one
 * certificate per bucket). */
static int build_radix(trust_store *s)
{
	size_t n = s->certs.n;
	qsort(s->by_subject, n, sizeof(*s->by_subject), thidx_cmp);
	unsigned bits = 1;
	while (bits < 24 && ((size_t)1 << bits) < n)
		bits++;
	size_t buckets = (size_t)1 << bits;
	s->radix = malloc((buckets + 1) * sizeof(*s->radix));
	if (!s->radix)
		return TRUST_ENOMEM;
	s->radix_bits = bits;
	size_t k = 0;
	for (size_t b = 0; b <= buckets; b++) {
		while (k < n && (s->by_subject[k].h >> (64 - bits)) < b)
			k++;
		s->radix[b] = (uint32_t)k;
	}
	return TRUST_OK;
}

int trust_store_builder_finish(trust_store **out, trust_store_builder *b, trust_error *err)
{
	if (!out) {
		trust_store_builder_free(b);
		return terr_set(err, TRUST_EUSAGE, "store: no place for the store (out is NULL)");
	}
	*out = NULL;
	if (!b)
		return terr_set(err, TRUST_EUSAGE, "store: no builder");
	if (b->first_error.code != TRUST_OK) {
		int rc = b->first_error.code;
		if (err)
			*err = b->first_error;
		trust_store_builder_free(b);
		return rc;
	}
	trust_store *s = calloc(1, sizeof(*s));
	if (s) {
		tstore_ski_init(s);
		tstore_canon_init(s);
	}
	if (!s) {
		trust_store_builder_free(b);
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	}
	tstash *c = &b->certs;
	if (c->n) {
		/* Duplicates are dropped before any record exists: slots only. */
		qsort(c->v, c->n, sizeof(*c->v), cmp_der);
		size_t w = 0;
		for (size_t r = 0; r < c->n; r++)
			if (!w || !same_der(&c->v[w - 1], &c->v[r]))
				c->v[w++] = c->v[r];
		c->n = w;
		qsort(c->v, c->n, sizeof(*c->v), cmp_order);
		/* Input order is kept; `order` now counts the store's certificates. */
		for (size_t i = 0; i < c->n; i++)
			c->v[i].order = (uint32_t)i;
		tslot *v = realloc(c->v, c->n * sizeof(*v));
		if (v) {
			c->v = v;
			c->cap = c->n;
		}
		s->by_subject = malloc(c->n * sizeof(*s->by_subject));
		if (!s->by_subject) {
			free(s);
			trust_store_builder_free(b);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
	}
	s->certs = *c;
	memset(c, 0, sizeof(*c));
	s->crls = b->crls;
	s->ocsps = b->ocsps;
	s->anchor_sources = b->sources;
	tnotes_clear(&b->notes);
	for (size_t i = 0; i < s->certs.n; i++) {
		s->by_subject[i].h = s->certs.v[i].subject_key;
		s->by_subject[i].i = i;
		if (s->certs.v[i].origin != TRUST_ORIGIN_NONE)
			s->nanchors++;
		else
			s->npool++;
	}
	free(b);
	if (s->certs.n && build_radix(s) != TRUST_OK) {
		trust_store_free(s);
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	}
	*out = s;
	return TRUST_OK;
}

void trust_store_free(trust_store *s)
{
	if (!s)
		return;
	tstash_clear(&s->certs);
	free(s->by_subject);
	free(s->radix);
	tstore_ski_free(s);
	tstore_canon_free(s);
	crls_clear(&s->crls);
	ocsps_clear(&s->ocsps);
	tanchor_sources_unref(s->anchor_sources);
	free(s);
}

size_t trust_store_anchor_count(const trust_store *s)
{
	return s ? s->nanchors : 0;
}

size_t trust_store_intermediate_count(const trust_store *s)
{
	return s ? s->npool : 0;
}

void tcandidates_clear(tcandidates *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int tcandidates_push(tcandidates *c, const struct trust_cert_entry *e)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct trust_cert_entry *v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return TRUST_ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *e;
	return TRUST_OK;
}

size_t thidx_lower_bound(const struct hidx *v, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t lower_bound(const trust_store *s, uint64_t h)
{
	if (!s->radix)
		return 0;
	size_t b = (size_t)(h >> (64 - s->radix_bits));
	size_t lo = s->radix[b], hi = s->radix[b + 1];
	return lo + thidx_lower_bound(s->by_subject + lo, hi - lo, h);
}

void tstore_build_once(trust_store *s, pthread_mutex_t *mu, atomic_bool *built,
		       void (*build)(trust_store *s))
{
	if (atomic_load_explicit(built, memory_order_acquire))
		return;
	pthread_mutex_lock(mu);
	if (!atomic_load_explicit(built, memory_order_relaxed)) {
		build(s);
		atomic_store_explicit(built, true, memory_order_release);
	}
	pthread_mutex_unlock(mu);
}

int tstore_push_candidate(const trust_store *s, size_t i, tcandidates *out)
{
	trust_cert *c = tstash_cert(&s->certs, i);
	if (!c)
		return TRUST_ENOMEM;
	const tslot *sl = &s->certs.v[i];
	struct trust_cert_entry e = { c, sl->origin, sl->order };
	return tcandidates_push(out, &e);
}

/*
 * By raw name: an issuer name is nearly always a copy of the issuer's
 * subject bytes, and comparing bytes needs no decoding of the candidates;
 * only a match gets its record made.
 */
int tstore_find_issuers(const trust_store *s, const trust_cert *child, tcandidates *out,
			bool *raw_found)
{
	bool raw = false;
	size_t len = 0;
	const unsigned char *name = tcert_issuer_der(child, &len);
	*raw_found = false;
	size_t n = s->certs.n;
	for (size_t k = lower_bound(s, child->issuer_key);
	     k < n && s->by_subject[k].h == child->issuer_key; k++) {
		size_t i = s->by_subject[k].i;
		const tslot *sl = &s->certs.v[i];
		if (sl->subject_len != len || memcmp(sl->der + sl->subject_off, name, len) != 0)
			continue;
		raw = true;
		trust_cert *c = tstash_cert(&s->certs, i);
		if (!c)
			return TRUST_ENOMEM;
		/* Its subject is the child's issuer name, already decoded. */
		if (!tcert_ready_named(c, child->t->tbs->issuer))
			continue;
		if (tstore_push_candidate(s, i, out) != TRUST_OK)
			return TRUST_ENOMEM;
	}
	*raw_found = raw;
	return TRUST_OK;
}

trust_origin tstore_anchor_origin(const trust_store *s, const trust_cert *c)
{
	size_t n = s->certs.n;
	for (size_t k = lower_bound(s, c->subject_key);
	     k < n && s->by_subject[k].h == c->subject_key; k++) {
		const tslot *sl = &s->certs.v[s->by_subject[k].i];
		if (sl->origin != TRUST_ORIGIN_NONE && sl->der_len == c->der_len &&
		    memcmp(sl->der, c->der, c->der_len) == 0)
			return sl->origin;
	}
	return TRUST_ORIGIN_NONE;
}

const tcrl_list *tstore_crls(const trust_store *s)
{
	return &s->crls;
}

const tocsp_list *tstore_ocsps(const trust_store *s)
{
	return &s->ocsps;
}
