/*
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 * as an OpenSSL ASN.1 template whose SubjectPublicKeyInfo is left raw.
 *
 * The field list mirrors OpenSSL's X509_CINF and X509 items (crypto/x509/x_x509.c),
 * so the same decoder accepts and rejects the same encodings: lengths, tags,
 * trailing bytes, names that do not canonicalise.  What OpenSSL does after the
 * decode (decode the key through its provider decoders, build each name's
 * entries and canonical encoding, cache extensions, SHA-1 fingerprint,
 * one-line subject) is left for first use.
 */
#include "internal.h"

#include <openssl/asn1t.h>
#include <string.h>

/*
 * Name: the RDN sequence decoded with OpenSSL's X509_NAME_ENTRY item (the
 * shape of its X509_NAME_INTERNAL), kept only as the received bytes, the
 * number of attributes and a hash of the attribute types per RDN.  What
 * x509_name_ex_d2i refuses beyond the shape is refused too: a name longer
 * than its 1 MiB limit, and a string its canonical form cannot be made of
 * (ASN1_STRING_to_UTF8 fails).  The X509_NAME itself, with its canonical
 * encoding, is made on first use (tasn1_name_x509).
 */
ASN1_ITEM_TEMPLATE(TASN1_RDN) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_OF, 0, RDN, X509_NAME_ENTRY)
static_ASN1_ITEM_TEMPLATE_END(TASN1_RDN)

ASN1_ITEM_TEMPLATE(TASN1_RDNS) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, Name, TASN1_RDN)
static_ASN1_ITEM_TEMPLATE_END(TASN1_RDNS)

#define TASN1_NAME_MAX (1024 * 1024)   /* x509_name_ex_d2i's X509_NAME_MAX */
#define TASN1_MASK_CANON                                                            \
	(B_ASN1_UTF8STRING | B_ASN1_BMPSTRING | B_ASN1_UNIVERSALSTRING |              \
	 B_ASN1_PRINTABLESTRING | B_ASN1_T61STRING | B_ASN1_IA5STRING | B_ASN1_VISIBLESTRING)

static int name_new(ASN1_VALUE **val, const ASN1_ITEM *it)
{
	(void)it;
	TASN1_NAME *n = OPENSSL_zalloc(sizeof(*n));
	if (!n)
		return 0;
	atomic_init(&n->x, NULL);
	*val = (ASN1_VALUE *)n;
	return 1;
}

static void name_free(ASN1_VALUE **val, const ASN1_ITEM *it)
{
	(void)it;
	if (!val || !*val)
		return;
	TASN1_NAME *n = (TASN1_NAME *)*val;
	X509_NAME_free(atomic_load(&n->x));
	OPENSSL_free(n);
	*val = NULL;
}

static void free_rdn(STACK_OF(X509_NAME_ENTRY) *rdn)
{
	sk_X509_NAME_ENTRY_pop_free(rdn, X509_NAME_ENTRY_free);
}

/* Types whose ASCII-only values are their own UTF-8 form. */
#define TASN1_MASK_ASCII                                                             \
	(B_ASN1_UTF8STRING | B_ASN1_PRINTABLESTRING | B_ASN1_T61STRING | B_ASN1_IA5STRING | \
	 B_ASN1_VISIBLESTRING)

