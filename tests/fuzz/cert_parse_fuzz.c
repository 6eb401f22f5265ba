/*
 * Fuzz target: libtrust's certificate template (cert_asn1.c) against
 * OpenSSL's d2i_X509 on the same bytes.
 *
 * The input is tried whole, and when it is PEM, each certificate block's DER
 * is tried too.  The oracle aborts when
 *   - one parser accepts the bytes and the other does not (trailing data,
 *     lengths, tags and encodings must be judged alike), or
 *   - both accept and a field differs: version, serial, both signature
 *     algorithms, the signature bits, issuer and subject (DER and canonical
 *     comparison), validity, the SubjectPublicKeyInfo's algorithm and key
 *     bits, every extension (OID, criticality, value) and the TBS bytes the
 *     signature covers (the received ones), or
 *   - the record's derived facts disagree with what OpenSSL's extension cache
 *     and key decoder report: EXFLAG_INVALID, CA, pathlen, keyUsage,
 *     extended key usage, SKI, AKI key id, self-issued, self-signed, whether
 *     the key decodes, its type, size and curve, the decoded key itself, the
 *     signature digest, and whether the signature verifies under the
 *     certificate's own key (X509_verify), or
 *   - a parse given a name to reuse (its own subject, the previous PEM
 *     block's issuer, as a chain's next certificate gets) accepts, rejects
 *     or reads the names differently from the plain parse.
 */
#include <trust.h>
#include "internal.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_block; /* PEM block being compared, 0 for the whole input */

#define ORACLE(cond, ...)                                                            \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "cert_parse_fuzz: block %d: ", fuzz_block);  \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

static X509 *openssl_parse(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x && (size_t)(p - der) != len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return x;
}

/* The template's raw name is OpenSSL's encoding, with as many attributes,
 * and the X509_NAME made from it on first use compares equal. */
static bool same_name(TASN1_NAME *a, const X509_NAME *b)
{
	const unsigned char *db = NULL;
	size_t lb = 0;
	const X509_NAME *xa = tasn1_name_x509(a);
	return xa && X509_NAME_get0_der(b, &db, &lb) && a->len == lb &&
	       memcmp(a->der, db, lb) == 0 && X509_NAME_cmp(xa, b) == 0 &&
	       a->entries == X509_NAME_entry_count(b);
}

/* Both parsers accepted: the template's fields are OpenSSL's fields. */
static void compare_fields(const TASN1_CERT *t, X509 *x, const unsigned char *der, size_t len)
{
	const TASN1_TBS *tbs = t->tbs;
	ORACLE(tbs->version ? ASN1_INTEGER_get(tbs->version) == X509_get_version(x)
			    : X509_get_version(x) == 0, "version differs");
	ORACLE(ASN1_INTEGER_cmp(tbs->serial, X509_get0_serialNumber(x)) == 0, "serial differs");
	const X509_ALGOR *outer = NULL;
	const ASN1_BIT_STRING *sig = NULL;
	X509_get0_signature(&sig, &outer, x);
	ORACLE(X509_ALGOR_cmp(t->sigalg, outer) == 0, "outer signature algorithm differs");
	ORACLE(X509_ALGOR_cmp(tbs->sigalg, X509_get0_tbs_sigalg(x)) == 0,
	       "inner signature algorithm differs");
	ORACLE(ASN1_STRING_cmp(t->sig, sig) == 0, "signature bits differ");
	ORACLE(same_name(tbs->issuer, X509_get_issuer_name(x)), "issuer differs");
	ORACLE(same_name(tbs->subject, X509_get_subject_name(x)), "subject differs");
	/* As strings (type and bytes): a malformed time compares as an error. */
	ORACLE(ASN1_STRING_cmp(tbs->validity->notBefore, X509_get0_notBefore(x)) == 0 &&
		       ASN1_STRING_cmp(tbs->validity->notAfter, X509_get0_notAfter(x)) == 0,
	       "validity differs");
	const ASN1_BIT_STRING *iuid = NULL, *suid = NULL;
	X509_get0_uids(x, &iuid, &suid);
	ORACLE((!iuid && !tbs->issuer_uid) || (iuid && tbs->issuer_uid &&
					       ASN1_STRING_cmp(iuid, tbs->issuer_uid) == 0),
	       "issuerUniqueID differs");
	ORACLE((!suid && !tbs->subject_uid) || (suid && tbs->subject_uid &&
						ASN1_STRING_cmp(suid, tbs->subject_uid) == 0),
	       "subjectUniqueID differs");

	X509_ALGOR *kalg = NULL;
	const unsigned char *kbytes = NULL;
	int klen = 0;
	ORACLE(X509_PUBKEY_get0_param(NULL, &kbytes, &klen, &kalg, X509_get_X509_PUBKEY(x)),
	       "OpenSSL has no SPKI");
	ORACLE(X509_ALGOR_cmp(kalg, tbs->spki->alg) == 0, "SPKI algorithm differs");
	ORACLE(klen == ASN1_STRING_length(tbs->spki->key) &&
		       memcmp(kbytes, ASN1_STRING_get0_data(tbs->spki->key), (size_t)klen) == 0,
	       "SPKI key bits differ");

	int n = X509_get_ext_count(x);
	ORACLE(n == sk_X509_EXTENSION_num(tbs->exts), "extension count differs");
	for (int i = 0; i < n; i++) {
		X509_EXTENSION *a = X509_get_ext(x, i), *b = sk_X509_EXTENSION_value(tbs->exts, i);
		ORACLE(OBJ_cmp(X509_EXTENSION_get_object(a), X509_EXTENSION_get_object(b)) == 0 &&
			       X509_EXTENSION_get_critical(a) == X509_EXTENSION_get_critical(b) &&
			       ASN1_STRING_cmp(X509_EXTENSION_get_data(a),
					       X509_EXTENSION_get_data(b)) == 0,
		       "extension %d differs", i);
	}

	/* The saved TBS is the received one: the second element inside the outer
	 * SEQUENCE, byte for byte. */
	const unsigned char *p = der;
	long l = 0;
	int tag = 0, cls = 0;
	ASN1_get_object(&p, &l, &tag, &cls, (long)len);
	ERR_clear_error();
	ORACLE(tbs->enc.enc && tbs->enc.len > 0 && p + tbs->enc.len <= der + len &&
		       memcmp(p, tbs->enc.enc, (size_t)tbs->enc.len) == 0,
	       "saved TBS is not the received bytes");
}

