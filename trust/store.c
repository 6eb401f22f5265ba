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
	struct trust_cert_entry *e;
	size_t n, cap;
	tcrl_list crls;
	tanchor_sources *sources;
	tnotes notes;
};

trust_store_builder *trust_store_builder_new(void)
{
	return calloc(1, sizeof(trust_store_builder));
}

static void crls_clear(tcrl_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		X509_CRL_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void trust_store_builder_free(trust_store_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		tcert_unref(b->e[i].cert);
	free(b->e);
	crls_clear(&b->crls);
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

/* Moves the loaded certificates into the builder with the given origin. */
static int adopt(trust_store_builder *b, tcert_list *l, trust_origin origin, trust_error *err)
{
	if (b->n + l->n > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + l->n)
			cap *= 2;
		struct trust_cert_entry *e = realloc(b->e, cap * sizeof(*e));
		if (!e) {
			tcert_list_clear(l);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
		b->e = e;
		b->cap = cap;
	}
	for (size_t i = 0; i < l->n; i++) {
		b->e[b->n].cert = l->v[i];
		b->e[b->n].origin = origin;
		b->e[b->n].order = b->n;
		b->n++;
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
	return TRUST_OK;
}

/* Anchors from `path`, named `shown` in reports. */
static int add_anchors_from(trust_store_builder *b, const char *path, const char *shown,
			    trust_origin origin, trust_error *err)
{
	tcert_list l = { .lazy = true, .notes = &b->notes };
	int rc = tload_certs_path(&l, path, err);
	if (rc == TRUST_OK && tanchor_sources_add(&b->sources, origin, shown, l.n) != TRUST_OK)
		rc = terr_set(err, TRUST_ENOMEM, "out of memory");
	if (rc != TRUST_OK) {
		tcert_list_clear(&l);
		return rc;
	}
	return adopt(b, &l, origin, err);
}

int trust_store_builder_add_anchors(trust_store_builder *b, const char *path, trust_origin origin,
				    trust_error *err)
{
	if (!b || !path || origin == TRUST_ORIGIN_NONE)
		return terr_set(err, TRUST_EUSAGE, "anchors: bad arguments");
	return add_anchors_from(b, path, path, origin, err);
}

int trust_store_builder_add_anchors_mem(trust_store_builder *b, const void *data, size_t len,
					const char *name, trust_origin origin, trust_error *err)
{
	if (!b || origin == TRUST_ORIGIN_NONE)
		return terr_set(err, TRUST_EUSAGE, "anchors: bad arguments");
	tcert_list l = { .lazy = true, .notes = &b->notes };
	int rc = tload_certs_mem(&l, data, len, name, err);
	if (rc == TRUST_OK &&
	    tanchor_sources_add(&b->sources, origin, name ? name : "memory", l.n) != TRUST_OK)
		rc = terr_set(err, TRUST_ENOMEM, "out of memory");
	if (rc != TRUST_OK) {
		tcert_list_clear(&l);
		return rc;
	}
	return adopt(b, &l, origin, err);
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

int trust_store_builder_add_system_anchors(trust_store_builder *b, trust_error *err)
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

int trust_store_builder_add_intermediates(trust_store_builder *b, const char *path,
					  trust_error *err)
{
	if (!b || !path)
		return terr_set(err, TRUST_EUSAGE, "intermediates: bad arguments");
	tcert_list l = { .lazy = true, .notes = &b->notes };
	int rc = tload_certs_path(&l, path, err);
	if (rc != TRUST_OK) {
		tcert_list_clear(&l);
		return rc;
	}
	return adopt(b, &l, TRUST_ORIGIN_NONE, err);
}

int trust_store_builder_add_intermediates_mem(trust_store_builder *b, const void *data,
					      size_t len, const char *name, trust_error *err)
{
	if (!b)
		return terr_set(err, TRUST_EUSAGE, "intermediates: bad arguments");
	tcert_list l = { .lazy = true, .notes = &b->notes };
	int rc = tload_certs_mem(&l, data, len, name, err);
	if (rc != TRUST_OK) {
		tcert_list_clear(&l);
		return rc;
	}
	return adopt(b, &l, TRUST_ORIGIN_NONE, err);
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

int trust_store_builder_add_crl(trust_store_builder *b, const char *path, trust_error *err)
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
	size_t found = 0;
	bool pem = tload_is_pem(data, len);
	while (bio && rc == TRUST_OK) {
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

static int cmp_der(const void *a, const void *b)
{
	const struct trust_cert_entry *x = a, *y = b;
	const trust_cert *p = x->cert, *q = y->cert;
	if (p->subject_key != q->subject_key)
		return p->subject_key < q->subject_key ? -1 : 1;
	if (p->der_len != q->der_len)
		return p->der_len < q->der_len ? -1 : 1;
	int c = memcmp(p->der, q->der, p->der_len);
	if (c)
		return c;
	/* Among duplicates an anchor wins over a pool copy, then input order. */
	if ((x->origin != TRUST_ORIGIN_NONE) != (y->origin != TRUST_ORIGIN_NONE))
		return x->origin != TRUST_ORIGIN_NONE ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_order(const void *a, const void *b)
{
	const struct trust_cert_entry *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_hidx(const void *a, const void *b)
{
	const struct hidx *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int trust_store_builder_finish(trust_store **out, trust_store_builder *b, trust_error *err)
{
	*out = NULL;
	if (!b)
		return terr_set(err, TRUST_EUSAGE, "store: no builder");
	trust_store *s = calloc(1, sizeof(*s));
	if (s) {
		tstore_ski_init(s);
		tstore_canon_init(s);
	}
	if (!s) {
		trust_store_builder_free(b);
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	}
	if (b->n) {
		qsort(b->e, b->n, sizeof(*b->e), cmp_der);
		size_t w = 0;
		for (size_t r = 0; r < b->n; r++) {
			if (w && tcert_same(b->e[w - 1].cert, b->e[r].cert)) {
				tcert_unref(b->e[r].cert);
				continue;
			}
			b->e[w++] = b->e[r];
		}
		b->n = w;
		qsort(b->e, b->n, sizeof(*b->e), cmp_order);
		s->by_subject = malloc(b->n * sizeof(*s->by_subject));
		if (!s->by_subject) {
			free(s);
			trust_store_builder_free(b);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
	}
	s->e = b->e;
	s->n = b->n;
	s->crls = b->crls;
	s->anchor_sources = b->sources;
	tnotes_clear(&b->notes);
	for (size_t i = 0; i < s->n; i++) {
		s->by_subject[i].h = s->e[i].cert->subject_key;
		s->by_subject[i].i = i;
		if (s->e[i].origin != TRUST_ORIGIN_NONE)
			s->nanchors++;
		else
			s->npool++;
	}
	if (s->n)
		qsort(s->by_subject, s->n, sizeof(*s->by_subject), cmp_hidx);
	free(b);
	*out = s;
	return TRUST_OK;
}

void trust_store_free(trust_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		tcert_unref(s->e[i].cert);
	free(s->e);
	free(s->by_subject);
	tstore_ski_free(s);
	tstore_canon_free(s);
	crls_clear(&s->crls);
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

/* First index in by_subject whose hash is >= h. */
static size_t lower_bound(const trust_store *s, uint64_t h)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->by_subject[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * By raw name: an issuer name is nearly always a copy of the issuer's
 * subject bytes, and comparing bytes needs no decoding of the candidates.
 */
int tstore_find_issuers(const trust_store *s, const trust_cert *child, tcandidates *out,
			bool *raw_found)
{
	bool raw = false;
	for (size_t k = lower_bound(s, child->issuer_key);
	     k < s->n && s->by_subject[k].h == child->issuer_key; k++) {
		const struct trust_cert_entry *e = &s->e[s->by_subject[k].i];
		if (!tcert_names_chain_raw(e->cert, child))
			continue;
		raw = true;
		if (!tcert_ready(e->cert))
			continue;
		if (tcandidates_push(out, e) != TRUST_OK)
			return TRUST_ENOMEM;
	}
	*raw_found = raw;
	return TRUST_OK;
}

trust_origin tstore_anchor_origin(const trust_store *s, const trust_cert *c)
{
	for (size_t k = lower_bound(s, c->subject_key);
	     k < s->n && s->by_subject[k].h == c->subject_key; k++) {
		const struct trust_cert_entry *e = &s->e[s->by_subject[k].i];
		if (e->origin != TRUST_ORIGIN_NONE && tcert_same(e->cert, c))
			return e->origin;
	}
	return TRUST_ORIGIN_NONE;
}

const tcrl_list *tstore_crls(const trust_store *s)
{
	return &s->crls;
}
