/*
 * One record per certificate: the DER as received, libtrust's template parse
 * of it (raw TBS and SPKI, names, extensions) and the facts path building
 * and validation read on every candidate.  The X509 and the public key are
 * made only when something asks for them (tcert_x509, tcert_pkey).
 */
#include "internal.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t asn1_time_to_epoch(const ASN1_TIME *t, bool *ok)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		*ok = false;
		return 0;
	}
	return (int64_t)timegm(&tm);
}

/*
 * 1 if two parsed names are the same name (RFC 5280 §7.1, X509_NAME_cmp),
 * 0 if not, -1 if that could not be told (no memory).  The same bytes are
 * the same name; names whose attribute types, or (all ASCII) canonical
 * values, differ RDN by RDN cannot have the same canonical form; only the
 * rest need their X509_NAMEs.
 */
static int names_equal(TASN1_NAME *a, TASN1_NAME *b)
{
	if (a->len == b->len && memcmp(a->der, b->der, a->len) == 0)
		return 1;
	if (a->entries != b->entries || a->shape != b->shape ||
	    (a->canon && b->canon && a->canon != b->canon))
		return 0;
	const X509_NAME *xa = tasn1_name_x509(a), *xb = tasn1_name_x509(b);
	if (!xa || !xb)
		return -1;
	return X509_NAME_cmp(xa, xb) == 0;
}

static pthread_mutex_t ready_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * The signed data's cache key: SHA-256 of the TBS digest with the signature
 * algorithm and value that follow the TBS in the received DER.  Those three
 * decide the verification result under a given issuer key, as the whole
 * DER's hash did, at one hash of the TBS instead of two.
 */
static bool make_signed_key(const trust_cert *c, const unsigned char tbs_sha256[32],
			    unsigned char out[32])
{
	const ASN1_ENCODING *tbs = &c->t->tbs->enc;
	const unsigned char *p = c->der;
	long plen = 0;
	int tag = 0, cls = 0;
	if (ASN1_get_object(&p, &plen, &tag, &cls, (long)c->der_len) & 0x80) {
		ERR_clear_error();
		return false; /* the template accepted these bytes: not reached */
	}
	size_t head = (size_t)(p - c->der);
	if (!tbs->enc || head + (size_t)tbs->len > c->der_len ||
	    memcmp(p, tbs->enc, (size_t)tbs->len) != 0)
		return false;
	const unsigned char *tail = p + tbs->len;
	size_t tail_len = c->der_len - head - (size_t)tbs->len;
	unsigned char small[1024];
	unsigned char *buf = 32 + tail_len <= sizeof(small) ? small : malloc(32 + tail_len);
	if (!buf)
		return false;
	memcpy(buf, tbs_sha256, 32);
	memcpy(buf + 32, tail, tail_len);
	bool ok = tsha256(buf, 32 + tail_len, out);
	if (buf != small)
		free(buf);
	return ok;
}

/*
 * The hashes of a ready record, each made on first use: the TBS digest when
 * the record is first checked as a child, the cache key when a signature
 * cache first asks.  A cold evaluation without a cache hashes no anchor and
 * makes no cache key.  Hashing runs outside any lock, so threads meeting new
 * leaves never queue behind one another (two may hash one record, to the same
 * bytes); only publishing takes ready_mu, and a bit is set after its bytes are
 * written.  A hash that could not be made (no memory) is not kept: NULL now,
 * tried again next time.
 */
static const unsigned char *lazy_hash(trust_cert *c, unsigned bit)
{
	const unsigned char *out = bit == TCERT_HASH_TBS ? c->tbs_sha256 : c->signed_key;
	unsigned done = atomic_load_explicit(&c->hashes, memory_order_acquire);
	if (done & bit)
		return out;
	const ASN1_ENCODING *tbs = c->t ? &c->t->tbs->enc : NULL;
	unsigned char tbs_sha256[32], signed_key[32];
	if (done & TCERT_HASH_TBS)
		memcpy(tbs_sha256, c->tbs_sha256, 32);
	else if (!tbs || !tbs->enc || !tsha256(tbs->enc, (size_t)tbs->len, tbs_sha256))
		return NULL;
	unsigned made = TCERT_HASH_TBS;
	if (bit == TCERT_HASH_SIGNED) {
		if (!make_signed_key(c, tbs_sha256, signed_key))
			return NULL;
		made |= TCERT_HASH_SIGNED;
	}
	pthread_mutex_lock(&ready_mu);
	done = atomic_load_explicit(&c->hashes, memory_order_relaxed);
	if (!(done & TCERT_HASH_TBS))
		memcpy(c->tbs_sha256, tbs_sha256, 32);
	if ((made & TCERT_HASH_SIGNED) && !(done & TCERT_HASH_SIGNED))
		memcpy(c->signed_key, signed_key, 32);
	atomic_store_explicit(&c->hashes, done | made, memory_order_release);
	pthread_mutex_unlock(&ready_mu);
	return out;
}

