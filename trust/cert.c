/*
 * One record per certificate, parsed once: path building and validation read
 * these fields instead of asking OpenSSL again for every candidate.
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

static bool ext_critical(X509 *x, int nid)
{
	int idx = X509_get_ext_by_NID(x, nid, -1);
	if (idx < 0)
		return false;
	return X509_EXTENSION_get_critical(X509_get_ext(x, idx)) != 0;
}

static void fill_key(trust_cert *c)
{
	EVP_PKEY *pk = X509_get0_pubkey(c->x509);
	c->pkey_type = pk ? EVP_PKEY_get_base_id(pk) : NID_undef;
	c->pkey_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
	int md = NID_undef, pknid = NID_undef;
	c->sig_nid = X509_get_signature_nid(c->x509);
	if (!OBJ_find_sigid_algs(c->sig_nid, &md, &pknid))
		md = NID_undef;
	c->sig_md_nid = md;
}

/*
 * Fills every field from c->x509.  A lazy record already has its DER hash and
 * subject hash, and other threads may be reading them, so they are not
 * rewritten.  0 on success.
 */
static int fill(trust_cert *c, const unsigned char *der, size_t len, trust_error *err,
		const char *where)
{
	X509 *x = c->x509;
	int ok = 1;
	if (!c->lazy_subject) {
		tsha256(der, len, c->sha256);
		c->subject_hash = X509_NAME_hash_ex(X509_get_subject_name(x), NULL, NULL, &ok);
		if (!ok)
			return terr_set(err, TRUST_EPARSE, "%s: subject name cannot be encoded",
					where);
	}
	c->issuer_hash = X509_NAME_hash_ex(X509_get_issuer_name(x), NULL, NULL, &ok);
	if (!ok)
		return terr_set(err, TRUST_EPARSE, "%s: issuer name cannot be encoded", where);

	bool tok = true;
	c->not_before = asn1_time_to_epoch(X509_get0_notBefore(x), &tok);
	c->not_after = asn1_time_to_epoch(X509_get0_notAfter(x), &tok);
	if (!tok)
		return terr_set(err, TRUST_EPARSE, "%s: validity dates are malformed", where);

	c->version = X509_get_version(x);
	c->self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;

	/* X509_get_extension_flags runs OpenSSL's extension cache once. */
	c->ex_flags = X509_get_extension_flags(x);
	c->has_bc = (c->ex_flags & EXFLAG_BCONS) != 0;
	c->is_ca = (c->ex_flags & EXFLAG_CA) != 0;
	c->bc_critical = c->has_bc && ext_critical(x, NID_basic_constraints);
	c->pathlen = c->is_ca ? X509_get_pathlen(x) : -1;
	c->ku = X509_get_key_usage(x);
	if (!(c->ex_flags & EXFLAG_KUSAGE))
		c->ku = TCERT_KU_ABSENT;
	c->has_eku = (c->ex_flags & EXFLAG_XKUSAGE) != 0;
	c->xku = c->has_eku ? X509_get_extended_key_usage(x) : 0;
	c->ski = X509_get0_subject_key_id(x);
	c->aki_keyid = X509_get0_authority_key_id(x);
	fill_key(c);
	return TRUST_OK;
}

static trust_cert *alloc_cert(const char *source)
{
	trust_cert *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	atomic_init(&c->refs, 1);
	atomic_init(&c->ready, false);
	atomic_init(&c->subject_str, NULL);
	atomic_init(&c->issuer_str, NULL);
	atomic_init(&c->spki_sha256, NULL);
	c->source = strdup(source ? source : "memory");
	if (!c->source) {
		free(c);
		return NULL;
	}
	return c;
}

trust_cert *tcert_from_der(const unsigned char *der, size_t len, const char *source,
			   size_t index, trust_error *err)
{
	char where[600];
	snprintf(where, sizeof(where), "%s: certificate %zu", source ? source : "memory",
		 index + 1);
	if (len > TRUST_MAX_FILE_BYTES || len > (size_t)LONG_MAX) {
		terr_set(err, TRUST_ELIMIT, "%s: too large", where);
		return NULL;
	}
	trust_cert *c = alloc_cert(source);
	if (!c) {
		terr_set(err, TRUST_ENOMEM, "out of memory");
		return NULL;
	}
	const unsigned char *p = der;
	c->x509 = d2i_X509(NULL, &p, (long)len);
	if (!c->x509) {
		ERR_clear_error();
		terr_set(err, TRUST_EPARSE, "%s: not a valid DER certificate", where);
		tcert_unref(c);
		return NULL;
	}
	if ((size_t)(p - der) != len) {
		terr_set(err, TRUST_EPARSE, "%s: %zu trailing bytes after the certificate", where,
			 len - (size_t)(p - der));
		tcert_unref(c);
		return NULL;
	}
	if (fill(c, der, len, err, where) != TRUST_OK) {
		tcert_unref(c);
		return NULL;
	}
	atomic_store_explicit(&c->ready, true, memory_order_release);
	return c;
}

