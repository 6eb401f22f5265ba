/* Key generation and PEM input/output. */
#include "certgen.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	const char *alg;
	const char *curve;
	size_t bits;
} key_types[] = {
	{ "ec256", "EC", "P-256", 0 },     { "ec384", "EC", "P-384", 0 },
	{ "rsa2048", "RSA", NULL, 2048 },  { "rsa3072", "RSA", NULL, 3072 },
	{ "rsa4096", "RSA", NULL, 4096 },  { "ed25519", "ED25519", NULL, 0 },
	/* Weak on purpose: only `certgen bad rsa-1024` asks for it. */
	{ "rsa1024", "RSA", NULL, 1024 },
};

bool cg_key_type_ok(const char *type)
{
	for (size_t i = 0; i < sizeof key_types / sizeof key_types[0]; i++)
		if (strcmp(type, key_types[i].name) == 0 && strcmp(type, "rsa1024") != 0)
			return true;
	return false;
}

EVP_PKEY *cg_key_new(const char *type)
{
	for (size_t i = 0; i < sizeof key_types / sizeof key_types[0]; i++) {
		if (strcmp(type, key_types[i].name) != 0)
			continue;
		EVP_PKEY *k;
		if (key_types[i].curve)
			k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", key_types[i].curve);
		else if (key_types[i].bits)
			k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", key_types[i].bits);
		else
			k = EVP_PKEY_Q_keygen(NULL, NULL, key_types[i].alg);
		if (!k)
			cg_fail(CG_USAGE, "cannot generate a %s key (OpenSSL error)", type);
		return k;
	}
	cg_fail(CG_USAGE, "unknown key type '%s'; use ec256, ec384, rsa2048, rsa3072, rsa4096 or ed25519",
		type);
	return NULL;
}

const EVP_MD *cg_key_md(const EVP_PKEY *k)
{
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519)
		return NULL;
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC && EVP_PKEY_get_bits(k) >= 384)
		return EVP_sha384();
	return EVP_sha256();
}

static char *bio_text(BIO *b, size_t *len)
{
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s) {
		memcpy(s, data, (size_t)n);
		s[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	BIO_free(b);
	return s;
}

char *cg_key_pem(const EVP_PKEY *k, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(b);
		return NULL;
	}
	return bio_text(b, len);
}

char *cg_cert_pem(const X509 *x, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_X509(b, (X509 *)x)) {
		BIO_free(b);
		return NULL;
	}
	return bio_text(b, len);
}

/* A file's bytes as a memory BIO, read through cg_slurp (no link followed). */
static BIO *file_bio(const char *path, unsigned char **buf)
{
	size_t n = 0;
	*buf = cg_slurp(path, &n, true);
	BIO *b = *buf ? BIO_new_mem_buf(*buf, (int)n) : NULL;
	if (!b) {
		free(*buf);
		*buf = NULL;
	}
	return b;
}

static void bio_done(BIO *b, unsigned char *buf)
{
	BIO_free(b);
	free(buf);
	ERR_clear_error();
}

static const char *why_not(const char *path)
{
	return cg_is_link(path) ? "a symbolic link, which certgen does not follow under its state directory"
				: "missing or not PEM";
}

EVP_PKEY *cg_key_load(const char *path)
{
	unsigned char *buf = NULL;
	BIO *b = file_bio(path, &buf);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	if (buf)
		OPENSSL_cleanse(buf, strlen((char *)buf));
	bio_done(b, buf);
	if (!k)
		cg_fail(CG_USAGE, "%s: cannot read a private key (%s)", path, why_not(path));
	return k;
}

X509 *cg_cert_load(const char *path)
{
	unsigned char *buf = NULL;
	BIO *b = file_bio(path, &buf);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	bio_done(b, buf);
	if (!x)
		cg_fail(CG_USAGE, "%s: cannot read a certificate (%s)", path, why_not(path));
	return x;
}

STACK_OF(X509) *cg_certs_load(const char *path)
{
	unsigned char *buf = NULL;
	BIO *b = file_bio(path, &buf);
	if (!b) {
		cg_fail(CG_USAGE, "%s: cannot open (%s)", path, why_not(path));
		return NULL;
	}
	STACK_OF(X509) *sk = sk_X509_new_null();
	X509 *x;
	while (sk && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	bio_done(b, buf);
	return sk;
}

int cg_key_opt(int argc, char **argv, int *i, const char **type)
{
	int m = cg_optval(argc, argv, i, "--key", type);
	if (m == 0)
		return 0;
	if (m < 0 || !cg_key_type_ok(*type)) {
		cg_fail(CG_USAGE, "--key must be ec256, ec384, rsa2048, rsa3072, rsa4096 or ed25519");
		return -1;
	}
	return 1;
}
