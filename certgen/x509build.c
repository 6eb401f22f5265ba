/*
 * Building and signing certificates with OpenSSL's X509 API.  The profiles
 * follow RFC 5280 §4.2 and the CA/Browser Forum's TLS profile, which Apple
 * and Android also check:
 *   root:   BC critical CA, KU critical keyCertSign+cRLSign, SKI, no EKU (§4.2.1.12)
 *   CA:     the same plus AKI, optional pathLen, name constraints and EKU
 *   server: BC critical CA:FALSE, KU critical digitalSignature (+keyEncipherment
 *           for RSA: RSA key transport), EKU serverAuth, SKI, AKI, SAN
 *   client: the same with EKU clientAuth
 */
#include "certgen.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

const char *cg_san_type(const char *name)
{
	unsigned char buf[16];
	if (inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1)
		return "IP";
	if (strstr(name, "://"))
		return "URI";
	if (strchr(name, '@'))
		return "email";
	return "DNS";
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	if (!ext)
		return cg_fail(-1, "cannot encode %s extension '%s'", OBJ_nid2sn(nid), value);
	int ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A DNS name in A-label form (RFC 5890): IDNs are converted with libidn2. */
static ASN1_IA5STRING *dns_name(const char *name)
{
	char *alabel = NULL;
	const char *use = name;
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p >= 0x80) {
			if (idn2_to_ascii_8z(name, &alabel, IDN2_NONTRANSITIONAL) != IDN2_OK) {
				cg_fail(CG_USAGE, "'%s' is not a valid international domain name", name);
				return NULL;
			}
			use = alabel;
			break;
		}
	}
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();
	if (s && !ASN1_STRING_set(s, use, (int)strlen(use))) {
		ASN1_IA5STRING_free(s);
		s = NULL;
	}
	free(alabel);
	return s;
}

static int add_san(X509 *x, const char *list)
{
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	char *copy = strdup(list);
	int rc = (gens && copy) ? 0 : -1;
	char *save = NULL;
	for (char *n = copy ? strtok_r(copy, "\n", &save) : NULL; rc == 0 && n;
	     n = strtok_r(NULL, "\n", &save)) {
		const char *type = cg_san_type(n);
		GENERAL_NAME *g = GENERAL_NAME_new();
		if (!g) {
			rc = -1;
			break;
		}
		if (strcmp(type, "IP") == 0) {
			ASN1_OCTET_STRING *ip = a2i_IPADDRESS(n);
			g->type = GEN_IPADD;
			g->d.iPAddress = ip;
			rc = ip ? 0 : -1;
		} else {
			ASN1_IA5STRING *s;
			if (strcmp(type, "DNS") == 0) {
				s = dns_name(n);
				g->type = GEN_DNS;
			} else {
				s = ASN1_IA5STRING_new();
				if (s && !ASN1_STRING_set(s, n, (int)strlen(n))) {
					ASN1_IA5STRING_free(s);
					s = NULL;
				}
				g->type = strcmp(type, "URI") == 0 ? GEN_URI : GEN_EMAIL;
			}
			g->d.ia5 = s;
			rc = s ? 0 : -1;
		}
		if (rc == 0 && !sk_GENERAL_NAME_push(gens, g))
			rc = -1;
		if (rc != 0)
			GENERAL_NAME_free(g);
	}
	if (rc == 0 && !X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT))
		rc = -1;
	GENERAL_NAMES_free(gens);
	free(copy);
	return rc;
}

/* 128 random bits with the top bit cleared: positive (RFC 5280 §4.1.2.2), at most 20 octets. */
static int set_serial(X509 *x, char out[80])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1)
		return -1;
	b[0] &= 0x7f;
	if (b[0] == 0)
		b[0] = 0x01;
	BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
	ASN1_INTEGER *ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int rc = (ai && hex && X509_set_serialNumber(x, ai)) ? 0 : -1;
	if (hex)
		snprintf(out, 80, "%s", hex);
	OPENSSL_free(hex);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return rc;
}