static bool canon_space(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/*
 * FNV-1a of a value's canonical form (x509_name_canon: trimmed, inner
 * white space runs made one space, ASCII lower-cased) when the value is
 * ASCII text of a type converted to UTF-8 unchanged; 0 otherwise (then no
 * conclusion is drawn from it).
 */
static uint64_t canon_value_key(const ASN1_STRING *v)
{
	if (!(ASN1_tag2bit(v->type) & TASN1_MASK_ASCII))
		return 0;
	const unsigned char *d = v->data;
	int b = 0, e = v->length;
	while (b < e && canon_space(d[b]))
		b++;
	while (e > b && canon_space(d[e - 1]))
		e--;
	uint64_t h = 0xcbf29ce484222325u;
	for (int i = b; i < e; i++) {
		unsigned char ch = d[i];
		if (ch >= 0x80)
			return 0;
		if (canon_space(ch)) {
			while (canon_space(d[i + 1]))
				i++;
			ch = ' ';
		} else if (ch >= 'A' && ch <= 'Z') {
			ch = (unsigned char)(ch - 'A' + 'a');
		}
		h = (h ^ ch) * 0x100000001b3u;
	}
	return h | 1; /* never 0 */
}

/*
 * Whether ASN1_STRING_to_UTF8 can refuse this canonicalised value.  It
 * reads the one-byte types (PrintableString, T61String, IA5String,
 * VisibleString) byte by byte, each byte a code point below 256, all valid;
 * a UTF8String of ASCII bytes decodes the same way.  Only BMPString,
 * UniversalString and a UTF8String with a byte above 0x7f (lengths, UTF-8
 * sequences, surrogates, code points over U+10FFFF) are really checked:
 * the conversion, an allocation and a copy per attribute, is made only for
 * those.
 */
static bool utf8_may_fail(const ASN1_STRING *v)
{
	unsigned long bit = ASN1_tag2bit(v->type);
	if (!(bit & TASN1_MASK_CANON))
		return false;
	if (bit & (B_ASN1_BMPSTRING | B_ASN1_UNIVERSALSTRING))
		return true;
	if (!(bit & B_ASN1_UTF8STRING))
		return false;
	for (int i = 0; i < v->length; i++)
		if (v->data[i] >= 0x80)
			return true;
	return false;
}

/*
 * Counts the attributes, checks that each string a canonical form is made
 * of converts to UTF-8, and keys the name RDN by RDN (order-free within one
 * RDN, as its canonical SET OF is sorted): `shape` by attribute types,
 * `canon` by types and canonical values when every value is ASCII text
 * (else 0).  Different keys prove different names; equal keys prove nothing.
 */
static bool name_facts(TASN1_NAME *n, OPENSSL_STACK *rdns)
{
	uint64_t shape = 0xcbf29ce484222325u, canon = shape;
	bool ascii = true;
	for (int i = 0; i < OPENSSL_sk_num(rdns); i++) {
		STACK_OF(X509_NAME_ENTRY) *rdn = OPENSSL_sk_value(rdns, i);
		uint64_t set = 0, cset = 0;
		for (int j = 0; j < sk_X509_NAME_ENTRY_num(rdn); j++) {
			const X509_NAME_ENTRY *e = sk_X509_NAME_ENTRY_value(rdn, j);
			const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
			if (utf8_may_fail(v)) {
				unsigned char *utf8 = NULL;
				int len = ASN1_STRING_to_UTF8(&utf8, v);
				OPENSSL_free(utf8);
				if (len < 0)
					return false;
			}
			const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
			uint64_t type = tname_key(OBJ_get0_data(o), OBJ_length(o));
			uint64_t value = ascii ? canon_value_key(v) : 0;
			ascii = value != 0;
			set += type;
			cset += (type ^ value) * 0x9e3779b97f4a7c15u;
			n->entries++;
		}
		shape = (shape ^ set) * 0x100000001b3u;
		canon = (canon ^ cset) * 0x100000001b3u;
	}
	n->shape = shape;
	n->canon = ascii ? canon | 1 : 0;
	return true;
}

/*
 * Names already decoded in this parse, and the hint the caller gave (the
 * issuer name of the certificate before this one in a presented chain).  A
 * Name whose whole TLV is byte for byte one of them decodes the same way to
 * the same facts, so it takes them without decoding its RDNs again: a
 * self-issued certificate's subject is its issuer, a chain certificate's
 * subject the issuer of the one before it.  Entries copy the facts and point
 * at bytes that outlive the parse (the parsed buffer, the hint's record).
 */
#define TASN1_MEMO_MAX 3

typedef struct name_seen {
	const unsigned char *der;
	size_t len;
	int entries;
	uint64_t shape, canon;
} name_seen;

typedef struct name_memo {
	name_seen seen[TASN1_MEMO_MAX];
	size_t n;
} name_memo;

static _Thread_local name_memo *memo;

static void memo_add(const TASN1_NAME *n)
{
	if (memo && memo->n < TASN1_MEMO_MAX) {
		name_seen *m = &memo->seen[memo->n++];
		m->der = n->der;
		m->len = n->len;
		m->entries = n->entries;
		m->shape = n->shape;
		m->canon = n->canon;
	}
}

static const name_seen *memo_find(const unsigned char *p, long len)
{
	for (size_t i = 0; memo && i < memo->n; i++) {
		const name_seen *m = &memo->seen[i];
		if (m->len <= (size_t)len && memcmp(p, m->der, m->len) == 0)
			return m;
	}
	return NULL;
}

static int name_d2i(ASN1_VALUE **val, const unsigned char **in, long len, const ASN1_ITEM *it,
		    int tag, int aclass, char opt, ASN1_TLC *ctx)
{
	(void)it;
	const unsigned char *p = *in, *q = *in;
	if (len > TASN1_NAME_MAX)
		len = TASN1_NAME_MAX;
	/* The template asks for both names untagged and not optional; only
	 * such a decode is remembered or reused.  A reused one skips
	 * ASN1_item_ex_d2i and so never reads or clears ctx, OpenSSL's cached
	 * header: sound only because the field before each Name (the signature
	 * AlgorithmIdentifier, the validity) is mandatory, and its successful
	 * decode leaves the cache empty.  Making either optional breaks this. */
	bool plain = tag == -1 && !opt;
	const name_seen *known = plain ? memo_find(p, len) : NULL;
	ASN1_VALUE *rdns = NULL;
	int ret = known ? 1
			: ASN1_item_ex_d2i(&rdns, &p, len, ASN1_ITEM_rptr(TASN1_RDNS), tag,
					   aclass, opt, ctx);
	if (ret <= 0)
		return ret;
	name_free(val, NULL);
	ret = name_new(val, NULL);
	TASN1_NAME *n = ret ? (TASN1_NAME *)*val : NULL;
	if (n && known) {
		n->entries = known->entries;
		n->shape = known->shape;
		n->canon = known->canon;
		n->der = q;
		n->len = known->len;
		*in = q + known->len;
	} else if (n && name_facts(n, (OPENSSL_STACK *)rdns)) {
		n->der = q;
		n->len = (size_t)(p - q);
		*in = p;
		if (plain)
			memo_add(n);
	} else {
		name_free(val, NULL);
		ret = 0;
	}
	OPENSSL_sk_pop_free((OPENSSL_STACK *)rdns, (void (*)(void *))free_rdn);
	return ret;
}

/* The received bytes again (only used if a TBS is ever re-encoded). */
static int name_i2d(const ASN1_VALUE **val, unsigned char **out, const ASN1_ITEM *it, int tag,
		    int aclass)
{
	(void)it;
	(void)tag;
	(void)aclass;
	const TASN1_NAME *n = (const TASN1_NAME *)*val;
	if (n->len > INT_MAX)
		return -1;
	if (out) {
		memcpy(*out, n->der, n->len);
		*out += n->len;
	}
	return (int)n->len;
}

static const ASN1_EXTERN_FUNCS tasn1_name_ff = {
	.asn1_ex_new = name_new,
	.asn1_ex_free = name_free,
	.asn1_ex_d2i = name_d2i,
	.asn1_ex_i2d = name_i2d,
};

IMPLEMENT_EXTERN_ASN1(TASN1_NAME, V_ASN1_SEQUENCE, tasn1_name_ff)

X509_NAME *tasn1_name_x509(TASN1_NAME *n)
{
	X509_NAME *x = atomic_load_explicit(&n->x, memory_order_acquire);
	if (x)
		return x;
	const unsigned char *p = n->der;
	x = d2i_X509_NAME(NULL, &p, (long)n->len);
	ERR_clear_error();
	if (!x)
		return NULL;
	X509_NAME *expected = NULL;
	if (!atomic_compare_exchange_strong(&n->x, &expected, x)) {
		X509_NAME_free(x);
		return expected;
	}
	return x;
}

ASN1_SEQUENCE_enc(TASN1_SPKI, enc, 0) = {
	ASN1_SIMPLE(TASN1_SPKI, alg, X509_ALGOR),
	ASN1_SIMPLE(TASN1_SPKI, key, ASN1_BIT_STRING)
} ASN1_SEQUENCE_END_enc(TASN1_SPKI, TASN1_SPKI)

ASN1_SEQUENCE_enc(TASN1_TBS, enc, 0) = {
	ASN1_EXP_OPT(TASN1_TBS, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(TASN1_TBS, serial, ASN1_INTEGER),
	ASN1_SIMPLE(TASN1_TBS, sigalg, X509_ALGOR),
	ASN1_SIMPLE(TASN1_TBS, issuer, TASN1_NAME),
	ASN1_SIMPLE(TASN1_TBS, validity, X509_VAL),
	ASN1_SIMPLE(TASN1_TBS, subject, TASN1_NAME),
	ASN1_SIMPLE(TASN1_TBS, spki, TASN1_SPKI),
	ASN1_IMP_OPT(TASN1_TBS, issuer_uid, ASN1_BIT_STRING, 1),
	ASN1_IMP_OPT(TASN1_TBS, subject_uid, ASN1_BIT_STRING, 2),
	ASN1_EXP_SEQUENCE_OF_OPT(TASN1_TBS, exts, X509_EXTENSION, 3)
} ASN1_SEQUENCE_END_enc(TASN1_TBS, TASN1_TBS)

ASN1_SEQUENCE(TASN1_CERT) = {
	ASN1_SIMPLE(TASN1_CERT, tbs, TASN1_TBS),
	ASN1_SIMPLE(TASN1_CERT, sigalg, X509_ALGOR),
	ASN1_SIMPLE(TASN1_CERT, sig, ASN1_BIT_STRING)
} ASN1_SEQUENCE_END(TASN1_CERT)

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1),
 * with BIGNUM fields as OpenSSL's own RSAPublicKey item has them (crypto/rsa/rsa_asn1.c),
 * so a key decodes here exactly when OpenSSL's decoder takes it (an INTEGER
 * with a superfluous leading zero octet included). */