/* The record's facts against OpenSSL's extension cache and key decoder. */
static void compare_record(const trust_cert *c, X509 *x)
{
	uint32_t flags = X509_get_extension_flags(x);
	const uint32_t same = EXFLAG_INVALID | EXFLAG_CA | EXFLAG_BCONS | EXFLAG_KUSAGE |
			      EXFLAG_XKUSAGE | EXFLAG_SI | EXFLAG_SS | EXFLAG_CRITICAL |
			      EXFLAG_V1 | EXFLAG_PROXY | EXFLAG_FRESHEST;
	ORACLE((flags & same) == (c->ex_flags & same), "extension flags %#x, OpenSSL %#x",
	       c->ex_flags & same, flags & same);
	uint32_t ku = X509_get_key_usage(x);
	ORACLE((flags & EXFLAG_KUSAGE ? ku : TCERT_KU_ABSENT) == c->ku, "keyUsage differs");
	ORACLE(!c->has_eku || X509_get_extended_key_usage(x) == c->xku, "EKU differs");
	ORACLE((c->is_ca ? X509_get_pathlen(x) : -1) == c->pathlen, "pathlen differs");
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
	ORACLE((!ski && !c->ski) || (ski && c->ski && ASN1_OCTET_STRING_cmp(ski, c->ski) == 0),
	       "SKI differs");
	const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(x);
	ORACLE((!akid && !c->aki_keyid) ||
		       (akid && c->aki_keyid && ASN1_OCTET_STRING_cmp(akid, c->aki_keyid) == 0),
	       "AKI key id differs");
	EVP_PKEY *pk = X509_get0_pubkey(x);
	ERR_clear_error();
	ORACLE((pk != NULL) == c->key_ok, "key decodes: OpenSSL %d, record %d", pk != NULL,
	       c->key_ok);
	if (pk) {
		ORACLE(EVP_PKEY_get_base_id(pk) == c->pkey_type, "key type differs");
		ORACLE(EVP_PKEY_get_bits(pk) == c->pkey_bits, "key size %d, OpenSSL %d",
		       c->pkey_bits, EVP_PKEY_get_bits(pk));
		char group[80];
		size_t got = 0;
		int curve = NID_undef;
		if (c->pkey_type == EVP_PKEY_EC &&
		    EVP_PKEY_get_group_name(pk, group, sizeof(group), &got))
			curve = OBJ_txt2nid(group);
		ERR_clear_error();
		ORACLE(c->pkey_type != EVP_PKEY_EC || curve == c->curve_nid, "curve differs");
		/* The key libtrust verifies with is the key OpenSSL decoded. */
		EVP_PKEY *mine = tcert_pkey(c);
		ORACLE(mine && EVP_PKEY_eq(mine, pk) == 1, "decoded key differs");
		ERR_clear_error();
		/* A signature under the certificate's own key verifies on libtrust's
		 * path (its digest, its prepared context) exactly when X509_verify
		 * says so: algorithms, unused bits, encodings, the TBS bytes. */
		int ref = X509_verify(x, pk);
		ERR_clear_error();
		int own = tcert_verify_signed_by(c, c);
		ERR_clear_error();
		ORACLE((ref == 1) == (own == 1), "self-signature: X509_verify %d, record %d", ref,
		       own);
	}
	int md = 0, pknid = 0, secbits = 0, md2 = 0, pk2 = 0;
	uint32_t sflags = 0;
	bool info = X509_get_signature_info(x, &md, &pknid, &secbits, &sflags) == 1;
	ERR_clear_error();
	ORACLE(info == tcert_signature_info(c, &md2, &pk2), "signature info availability differs");
	ORACLE(!info || (md == md2 && pknid == pk2), "signature digest differs");
	/* The record's NID index answers as OpenSSL's OID search, from every position. */
	static const int nids[] = { NID_undef, NID_basic_constraints, NID_key_usage,
				    NID_subject_alt_name, NID_authority_key_identifier,
				    NID_name_constraints, NID_ct_precert_scts };
	for (size_t k = 0; k < sizeof(nids) / sizeof(nids[0]); k++)
		for (int last = -2; last <= X509_get_ext_count(x); last++)
			ORACLE(tcert_ext_index(c, nids[k], last) ==
				       X509_get_ext_by_NID(x, nids[k], last),
			       "extension index of NID %d after %d differs", nids[k], last);
	int crit = 0, crit2 = 0;
	GENERAL_NAMES *san = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	const GENERAL_NAMES *kept = tcert_san(c, &crit2);
	ERR_clear_error();
	ORACLE(crit == crit2 && (san == NULL) == (kept == NULL), "subjectAltName differs");
	GENERAL_NAMES_free(san);
}

