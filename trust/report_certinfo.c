/*
 * Certificate facts for the reports: key type and size, signature algorithm,
 * serial number and subjectAltName entries (RFC 5280 §4.2.1.6).  Everything
 * here comes from OpenSSL's decoders; values that could carry arbitrary
 * bytes (SAN strings) are made printable once, so no renderer can pass a
 * terminal escape sequence or invalid UTF-8 through.
 */
#include "report_model.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

/* Copy with every byte outside printable ASCII written as \xNN (and '\' as \x5c). */
static char *printable(const unsigned char *v, size_t n)
{
	size_t cap = n * 4 + 4;
	char *s = malloc(cap);
	return s ? tescape_bytes(s, cap, v, n, TESC_ASCII | TESC_BACKSLASH) : NULL;
}

static char *asn1_printable(const ASN1_STRING *a)
{
	return printable(ASN1_STRING_get0_data(a), (size_t)ASN1_STRING_length(a));
}

static char *ip_text(const ASN1_OCTET_STRING *a)
{
	char buf[INET6_ADDRSTRLEN];
	if (*tnames_ip_text(buf, sizeof(buf), a))
		return strdup(buf);
	/* Not an address length RFC 5280 allows in a SAN: show the bytes. */
	int len = ASN1_STRING_length(a);
	char *hex = malloc((size_t)len * 2 + 1);
	if (hex)
		treport_hex(hex, ASN1_STRING_get0_data(a), (size_t)len);
	return hex;
}

static char *name_text(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return NULL;
	char *out = NULL;
	if (X509_NAME_print_ex(b, n, 0, TRUST_DN_FLAGS) >= 0) {
		char *p = NULL;
		long len = BIO_get_mem_data(b, &p);
		out = printable((const unsigned char *)p, len > 0 ? (size_t)len : 0);
	}
	BIO_free(b);
	return out;
}

static char *oid_text(const ASN1_OBJECT *o)
{
	char buf[128];
	return strdup(toid_text(buf, sizeof(buf), o));
}

static int san_one(treport_san *s, const GENERAL_NAME *g)
{
	switch (g->type) {
	case GEN_DNS:
		s->type = "dns";
		s->value = asn1_printable(g->d.dNSName);
		break;
	case GEN_IPADD:
		s->type = "ip";
		s->value = ip_text(g->d.iPAddress);
		break;
	case GEN_EMAIL:
		s->type = "email";
		s->value = asn1_printable(g->d.rfc822Name);
		break;
	case GEN_URI:
		s->type = "uri";
		s->value = asn1_printable(g->d.uniformResourceIdentifier);
		break;
	case GEN_DIRNAME:
		s->type = "dirname";
		s->value = name_text(g->d.directoryName);
		break;
	case GEN_RID:
		s->type = "rid";
		s->value = oid_text(g->d.registeredID);
		break;
	case GEN_OTHERNAME:
		s->type = "othername";
		s->value = oid_text(g->d.otherName->type_id);
		break;
	default:
		s->type = "other";
		s->value = strdup("");
		break;
	}
	return s->value ? TRUST_OK : TRUST_ENOMEM;
}

static int sans_get(treport_certinfo *ci, X509 *x)
{
	int crit = 0;
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	if (!gens)
		return TRUST_OK;
	int rc = TRUST_OK;
	int n = sk_GENERAL_NAME_num(gens);
	if (n > 0) {
		ci->sans = calloc((size_t)n, sizeof(*ci->sans));
		if (!ci->sans)
			rc = TRUST_ENOMEM;
	}
	for (int i = 0; rc == TRUST_OK && i < n; i++) {
		rc = san_one(&ci->sans[i], sk_GENERAL_NAME_value(gens, i));
		ci->nsans++;
	}
	GENERAL_NAMES_free(gens);
	return rc;
}

const char *tcert_key_type_name(int id)
{
	switch (id) {
	case EVP_PKEY_RSA: return "RSA";
	case EVP_PKEY_RSA_PSS: return "RSA-PSS";
	case EVP_PKEY_EC: return "EC";
	case EVP_PKEY_ED25519: return "Ed25519";
	case EVP_PKEY_ED448: return "Ed448";
	case EVP_PKEY_DSA: return "DSA";
	default: {
		const char *sn = OBJ_nid2sn(id);
		return sn && id != NID_undef ? sn : "unknown";
	}
	}
}

static void key_get(treport_certinfo *ci, X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	ERR_clear_error(); /* an unsupported key leaves errors behind; they are not ours */
	if (!pk) {
		ci->key_type = "unknown";
		return;
	}
	ci->key_type = tcert_key_type_name(EVP_PKEY_get_base_id(pk));
	ci->key_bits = EVP_PKEY_get_bits(pk);
	if (ci->key_bits < 0)
		ci->key_bits = 0;
	char group[64];
	size_t glen = 0;
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen) == 1) {
		int nid = OBJ_sn2nid(group);
		const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
		snprintf(ci->curve, sizeof(ci->curve), "%s", nist ? nist : group);
	}
	ERR_clear_error();
}

static void sig_get(treport_certinfo *ci, X509 *x)
{
	int nid = X509_get_signature_nid(x);
	if (nid != NID_undef) {
		snprintf(ci->sig_alg, sizeof(ci->sig_alg), "%s", OBJ_nid2ln(nid));
		return;
	}
	const X509_ALGOR *alg = NULL;
	X509_get0_signature(NULL, &alg, x);
	const ASN1_OBJECT *obj = NULL;
	if (alg)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!obj || OBJ_obj2txt(ci->sig_alg, sizeof(ci->sig_alg), obj, 1) <= 0)
		snprintf(ci->sig_alg, sizeof(ci->sig_alg), "unknown");
}

static int serial_get(treport_certinfo *ci, X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	if (!hex)
		return TRUST_ENOMEM;
	ci->serial = strdup(hex);
	OPENSSL_free(hex);
	return ci->serial ? TRUST_OK : TRUST_ENOMEM;
}

int treport_certinfo_get(treport_certinfo *out, const trust_cert *c)
{
	X509 *x = trust_cert_x509(c);
	if (!x)
		return TRUST_EINTERNAL;
	key_get(out, x);
	sig_get(out, x);
	int rc = serial_get(out, x);
	if (rc == TRUST_OK)
		rc = sans_get(out, x);
	return rc;
}

void treport_certinfo_cleanup(treport_certinfo *ci)
{
	if (!ci)
		return;
	for (size_t i = 0; i < ci->nsans; i++)
		free(ci->sans[i].value);
	free(ci->sans);
	free(ci->serial);
	memset(ci, 0, sizeof(*ci));
}