const unsigned char *tcert_tbs_sha256(const trust_cert *c)
{
	return lazy_hash((trust_cert *)c, TCERT_HASH_TBS);
}

const unsigned char *tcert_signed_key(const trust_cert *c)
{
	return lazy_hash((trust_cert *)c, TCERT_HASH_SIGNED);
}

/*
 * Fills every field from the template parse c->t.  A lazy record already has
 * its raw subject slice and key, which the index reads from other threads,
 * so they are not rewritten.  0 on success.
 */
static int fill(trust_cert *c, trust_error *err, const char *src, size_t index)
{
	const TASN1_TBS *tbs = c->t->tbs;
	c->issuer_key = tname_key(tbs->issuer->der, tbs->issuer->len);
	if (!c->subject_der) {
		c->subject_der = tbs->subject->der;
		c->subject_der_len = tbs->subject->len;
		c->subject_key = tname_key(c->subject_der, c->subject_der_len);
	}
	bool tok = true;
	c->not_before = asn1_time_to_epoch(tbs->validity->notBefore, &tok);
	c->not_after = asn1_time_to_epoch(tbs->validity->notAfter, &tok);
	if (!tok)
		return terr_set(err, TRUST_EPARSE, "%s: certificate %zu: validity dates are malformed",
				src, index + 1);

	/* X509_get_version: the INTEGER's value, 0 when the field is absent. */
	c->version = tbs->version ? ASN1_INTEGER_get(tbs->version) : 0;
	int same = names_equal(tbs->subject, tbs->issuer);
	if (same < 0)
		return terr_set(err, TRUST_ENOMEM, "%s: certificate %zu: out of memory", src,
				index + 1);
	c->self_issued = same == 1;
	tcert_fill_key(c);
	return tcert_fill_extensions(c);
}

static trust_cert *alloc_cert(const char *source)
{
	trust_cert *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	atomic_init(&c->refs, 1);
	atomic_init(&c->ready, false);
	atomic_init(&c->sha256_done, false);
	atomic_init(&c->hashes, 0);
	atomic_init(&c->subject_str, NULL);
	atomic_init(&c->issuer_str, NULL);
	atomic_init(&c->spki_sha256, NULL);
	atomic_init(&c->x509, NULL);
	atomic_init(&c->pkey, NULL);
	atomic_init(&c->verify_ctx, NULL);
	c->source = strdup(source ? source : "memory");
	if (!c->source) {
		free(c);
		return NULL;
	}
	return c;
}

/* Copies the DER into the record. */
static bool keep_der(trust_cert *c, const unsigned char *der, size_t len)
{
	c->der = malloc(len ? len : 1);
	if (!c->der)
		return false;
	memcpy(c->der, der, len);
	c->der_len = len;
	return true;
}

trust_cert *tcert_from_der(const unsigned char *der, size_t len, const char *source,
			   size_t index, trust_error *err)
{
	return tcert_from_der_after(der, len, source, index, NULL, err);
}