/* The previous block's record in this input: its issuer name is the hint
 * the next block is parsed with, as a presented chain's next certificate is. */
static trust_cert *prev_block;

static bool same_facts(const TASN1_NAME *a, const TASN1_NAME *b)
{
	return a->len == b->len && memcmp(a->der, b->der, a->len) == 0 &&
	       a->entries == b->entries && a->shape == b->shape && a->canon == b->canon;
}

/* A parse given a name to reuse (this certificate's own subject, or the
 * previous block's issuer) accepts and rejects as the plain parse does and
 * finds the same names. */
static void compare_hinted(const unsigned char *der, size_t len, const TASN1_CERT *t,
			   const TASN1_NAME *hint)
{
	TASN1_CERT *h = tasn1_cert_parse(der, len, hint);
	ORACLE((h != NULL) == (t != NULL), "with a name hint the template %s, without %s",
	       h ? "accepts" : "rejects", t ? "accepts" : "rejects");
	ORACLE(!h || (same_facts(h->tbs->issuer, t->tbs->issuer) &&
		      same_facts(h->tbs->subject, t->tbs->subject)),
	       "names differ with a name hint");
	tasn1_cert_free(h);
}

static void one(const unsigned char *der, size_t len)
{
	if (len == 0 || len > TRUST_MAX_FILE_BYTES)
		return;
	X509 *x = openssl_parse(der, len);
	TASN1_CERT *t = tasn1_cert_parse(der, len, NULL);
	ORACLE((x != NULL) == (t != NULL), "d2i_X509 %s, the template %s",
	       x ? "accepts" : "rejects", t ? "accepts" : "rejects");
	if (t)
		compare_hinted(der, len, t, t->tbs->subject);
	if (prev_block)
		compare_hinted(der, len, t, prev_block->t->tbs->issuer);
	if (x && t) {
		compare_fields(t, x, der, len);
		trust_error err = { 0 };
		trust_cert *c = tcert_from_der_after(der, len, "fuzz", 0, prev_block, &err);
		if (c) {
			compare_record(c, x);
			/* The lazily made X509 is OpenSSL's parse of the same bytes. */
			X509 *lazy = tcert_x509(c);
			ORACLE(lazy && X509_cmp(lazy, x) == 0, "lazy X509 differs");
			tcert_unref(prev_block);
			prev_block = c;
		}
	}
	tasn1_cert_free(t);
	X509_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_block = 0;
	tcert_unref(prev_block);
	prev_block = NULL;
	one(data, size);
	tcert_unref(prev_block);
	prev_block = NULL;
	if (!tload_is_pem(data, size) || size > INT_MAX)
		return 0;
	BIO *bio = BIO_new_mem_buf(data, (int)size);
	for (int k = 0; bio && k < 64; k++) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long dlen = 0;
		if (!PEM_read_bio(bio, &name, &header, &der, &dlen))
			break;
		fuzz_block = k + 1;
		one(der, (size_t)dlen);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
	}
	ERR_clear_error();
	BIO_free(bio);
	tcert_unref(prev_block);
	prev_block = NULL;
	return 0;
}
