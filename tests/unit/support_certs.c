/* Certificate building and stage drivers for unit tests (see support.h). */
#include "support.h"

#include <check.h>
#include <openssl/bn.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

EVP_PKEY *sc_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ck_assert_msg(k != NULL, "cannot make a P-256 key");
	return k;
}

X509_NAME *sc_name(const char *spec)
{
	X509_NAME *n = X509_NAME_new();
	ck_assert_ptr_nonnull(n);
	char *copy = strdup(spec);
	ck_assert_ptr_nonnull(copy);
	char *save = NULL;
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(part, '=');
		ck_assert_msg(eq != NULL, "name part '%s' has no '='", part);
		*eq = '\0';
		ck_assert_msg(X509_NAME_add_entry_by_txt(n, part, MBSTRING_UTF8,
							 (const unsigned char *)eq + 1, -1, -1, 0),
			      "cannot add %s to a name", part);
	}
	free(copy);
	return n;
}

static void set_serial(X509 *x)
{
	unsigned char r[8];
	ck_assert(RAND_bytes(r, sizeof(r)) == 1);
	r[0] &= 0x7f; /* positive */
	r[0] |= 0x01; /* and never zero */
	BIGNUM *bn = BN_bin2bn(r, sizeof(r), NULL);
	ck_assert_ptr_nonnull(bn);
	ck_assert_ptr_nonnull(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
	BN_free(bn);
}

static void add_conf_exts(X509 *x, X509 *issuer, const char *text)
{
	CONF *conf = NCONF_new(NULL);
	BIO *b = BIO_new_mem_buf(text, -1);
	ck_assert(conf && b);
	long line = 0;
	ck_assert_msg(NCONF_load_bio(conf, b, &line) == 1, "extension config line %ld", line);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, conf);
	ck_assert_msg(X509V3_EXT_add_nconf(conf, &ctx, "ext", x) == 1, "extensions: %s", text);
	BIO_free(b);
	NCONF_free(conf);
}

X509 *sc_cert(const char *subject, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
	      const char *conf)
{
	X509 *x = X509_new();
	ck_assert_ptr_nonnull(x);
	ck_assert(X509_set_version(x, X509_VERSION_3));
	set_serial(x);
	X509_NAME *n = sc_name(subject);
	ck_assert(X509_set_subject_name(x, n));
	ck_assert(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n));
	X509_NAME_free(n);
	time_t now = time(NULL);
	ck_assert_ptr_nonnull(X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &now));
	ck_assert_ptr_nonnull(X509_time_adj_ex(X509_getm_notAfter(x), 365, 0, &now));
	ck_assert(X509_set_pubkey(x, key));
	if (conf)
		add_conf_exts(x, issuer ? issuer : x, conf);
	ck_assert(X509_sign(x, issuer ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

trust_result *sc_path(tpath **p, X509 *const *certs, size_t n)
{
	trust_result *r = tresult_new();
	ck_assert_ptr_nonnull(r);
	*p = tresult_new_path(r);
	ck_assert_ptr_nonnull(*p);
	trust_cert *tc[16];
	trust_origin origin[16] = { 0 };
	ck_assert(n > 0 && n <= 16);
	for (size_t i = 0; i < n; i++) {
		trust_error err;
		tc[i] = tcert_from_x509(certs[i], "memory", &err);
		ck_assert_msg(tc[i] != NULL, "tcert_from_x509: %s", err.message);
	}
	origin[n - 1] = TRUST_ORIGIN_USER;
	ck_assert_int_eq(tpath_set_certs(*p, tc, origin, n), TRUST_OK);
	(*p)->complete = true;
	for (size_t i = 0; i < n; i++)
		tcert_unref(tc[i]);
	return r;
}

void sc_ctx(tv_ctx *ctx, tbudget *budget, const char *policy)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(budget, 0, sizeof(*budget));
	trust_budgets lim = TRUST_BUDGETS_INIT;
	tbudgets_resolve(&lim);
	budget->lim = lim;
	ctx->budget = budget;
	ctx->at = (int64_t)time(NULL);
	ctx->rules.policy_name = policy;
	ctx->rules.eku_nid = NID_undef;
	if (strcmp(policy, "tls-server") == 0) {
		ctx->rules.check_names = true;
		ctx->rules.eku_nid = NID_server_auth;
	} else if (strcmp(policy, "tls-client") == 0) {
		ctx->rules.check_names = true;
		ctx->rules.eku_nid = NID_client_auth;
	} else {
		ck_assert_str_eq(policy, "rfc5280");
	}
}

const trust_finding *sc_find(const tpath *p, const char *id, int cert)
{
	for (size_t i = 0; i < p->nf; i++) {
		const trust_finding *f = &p->f[i].pub;
		if (strcmp(f->id, id) == 0 && (cert < -1 || f->cert == cert))
			return f;
	}
	return NULL;
}

size_t sc_count(const tpath *p, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nf; i++)
		if (strcmp(p->f[i].pub.id, id) == 0)
			n++;
	return n;
}

const char *sc_param(const trust_finding *f, const char *key)
{
	for (size_t i = 0; f && i < f->nparams; i++)
		if (strcmp(f->params[i].key, key) == 0)
			return f->params[i].value;
	return NULL;
}