trust_cert *tcert_from_der_after(const unsigned char *der, size_t len, const char *source,
				 size_t index, const trust_cert *prev, trust_error *err)
{
	/* Messages name the input and the certificate's place in it. */
	const char *src = source ? source : "memory";
	if (len > TRUST_MAX_FILE_BYTES || len > (size_t)LONG_MAX) {
		terr_set(err, TRUST_ELIMIT, "%s: certificate %zu: too large", src, index + 1);
		return NULL;
	}
	trust_cert *c = alloc_cert(source);
	if (!c || !keep_der(c, der, len)) {
		tcert_unref(c);
		terr_set(err, TRUST_ENOMEM, "out of memory");
		return NULL;
	}
	/* Trailing bytes fail the parse too; say so when they are the reason. */
	const unsigned char *p = der;
	long plen = 0;
	int tag = 0, cls = 0;
	int r = ASN1_get_object(&p, &plen, &tag, &cls, (long)len);
	terr_ossl_clear();
	size_t first = (r & 0x80) ? len : (size_t)(p - der) + (size_t)plen;
	/* Names point into c->der; prev's issuer name is often this subject. */
	c->t = tasn1_cert_parse(c->der, c->der_len, prev && prev->t ? prev->t->tbs->issuer : NULL);
	TASN1_CERT *prefix = !c->t && first < len ? tasn1_cert_parse(der, first, NULL) : NULL;
	if (prefix) {
		tasn1_cert_free(prefix);
		terr_set(err, TRUST_EPARSE,
			 "%s: certificate %zu: %zu trailing bytes after the certificate", src, index + 1,
			 len - first);
		tcert_unref(c);
		return NULL;
	}
	if (!c->t) {
		terr_set(err, TRUST_EPARSE, "%s: certificate %zu: not a valid DER certificate", src,
			 index + 1);
		tcert_unref(c);
		return NULL;
	}
	if (fill(c, err, src, index) != TRUST_OK) {
		tcert_unref(c);
		return NULL;
	}
	atomic_store_explicit(&c->ready, true, memory_order_release);
	return c;
}

trust_cert *tcert_from_x509(X509 *x509, const char *source, trust_error *err)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x509, &der);
	if (len <= 0) {
		terr_set(err, TRUST_EPARSE, "%s: certificate cannot be encoded",
			 source ? source : "memory");
		return NULL;
	}
	trust_cert *c = tcert_from_der(der, (size_t)len, source, 0, err);
	OPENSSL_free(der);
	if (c && X509_up_ref(x509))
		atomic_store(&c->x509, x509);
	return c;
}

/*
 * Finds the subject Name inside Certificate ::= SEQUENCE { tbsCertificate
 * SEQUENCE { [0] version OPTIONAL, serial, signature, issuer, validity,
 * subject, ... } } by stepping over whole elements with OpenSSL's
 * ASN1_get_object; the Name itself is decoded by d2i_X509_NAME.
 */
bool tcert_locate_subject(const unsigned char *der, size_t len, const unsigned char **out,
			  long *out_len)
{
	const unsigned char *p = der, *end = der + len;
	long l;
	int tag, cls;
	int r = ASN1_get_object(&p, &l, &tag, &cls, (long)len);
	if ((r & 0x80) || tag != V_ASN1_SEQUENCE)
		return false;
	r = ASN1_get_object(&p, &l, &tag, &cls, end - p);
	if ((r & 0x80) || tag != V_ASN1_SEQUENCE || l > end - p)
		return false;
	const unsigned char *tbs_end = p + l;
	for (int field = 0; field < 6; field++) {
		const unsigned char *start = p;
		r = ASN1_get_object(&p, &l, &tag, &cls, tbs_end - p);
		if ((r & 0x80) || l > tbs_end - p)
			return false;
		if (field == 0 && cls != V_ASN1_CONTEXT_SPECIFIC)
			field++; /* v1: no explicit version */
		if (field == 5) {
			*out = start;
			*out_len = (long)(p - start) + l;
			return true;
		}
		p += l;
	}
	return false;
}

trust_cert *tcert_lazy_from_der(const unsigned char *der, size_t len, const char *source,
				size_t index, trust_error *err)
{
	const char *src = source ? source : "memory";
	const unsigned char *subj;
	long slen;
	if (len > TRUST_MAX_FILE_BYTES || !tcert_locate_subject(der, len, &subj, &slen)) {
		terr_set(err, TRUST_EPARSE, "%s: certificate %zu: truncated or malformed DER", src,
			 index + 1);
		return NULL;
	}
	trust_cert *c = alloc_cert(source);
	if (!c || !keep_der(c, der, len)) {
		tcert_unref(c);
		terr_set(err, TRUST_ENOMEM, "out of memory");
		return NULL;
	}
	c->subject_der = c->der + (subj - der);
	c->subject_der_len = (size_t)slen;
	c->subject_key = tname_key(c->subject_der, c->subject_der_len);
	return c;
}

bool tcert_ready(const trust_cert *cert)
{
	return tcert_ready_named(cert, NULL);
}