typedef struct tasn1_rsa_pub {
	BIGNUM *n;
	BIGNUM *e;
} TASN1_RSA_PUB;

ASN1_SEQUENCE(TASN1_RSA_PUB) = {
	ASN1_SIMPLE(TASN1_RSA_PUB, n, BIGNUM),
	ASN1_SIMPLE(TASN1_RSA_PUB, e, BIGNUM)
} ASN1_SEQUENCE_END(TASN1_RSA_PUB)

TASN1_CERT *tasn1_cert_parse(const unsigned char *der, size_t len, const TASN1_NAME *hint)
{
	if (len > (size_t)LONG_MAX)
		return NULL;
	const unsigned char *p = der;
	name_memo m = { .n = 0 };
	memo = &m;
	if (hint)
		memo_add(hint);
	TASN1_CERT *t = (TASN1_CERT *)ASN1_item_d2i(NULL, &p, (long)len, ASN1_ITEM_rptr(TASN1_CERT));
	memo = NULL;
	if (t && (size_t)(p - der) != len) {
		tasn1_cert_free(t);
		t = NULL;
	}
	if (!t)
		ERR_clear_error();
	return t;
}

void tasn1_cert_free(TASN1_CERT *t)
{
	ASN1_item_free((ASN1_VALUE *)t, ASN1_ITEM_rptr(TASN1_CERT));
}

