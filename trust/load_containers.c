/*
 * Certificates inside containers, as users have them: PKCS#7 "certs-only"
 * bundles (.p7b/.p7c, RFC 2315, PEM or DER) and PKCS#12 files (.p12/.pfx,
 * RFC 7292), of which only the certificates are read; a private key in a
 * PKCS#12 file is decrypted by OpenSSL's parser and freed at once.  Both are
 * decoded by OpenSSL; each certificate then goes through the same record
 * constructor as a plain PEM or DER one.
 */
#include "internal.h"

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <string.h>

/* Tag of the first element inside the outer SEQUENCE, or -1. */
static int inner_tag(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	long plen = 0;
	int tag = 0, xclass = 0;
	if (len < 4 || data[0] != 0x30)
		return -1;
	int r = ASN1_get_object(&p, &plen, &tag, &xclass, (long)len);
	ERR_clear_error();
	if ((r & 0x80) || !(r & V_ASN1_CONSTRUCTED) || p >= data + len)
		return -1;
	return *p;
}

int tload_push_x509(tcert_list *out, X509 *x, const char *name, size_t index, trust_error *err)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	if (n <= 0) {
		ERR_clear_error();
		return terr_set(err, TRUST_EPARSE, "%s: certificate %zu cannot be encoded", name,
				index + 1);
	}
	int rc = tload_push_der(out, der, (size_t)n, name, index, err);
	OPENSSL_free(der);
	return rc;
}

static int push_stack(tcert_list *out, const STACK_OF(X509) *certs, const char *name,
		      size_t *index, trust_error *err)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		if (*index >= TRUST_MAX_CERTS_PER_INPUT)
			return terr_set(err, TRUST_ELIMIT, "%s: more than %u certificates", name,
					TRUST_MAX_CERTS_PER_INPUT);
		int rc = tload_push_x509(out, sk_X509_value(certs, i), name, (*index)++, err);
		if (rc != TRUST_OK)
			return rc;
	}
	return TRUST_OK;
}

int tload_pkcs7_der(tcert_list *out, const unsigned char *der, size_t len, const char *name,
		    trust_error *err)
{
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (!p7 || p != der + len) {
		PKCS7_free(p7);
		ERR_clear_error();
		return terr_set(err, TRUST_EPARSE, "%s: not a readable PKCS#7 bundle", name);
	}
	const STACK_OF(X509) *certs = NULL;
	int type = OBJ_obj2nid(p7->type);
	if (type == NID_pkcs7_signed && p7->d.sign)
		certs = p7->d.sign->cert;
	else if (type == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped)
		certs = p7->d.signed_and_enveloped->cert;
	size_t index = 0, before = tcert_list_count(out);
	int rc = certs ? push_stack(out, certs, name, &index, err) : TRUST_OK;
	PKCS7_free(p7);
	if (rc == TRUST_OK && tcert_list_count(out) == before)
		rc = terr_set(err, TRUST_EPARSE, "%s: the PKCS#7 bundle holds no certificates", name);
	return rc;
}

/* The leaf first: the certificate that matches the key, else the first non-CA one. */
static void leaf_first(STACK_OF(X509) *all)
{
	for (int i = 0; i < sk_X509_num(all); i++) {
		X509 *x = sk_X509_value(all, i);
		if (X509_check_ca(x) == 0) {
			if (i > 0) {
				sk_X509_delete(all, i);
				sk_X509_unshift(all, x);
			}
			return;
		}
	}
}

/* Which password opens the file when none was given: "" or NULL (two encodings). */
static bool no_password(PKCS12 *p12, const char **pw)
{
	if (PKCS12_verify_mac(p12, "", 0)) {
		*pw = "";
		return true;
	}
	if (PKCS12_verify_mac(p12, NULL, 0)) {
		*pw = NULL;
		return true;
	}
	return false;
}

int tload_pkcs12(tcert_list *out, const unsigned char *der, size_t len, const char *name,
		 const char *password, trust_error *err)
{
	const unsigned char *p = der;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (!p12) {
		ERR_clear_error();
		return terr_set(err, TRUST_EPARSE, "%s: not a readable PKCS#12 file", name);
	}
	const char *pw = password;
	bool opened = password ? PKCS12_verify_mac(p12, password, -1) == 1 : no_password(p12, &pw);
	if (!opened) {
		PKCS12_free(p12);
		ERR_clear_error();
		return terr_set(err, TRUST_EUSAGE, password ? "%s: wrong PKCS#12 password"
							    : "%s: PKCS#12 file protected by a "
							      "password: give --password or "
							      "--password-file",
				name);
	}
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	int ok = PKCS12_parse(p12, pw, &key, &cert, &ca);
	PKCS12_free(p12);
	EVP_PKEY_free(key); /* certificates only */
	if (!ok) {
		ERR_clear_error();
		X509_free(cert);
		sk_X509_pop_free(ca, X509_free);
		return terr_set(err, TRUST_EPARSE,
				"%s: PKCS#12 contents cannot be decrypted (a legacy algorithm?)", name);
	}
	/* Borrowed pointers, leaf first: the certificate that goes with the key. */
	STACK_OF(X509) *all = sk_X509_new_null();
	bool built = all != NULL && (!cert || sk_X509_push(all, cert));
	for (int i = 0; built && i < sk_X509_num(ca); i++)
		built = sk_X509_push(all, sk_X509_value(ca, i)) > 0;
	int rc;
	size_t index = 0, before = tcert_list_count(out);
	if (!built) {
		rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
	} else {
		if (!cert)
			leaf_first(all);
		rc = push_stack(out, all, name, &index, err);
	}
	sk_X509_free(all);
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	if (rc == TRUST_OK && tcert_list_count(out) == before)
		rc = terr_set(err, TRUST_EPARSE, "%s: the PKCS#12 file holds no certificates", name);
	return rc;
}

int tload_container(tcert_list *out, const unsigned char *data, size_t len, const char *name,
		    trust_error *err)
{
	int tag = inner_tag(data, len);
	if (tag == V_ASN1_OBJECT) /* ContentInfo: contentType first */
		return tload_pkcs7_der(out, data, len, name, err);
	if (tag == V_ASN1_INTEGER) /* PFX: version first; a certificate starts with a SEQUENCE */
		return tload_pkcs12(out, data, len, name, out->password, err);
	return TLOAD_NOT_CONTAINER;
}