bool tcert_ready_named(const trust_cert *cert, const TASN1_NAME *name)
{
	trust_cert *c = (trust_cert *)cert;
	if (atomic_load_explicit(&c->ready, memory_order_acquire))
		return c->t != NULL;
	pthread_mutex_lock(&ready_mu);
	if (!atomic_load_explicit(&c->ready, memory_order_relaxed)) {
		c->t = tasn1_cert_parse(c->der, c->der_len, name);
		if (c->t && fill(c, NULL, c->source, 0) != TRUST_OK) {
			tasn1_cert_free(c->t);
			c->t = NULL;
		}
		terr_ossl_clear();
		atomic_store_explicit(&c->ready, true, memory_order_release);
	}
	pthread_mutex_unlock(&ready_mu);
	return c->t != NULL;
}

const X509_NAME *tcert_subject_name(const trust_cert *c)
{
	return tasn1_name_x509(c->t->tbs->subject);
}

const X509_NAME *tcert_issuer_name(const trust_cert *c)
{
	return tasn1_name_x509(c->t->tbs->issuer);
}

const unsigned char *tcert_issuer_der(const trust_cert *c, size_t *len)
{
	*len = c->t->tbs->issuer->len;
	return c->t->tbs->issuer->der;
}

int tcert_name_entries(const trust_cert *c, bool subject)
{
	return subject ? c->t->tbs->subject->entries : c->t->tbs->issuer->entries;
}

bool tcert_same_subject(const trust_cert *a, const trust_cert *b)
{
	return names_equal(a->t->tbs->subject, b->t->tbs->subject) != 0;
}

const ASN1_INTEGER *tcert_serial(const trust_cert *c)
{
	return c->t->tbs->serial;
}

const X509_ALGOR *tcert_sigalg(const trust_cert *c)
{
	return c->t->sigalg;
}

const X509_ALGOR *tcert_tbs_sigalg(const trust_cert *c)
{
	return c->t->tbs->sigalg;
}

const STACK_OF(X509_EXTENSION) *tcert_exts(const trust_cert *c)
{
	return c->t->tbs->exts;
}

int tcert_ext_index(const trust_cert *c, int nid, int lastpos)
{
	if (!c->ext_nids_ok)
		return X509v3_get_ext_by_NID(c->t->tbs->exts, nid, lastpos);
	if (nid == NID_undef) /* OpenSSL compares with the empty OID: never equal */
		return -1;
	for (int k = lastpos < 0 ? 0 : lastpos + 1; k < c->n_ext_nids; k++)
		if (c->ext_nids[k] == nid)
			return k;
	return -1;
}

void *tcert_ext_d2i(const trust_cert *c, int nid, int *crit)
{
	void *v = X509V3_get_d2i(c->t->tbs->exts, nid, crit, NULL);
	ERR_clear_error();
	return v;
}

bool tcert_ext_critical(const trust_cert *c, int nid)
{
	int idx = tcert_ext_index(c, nid, -1);
	return idx >= 0 &&
	       X509_EXTENSION_get_critical(X509v3_get_ext(c->t->tbs->exts, idx)) != 0;
}

/* Made from the same bytes the template accepted, so it normally succeeds;
 * when it does not, callers get NULL and fail closed. */