static int add_profile(X509 *x, X509V3_CTX *ctx, const cg_spec *s)
{
	bool rsa = EVP_PKEY_get_base_id(s->key) == EVP_PKEY_RSA;
	bool ca = s->profile == CG_PROF_ROOT || s->profile == CG_PROF_CA;
	char bc[64];
	if (ca && s->pathlen >= 0)
		snprintf(bc, sizeof bc, "%sCA:TRUE,pathlen:%ld", s->bc_noncritical ? "" : "critical,",
			 s->pathlen);
	else
		snprintf(bc, sizeof bc, "%sCA:%s", s->bc_noncritical ? "" : "critical,",
			 ca ? "TRUE" : "FALSE");
	const char *ku = s->ku;
	if (!ku)
		ku = ca ? "critical,keyCertSign,cRLSign"
		   : rsa && s->profile != CG_PROF_RESPONDER ? "critical,digitalSignature,keyEncipherment"
		   : "critical,digitalSignature";
	const char *eku = s->eku;
	if (!eku)
		eku = s->profile == CG_PROF_SERVER ? "serverAuth"
		    : s->profile == CG_PROF_CLIENT ? "clientAuth"
		    : s->profile == CG_PROF_RESPONDER ? "OCSPSigning" : "";
	if (!s->no_bc && add_ext(x, ctx, NID_basic_constraints, bc) != 0)
		return -1;
	if (*ku && add_ext(x, ctx, NID_key_usage, ku) != 0)
		return -1;
	if (*eku && add_ext(x, ctx, NID_ext_key_usage, eku) != 0)
		return -1;
	if (!s->no_ski && add_ext(x, ctx, NID_subject_key_identifier, s->ski ? s->ski : "hash") != 0)
		return -1;
	if (s->issuer && !s->no_aki &&
	    add_ext(x, ctx, NID_authority_key_identifier, "keyid:always") != 0)
		return -1;
	if (s->nc && *s->nc && add_ext(x, ctx, NID_name_constraints, s->nc) != 0)
		return -1;
	if (s->ocsp_nocheck && add_ext(x, ctx, NID_id_pkix_OCSP_noCheck, "ignored") != 0)
		return -1;
	if (!s->no_san && s->san && *s->san && add_san(x, s->san) != 0)
		return cg_fail(-1, "cannot encode subjectAltName");
	return 0;
}

/* A reissue (renew): the extensions certgen put in the earlier certificate, except the
 * authorityKeyIdentifier, which is made anew from the issuer as it is now. */
static int copy_extensions(X509 *x, const cg_spec *s)
{
	for (int i = 0; i < X509_get_ext_count(s->same_as); i++) {
		X509_EXTENSION *e = X509_get_ext(s->same_as, i);
		if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) == NID_authority_key_identifier)
			continue;
		if (!X509_add_ext(x, e, -1))
			return -1;
	}
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, s->issuer ? s->issuer : x, x, NULL, NULL, 0);
	if (s->issuer && add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") != 0)
		return -1;
	return 0;
}

static void corrupt(X509 *x)
{
	const ASN1_BIT_STRING *sig = NULL;
	X509_get0_signature(&sig, NULL, x);
	if (sig && sig->length > 0)
		((ASN1_BIT_STRING *)sig)->data[sig->length - 1] ^= 0x01;
}

X509 *cg_build(const cg_spec *s, char serial_hex[80])
{
	X509 *x = X509_new();
	X509_NAME *own = NULL;
	EVP_PKEY *signer = s->issuer ? s->issuer_key : s->key;
	if (!x)
		return NULL;
	X509_NAME *subj = s->subject;
	if (!subj) {
		own = X509_NAME_new();
		if (!own || !X509_NAME_add_entry_by_txt(own, "O", MBSTRING_UTF8,
							(const unsigned char *)"certgen test PKI", -1, -1, 0) ||
		    (s->cn && !X509_NAME_add_entry_by_txt(own, "CN", MBSTRING_UTF8,
							  (const unsigned char *)s->cn, -1, -1, 0)))
			goto fail;
		subj = own;
	}
	if (!X509_set_version(x, s->v1 ? X509_VERSION_1 : X509_VERSION_3) ||
	    set_serial(x, serial_hex) != 0 || !X509_set_subject_name(x, subj) ||
	    !X509_set_issuer_name(x, s->issuer ? X509_get_subject_name(s->issuer) : subj) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->not_after) ||
	    !X509_set_pubkey(x, s->key))
		goto fail;
	if (s->same_as) {
		if (copy_extensions(x, s) != 0)
			goto fail;
	} else if (!s->v1 && s->profile != CG_PROF_NONE) {
		X509V3_CTX ctx;
		X509V3_set_ctx(&ctx, s->issuer ? s->issuer : x, x, NULL, NULL, 0);
		if (add_profile(x, &ctx, s) != 0)
			goto fail;
	}
	const EVP_MD *md = s->md ? s->md : cg_key_md(signer);
	if (X509_sign(x, signer, md) <= 0)
		goto fail;
	if (s->corrupt_signature)
		corrupt(x);
	X509_NAME_free(own);
	return x;
fail:
	ERR_clear_error();
	cg_fail(CG_USAGE, "cannot build certificate%s%s", s->cn ? " for " : "", s->cn ? s->cn : "");
	X509_NAME_free(own);
	X509_free(x);
	return NULL;
}
