/*
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 * as an OpenSSL ASN.1 template whose SubjectPublicKeyInfo is left raw.
 *
 * The field list mirrors OpenSSL's X509_CINF and X509 items (crypto/x509/x_x509.c),
 * so the same decoder accepts and rejects the same encodings: lengths, tags,
 * trailing bytes, names that do not canonicalise.  What OpenSSL does after the
 * decode (decode the key through its provider decoders, cache extensions,
 * SHA-1 fingerprint, one-line subject) is left for first use.
 */
#include "internal.h"

#include <openssl/asn1t.h>

ASN1_SEQUENCE_enc(TASN1_SPKI, enc, 0) = {
	ASN1_SIMPLE(TASN1_SPKI, alg, X509_ALGOR),
	ASN1_SIMPLE(TASN1_SPKI, key, ASN1_BIT_STRING)
} ASN1_SEQUENCE_END_enc(TASN1_SPKI, TASN1_SPKI)

ASN1_SEQUENCE_enc(TASN1_TBS, enc, 0) = {
	ASN1_EXP_OPT(TASN1_TBS, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(TASN1_TBS, serial, ASN1_INTEGER),
	ASN1_SIMPLE(TASN1_TBS, sigalg, X509_ALGOR),
	ASN1_SIMPLE(TASN1_TBS, issuer, X509_NAME),
	ASN1_SIMPLE(TASN1_TBS, validity, X509_VAL),
	ASN1_SIMPLE(TASN1_TBS, subject, X509_NAME),
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

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1) */
typedef struct tasn1_rsa_pub {
	ASN1_INTEGER *n;
	ASN1_INTEGER *e;
} TASN1_RSA_PUB;

ASN1_SEQUENCE(TASN1_RSA_PUB) = {
	ASN1_SIMPLE(TASN1_RSA_PUB, n, ASN1_INTEGER),
	ASN1_SIMPLE(TASN1_RSA_PUB, e, ASN1_INTEGER)
} ASN1_SEQUENCE_END(TASN1_RSA_PUB)

TASN1_CERT *tasn1_cert_parse(const unsigned char *der, size_t len)
{
	if (len > (size_t)LONG_MAX)
		return NULL;
	const unsigned char *p = der;
	TASN1_CERT *t = (TASN1_CERT *)ASN1_item_d2i(NULL, &p, (long)len, ASN1_ITEM_rptr(TASN1_CERT));
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
	if (k) {
		*n = ASN1_INTEGER_to_BN(k->n, NULL);
		*e = ASN1_INTEGER_to_BN(k->e, NULL);
	}
	ASN1_item_free((ASN1_VALUE *)k, ASN1_ITEM_rptr(TASN1_RSA_PUB));
	ERR_clear_error();
	if (*n && *e && !BN_is_negative(*n) && !BN_is_negative(*e))
		return true;
	BN_free(*n);
	BN_free(*e);
	*n = *e = NULL;
	return false;
}

int tasn1_rsa_bits(const unsigned char *key, size_t len)
{
	BIGNUM *n, *e;
	if (!tasn1_rsa_parts(key, len, &n, &e))
		return 0;
	int bits = BN_num_bits(n);
	BN_free(n);
	BN_free(e);
	return bits;
}