/*
 * What X509_verify does, over the TBS encoding saved at parse time (i2d of an
 * unmodified ASN1_SEQUENCE_enc item returns the received bytes): the outer
 * and inner algorithms must agree, then ASN1_item_verify_ex checks the key
 * type against the algorithm, the bit string's unused bits and the signature.
 */
int tasn1_cert_verify(const TASN1_CERT *t, EVP_PKEY *issuer_key)
{
	if (!t || !issuer_key || X509_ALGOR_cmp(t->sigalg, t->tbs->sigalg) != 0)
		return 0;
	/* OpenSSL's error queue is left to the caller, which tells an internal
	 * failure (no memory) from a bad signature by it (sigcheck.c). */
	return ASN1_item_verify_ex(ASN1_ITEM_rptr(TASN1_TBS), t->sigalg, t->sig, t->tbs, NULL,
				   issuer_key, NULL, NULL) == 1;
}

bool tasn1_rsa_parts(const unsigned char *key, size_t len, BIGNUM **n, BIGNUM **e)
{
	const unsigned char *p = key;
	*n = *e = NULL;
	if (len > (size_t)LONG_MAX)
		return false;
	TASN1_RSA_PUB *k = (TASN1_RSA_PUB *)ASN1_item_d2i(NULL, &p, (long)len,
							   ASN1_ITEM_rptr(TASN1_RSA_PUB));
	ERR_clear_error();
	if (!k)
		return false;
	*n = k->n;
	*e = k->e;
	k->n = k->e = NULL;
	ASN1_item_free((ASN1_VALUE *)k, ASN1_ITEM_rptr(TASN1_RSA_PUB));
	return true;
}
