/* Certificate-building helpers for validator tests (see support_validate.h). */
#include "support_validate.h"

#include <check.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

sv_exts SV_CA_EXTS = {
	"basicConstraints", "critical,CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

sv_exts SV_LEAF_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "serverAuth",
	"subjectAltName", "DNS:leaf.example.com",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

EVP_PKEY *sv_key(const char *type, const char *curve, unsigned bits)
{
	EVP_PKEY *k = NULL;
	if (strcmp(type, "RSA") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	else if (strcmp(type, "EC") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, type);
	ck_assert_msg(k != NULL, "cannot make a %s key", type);
	return k;
}

static void set_name(X509_NAME *n, const char *cn)
{
	ck_assert(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1,
					     -1, 0));
}

static void add_exts(X509 *x, X509 *issuer, const char *const *exts)
{
	for (size_t k = 0; exts && exts[k]; k += 2) {
		X509V3_CTX ctx;
		X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
		X509V3_set_ctx_nodb(&ctx);
		X509_EXTENSION *e = X509V3_EXT_nconf(NULL, &ctx, exts[k], exts[k + 1]);
		ck_assert_msg(e != NULL, "extension %s=%s", exts[k], exts[k + 1]);
		ck_assert(X509_add_ext(x, e, -1));
		X509_EXTENSION_free(e);
	}
}

X509 *sv_cert(const sv_spec *sp)
{
	X509 *x = X509_new();
	ck_assert_ptr_nonnull(x);
	ck_assert(X509_set_version(x, X509_VERSION_3));
	long serial = sp->serial;
	if (serial == 0) {
		unsigned char r[3];
		ck_assert(RAND_bytes(r, sizeof(r)) == 1);
		serial = 1 + ((long)r[0] << 16 | (long)r[1] << 8 | r[2]);
	}
	ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), serial));
	long from = sp->from_days, to = sp->to_days;
	if (from == 0 && to == 0) {
		from = -1;
		to = 365;
	}
	if (sp->not_after) {
		ck_assert(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)sp->not_before));
		ck_assert(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)sp->not_after));
	} else {
		ck_assert(X509_gmtime_adj(X509_getm_notBefore(x), from * 86400L));
		ck_assert(X509_gmtime_adj(X509_getm_notAfter(x), to * 86400L));
	}
	set_name(X509_get_subject_name(x), sp->cn);
	if (sp->issuer)
		ck_assert(X509_set_issuer_name(x, X509_get_subject_name(sp->issuer)));
	else
		set_name(X509_get_issuer_name(x), sp->cn);
	ck_assert(X509_set_pubkey(x, sp->key));
	add_exts(x, sp->issuer, sp->exts);
	EVP_PKEY *signer = sp->issuer ? sp->issuer_key : sp->key;
	int id = EVP_PKEY_get_base_id(signer);
	const EVP_MD *md = sp->md ? sp->md : EVP_sha256();
	if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448)
		md = NULL;
	ck_assert_msg(X509_sign(x, signer, md) > 0, "cannot sign %s", sp->cn);
	return x;
}