trust_cert *tcert_from_x509(X509 *x509, const char *source, trust_error *err)
{
	trust_cert *c = alloc_cert(source);
	if (!c) {
		terr_set(err, TRUST_ENOMEM, "out of memory");
		return NULL;
	}
	unsigned char *der = NULL;
	int len = i2d_X509(x509, &der);
	if (len <= 0) {
		terr_set(err, TRUST_EPARSE, "%s: certificate cannot be encoded", c->source);
		tcert_unref(c);
		return NULL;
	}
	X509_up_ref(x509);
	c->x509 = x509;
	int rc = fill(c, der, (size_t)len, err, c->source);
	OPENSSL_free(der);
	if (rc != TRUST_OK) {
		tcert_unref(c);
		return NULL;
	}
	atomic_store_explicit(&c->ready, true, memory_order_release);
	return c;
}

/*
 * Finds the subject Name inside Certificate ::= SEQUENCE { tbsCertificate
 * SEQUENCE { [0] version OPTIONAL, serial, signature, issuer, validity,
 * subject, ... } } by stepping over whole elements with OpenSSL's
 * ASN1_get_object; the Name itself is decoded by d2i_X509_NAME.
 */
static bool locate_subject(const unsigned char *der, size_t len, const unsigned char **out,
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
	if (len > TRUST_MAX_FILE_BYTES || !locate_subject(der, len, &subj, &slen)) {
		terr_set(err, TRUST_EPARSE, "%s: certificate %zu: truncated or malformed DER", src,
			 index + 1);
		return NULL;
	}
	trust_cert *c = alloc_cert(source);
	if (!c) {
		terr_set(err, TRUST_ENOMEM, "out of memory");
		return NULL;
	}
	int ok = 0;
	c->lazy_subject = d2i_X509_NAME(NULL, &subj, slen);
	if (c->lazy_subject)
		c->subject_hash = X509_NAME_hash_ex(c->lazy_subject, NULL, NULL, &ok);
	c->der = malloc(len);
	if (!c->lazy_subject || !ok || !c->der) {
		ERR_clear_error();
		terr_set(err, c->der ? TRUST_EPARSE : TRUST_ENOMEM,
			 "%s: certificate %zu: malformed subject name", src, index + 1);
		tcert_unref(c);
		return NULL;
	}
	memcpy(c->der, der, len);
	c->der_len = len;
	tsha256(der, len, c->sha256);
	return c;
}

static pthread_mutex_t ready_mu = PTHREAD_MUTEX_INITIALIZER;

bool tcert_ready(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	if (atomic_load_explicit(&c->ready, memory_order_acquire))
		return c->x509 != NULL;
	pthread_mutex_lock(&ready_mu);
	if (!atomic_load_explicit(&c->ready, memory_order_relaxed)) {
		const unsigned char *p = c->der;
		c->x509 = d2i_X509(NULL, &p, (long)c->der_len);
		if (c->x509 && ((size_t)(p - c->der) != c->der_len ||
				fill(c, c->der, c->der_len, NULL, c->source) != TRUST_OK)) {
			X509_free(c->x509);
			c->x509 = NULL;
		}
		ERR_clear_error();
		free(c->der);
		c->der = NULL;
		atomic_store_explicit(&c->ready, true, memory_order_release);
	}
	pthread_mutex_unlock(&ready_mu);
	return c->x509 != NULL;
}

const X509_NAME *tcert_subject_name(const trust_cert *c)
{
	return c->lazy_subject ? c->lazy_subject : X509_get_subject_name(c->x509);
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
	X509_free(c->x509);
	X509_NAME_free(c->lazy_subject);
	free(c->der);
	free(atomic_load(&c->subject_str));
	free(atomic_load(&c->issuer_str));
	free(atomic_load(&c->spki_sha256));
	free(c->source);
	free(c);
}

bool tcert_names_chain(const trust_cert *issuer, const trust_cert *child)
{
	return issuer->subject_hash == child->issuer_hash &&
	       X509_NAME_cmp(tcert_subject_name(issuer), X509_get_issuer_name(child->x509)) == 0;
}

bool tcert_same(const trust_cert *a, const trust_cert *b)
{
	return a == b || memcmp(a->sha256, b->sha256, sizeof(a->sha256)) == 0;
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
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);
	char *s = malloc((size_t)n + 1);
	if (!s) {
		BIO_free(b);
		return "";
	}
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
	return cert && tcert_ready(cert) ? cert->x509 : NULL;
}

const char *trust_cert_subject(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	return lazy_name(&c->subject_str, tcert_subject_name(c));
}

const char *trust_cert_issuer(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	if (!tcert_ready(c))
		return "";
	return lazy_name(&c->issuer_str, X509_get_issuer_name(c->x509));
}

const char *trust_cert_source(const trust_cert *cert)
{
	return cert->source;
}

const unsigned char *trust_cert_sha256(const trust_cert *cert)
{
	return cert->sha256;
}

const unsigned char *trust_cert_spki_sha256(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
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
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c->x509), &der);
	if (len > 0)
		tsha256(der, (size_t)len, h);
	OPENSSL_free(der);
	unsigned char *expected = NULL;
	if (!atomic_compare_exchange_strong(&c->spki_sha256, &expected, h)) {
		free(h);
		return expected;
	}
	return h;
}

int64_t trust_cert_not_before(const trust_cert *cert)
{
	return tcert_ready(cert) ? cert->not_before : 0;
}

int64_t trust_cert_not_after(const trust_cert *cert)
{
	return tcert_ready(cert) ? cert->not_after : 0;
}