X509 *tcert_x509(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	X509 *x = atomic_load_explicit(&c->x509, memory_order_acquire);
	if (x || !c->der)
		return x;
	const unsigned char *p = c->der;
	x = d2i_X509(NULL, &p, (long)c->der_len);
	if (x && (size_t)(p - c->der) != c->der_len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	if (!x)
		return NULL;
	X509 *expected = NULL;
	if (!atomic_compare_exchange_strong(&c->x509, &expected, x)) {
		X509_free(x);
		return expected;
	}
	return x;
}

trust_cert *tcert_ref(trust_cert *c)
{
	if (c)
		atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	return c;
}

void tcert_unref(trust_cert *c)
{
	if (!c || atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
		return;
	X509_free(atomic_load(&c->x509));
	tcert_free_verify_ctx(atomic_load(&c->verify_ctx));
	EVP_PKEY_free(atomic_load(&c->pkey));
	tasn1_cert_free(c->t);
	ASN1_OCTET_STRING_free(c->ski);
	AUTHORITY_KEYID_free(c->aki);
	BN_free(c->rsa_n);
	BN_free(c->rsa_e);
	GENERAL_NAMES_free(c->san);
	free(c->der);
	free(atomic_load(&c->subject_str));
	free(atomic_load(&c->issuer_str));
	free(atomic_load(&c->spki_sha256));
	free(c->source);
	free(c);
}

bool tcert_names_chain_raw(const trust_cert *issuer, const trust_cert *child)
{
	const TASN1_NAME *n = child->t->tbs->issuer;
	return issuer->subject_key == child->issuer_key && n->len == issuer->subject_der_len &&
	       memcmp(n->der, issuer->subject_der, n->len) == 0;
}

bool tcert_names_chain(const trust_cert *issuer, const trust_cert *child)
{
	return names_equal(issuer->t->tbs->subject, child->t->tbs->issuer) == 1;
}

bool tcert_name_hash(const trust_cert *c, bool subject, unsigned long *out)
{
	const X509_NAME *n = subject ? tcert_subject_name(c) : tcert_issuer_name(c);
	int ok = 0;
	*out = n ? X509_NAME_hash_ex(n, NULL, NULL, &ok) : 0;
	ERR_clear_error();
	return ok == 1;
}

bool tcert_same(const trust_cert *a, const trust_cert *b)
{
	return a == b ||
	       (a->der_len == b->der_len && memcmp(a->der, b->der, a->der_len) == 0);
}

/* Lazily made strings: racing threads may both compute; the loser frees its copy. */
static const char *lazy_name(_Atomic(char *) *slot, const X509_NAME *name)
{
	char *cur = atomic_load_explicit(slot, memory_order_acquire);
	if (cur)
		return cur;
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return "";
	/* A failed print (no memory) is not cached: the next call tries again. */
	int printed = X509_NAME_print_ex(b, name, 0, TRUST_DN_FLAGS);
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);
	char *s = printed >= 0 && n >= 0 && (data || n == 0) ? malloc((size_t)n + 1) : NULL;
	if (!s) {
		BIO_free(b);
		return "";
	}
	if (n)
		memcpy(s, data, (size_t)n);
	s[n] = '\0';
	BIO_free(b);
	char *expected = NULL;
	if (!atomic_compare_exchange_strong(slot, &expected, s)) {
		free(s);
		return expected;
	}
	return s;
}

X509 *trust_cert_x509(const trust_cert *cert)
{
	return cert && tcert_ready(cert) ? tcert_x509(cert) : NULL;
}

/* The subject or issuer as an RFC 2253 one-liner, made on first use. */
static const char *dn_text(const trust_cert *cert, bool subject)
{
	trust_cert *c = (trust_cert *)cert;
	if (!c)
		return NULL;
	if (!tcert_ready(c))
		return "";
	return subject ? lazy_name(&c->subject_str, tcert_subject_name(c))
		       : lazy_name(&c->issuer_str, tcert_issuer_name(c));
}

const char *trust_cert_subject(const trust_cert *cert)
{
	return dn_text(cert, true);
}

const char *trust_cert_issuer(const trust_cert *cert)
{
	return dn_text(cert, false);
}

const char *trust_cert_source(const trust_cert *cert)
{
	return cert ? cert->source : NULL;
}

const unsigned char *trust_cert_sha256(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	if (!c)
		return NULL;
	if (atomic_load_explicit(&c->sha256_done, memory_order_acquire))
		return c->sha256;
	pthread_mutex_lock(&ready_mu);
	if (!atomic_load_explicit(&c->sha256_done, memory_order_relaxed)) {
		if (!tsha256(c->der, c->der_len, c->sha256))
			memset(c->sha256, 0, sizeof(c->sha256)); /* no memory: no id */
		atomic_store_explicit(&c->sha256_done, true, memory_order_release);
	}
	pthread_mutex_unlock(&ready_mu);
	return c->sha256;
}

const unsigned char *trust_cert_spki_sha256(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	if (!c)
		return NULL;
	unsigned char *cur = atomic_load_explicit(&c->spki_sha256, memory_order_acquire);
	if (cur)
		return cur;
	unsigned char *h = calloc(1, 32);
	if (!h)
		return NULL;
	if (!tcert_ready(c)) {
		free(h);
		return NULL;
	}
	const TASN1_SPKI *spki = c->t->tbs->spki;
	if (!tsha256(spki->enc.enc, (size_t)spki->enc.len, h)) {
		free(h);
		return NULL;
	}
	unsigned char *expected = NULL;
	if (!atomic_compare_exchange_strong(&c->spki_sha256, &expected, h)) {
		free(h);
		return expected;
	}
	return h;
}

int64_t trust_cert_not_before(const trust_cert *cert)
{
	return cert && tcert_ready(cert) ? cert->not_before : 0;
}

int64_t trust_cert_not_after(const trust_cert *cert)
{
	return cert && tcert_ready(cert) ? cert->not_after : 0;
}