char *sv_crl_file(X509 *issuer, EVP_PKEY *key, long serial, int reason, long this_days,
		  long next_days)
{
	X509_CRL *crl = X509_CRL_new();
	ck_assert_ptr_nonnull(crl);
	ck_assert(X509_CRL_set_version(crl, X509_CRL_VERSION_2));
	ck_assert(X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)));
	ASN1_TIME *t = X509_gmtime_adj(NULL, this_days * 86400L);
	ck_assert(X509_CRL_set1_lastUpdate(crl, t));
	ASN1_TIME_free(t);
	t = X509_gmtime_adj(NULL, next_days * 86400L);
	ck_assert(X509_CRL_set1_nextUpdate(crl, t));
	ASN1_TIME_free(t);
	if (serial) {
		X509_REVOKED *rev = X509_REVOKED_new();
		ASN1_INTEGER *sn = ASN1_INTEGER_new();
		ASN1_INTEGER_set(sn, serial);
		ck_assert(X509_REVOKED_set_serialNumber(rev, sn));
		ASN1_INTEGER_free(sn);
		t = X509_gmtime_adj(NULL, this_days * 86400L);
		ck_assert(X509_REVOKED_set_revocationDate(rev, t));
		ASN1_TIME_free(t);
		ASN1_ENUMERATED *code = ASN1_ENUMERATED_new();
		ASN1_ENUMERATED_set(code, reason);
		ck_assert(X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, code, 0, 0));
		ASN1_ENUMERATED_free(code);
		ck_assert(X509_CRL_add0_revoked(crl, rev));
	}
	ck_assert(X509_CRL_sort(crl));
	ck_assert(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	ck_assert_ptr_nonnull(path);
	snprintf(path, 4096, "%s/trust-crl-XXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert(PEM_write_X509_CRL(f, crl));
	fclose(f);
	X509_CRL_free(crl);
	return path;
}

static void add_der(trust_store_builder *b, X509 *x, bool anchor, trust_origin origin)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	ck_assert_int_gt(len, 0);
	trust_error err = { 0 };
	int rc = anchor ? trust_store_builder_add_anchors_mem(b, der, (size_t)len, "test",
							      origin, &err)
			: trust_store_builder_add_intermediates_mem(b, der, (size_t)len, "test", &err);
	OPENSSL_free(der);
	ck_assert_msg(rc == TRUST_OK, "%s", err.message);
}

trust_store *sv_store(X509 *const *anchors, X509 *const *pool, const char *crl_path)
{
	return sv_store_as(anchors, TRUST_ORIGIN_USER, pool, crl_path);
}

trust_store *sv_store_as(X509 *const *anchors, trust_origin origin, X509 *const *pool,
			 const char *crl_path)
{
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; anchors && anchors[i]; i++)
		add_der(b, anchors[i], true, origin);
	for (size_t i = 0; pool && pool[i]; i++)
		add_der(b, pool[i], false, TRUST_ORIGIN_NONE);
	trust_error err = { 0 };
	if (crl_path)
		ck_assert_msg(trust_store_builder_add_crl(b, crl_path, &err) == TRUST_OK, "%s",
			      err.message);
	trust_store *s = NULL;
	ck_assert_msg(trust_store_builder_finish(&s, b, &err) == TRUST_OK, "%s", err.message);
	return s;
}

trust_chain *sv_chain(X509 *const *certs)
{
	trust_chain *c = trust_chain_new();
	ck_assert_ptr_nonnull(c);
	trust_error err = { 0 };
	for (size_t i = 0; certs[i]; i++)
		ck_assert_msg(trust_chain_add_x509(c, certs[i], &err) == TRUST_OK, "%s", err.message);
	return c;
}

trust_result *sv_eval(const trust_store *s, const trust_chain *c, trust_policy_base policy,
		      unsigned flags)
{
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = policy;
	o.flags = flags;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	return r;
}

const trust_finding *sv_finding(const trust_result *r, const char *id, int cert)
{
	int p = trust_result_chosen_path(r);
	if (p < 0)
		return NULL;
	for (size_t i = 0; i < trust_result_finding_count(r, (size_t)p); i++) {
		const trust_finding *f = trust_result_finding(r, (size_t)p, i);
		if (strcmp(f->id, id) == 0 && f->cert == cert)
			return f;
	}
	return NULL;
}

const char *sv_param(const trust_finding *f, const char *key)
{
	for (size_t i = 0; f && i < f->nparams; i++)
		if (strcmp(f->params[i].key, key) == 0)
			return f->params[i].value;
	return NULL;
}

long sv_serial(const X509 *x)
{
	return ASN1_INTEGER_get(X509_get0_serialNumber(x));
}
