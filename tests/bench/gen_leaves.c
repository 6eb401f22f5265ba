/*
 * gen-leaves: bulk certificates for the benchmark, too many to make quickly
 * with one openssl CLI call each.
 *
 *   gen-leaves leaf --issuer-cert F --issuer-key F --key F --host NAME --count N --out F
 *       N server leaves for NAME under the issuer.  With an EC --key each leaf
 *       gets its own P-256 key, so no verifier can profit from having seen a
 *       leaf key before; an RSA --key is shared (2048-bit key generation would
 *       take minutes), which no verifier caches either.
 *   gen-leaves pool --key F --count N --out F
 *       N unrelated intermediate CAs ("Bench Pool CA i"), each with its own
 *       P-256 key, signed by --key under the name "Bench Pool Root".
 *
 * Leaves are valid from an hour ago for 90 days; pool CAs for ten years.
 */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
	fprintf(stderr, "gen-leaves: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static EVP_PKEY *read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "gen-leaves: %s: cannot open\n", path);
		exit(2);
	}
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) {
		fprintf(stderr, "gen-leaves: %s: not a private key\n", path);
		exit(2);
	}
	return k;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "gen-leaves: %s: cannot open\n", path);
		exit(2);
	}
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		fprintf(stderr, "gen-leaves: %s: not a PEM certificate\n", path);
		exit(2);
	}
	return x;
}

static void add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (!ext || !X509_add_ext(cert, ext, -1))
		fail("cannot add an extension");
	X509_EXTENSION_free(ext);
}

/* RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear. */
static void set_serial(X509 *x)
{
	unsigned char buf[16];
	if (RAND_bytes(buf, sizeof(buf)) != 1)
		fail("no randomness");
	buf[0] = (unsigned char)((buf[0] & 0x7f) | 0x40);
	BIGNUM *bn = BN_bin2bn(buf, sizeof(buf), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		fail("cannot set the serial");
	BN_free(bn);
}

static X509 *new_cert(const X509_NAME *subject, const X509_NAME *issuer, EVP_PKEY *pub,
		      long valid_secs)
{
	X509 *x = X509_new();
	if (!x || !X509_set_version(x, X509_VERSION_3))
		fail("out of memory");
	set_serial(x);
	if (!X509_set_subject_name(x, subject) || !X509_set_issuer_name(x, issuer) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), valid_secs) || !X509_set_pubkey(x, pub))
		fail("cannot fill the certificate");
	return x;
}

static X509_NAME *name_cn(const char *cn, const char *o)
{
	X509_NAME *n = X509_NAME_new();
	if (!n || (o && !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
						     (const unsigned char *)o, -1, -1, 0)) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
					-1, 0))
		fail("cannot build a name");
	return n;
}

static void make_leaves(X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *key, const char *host,
			long count, FILE *out)
{
	X509_NAME *subject = name_cn(host, NULL);
	char san[300];
	snprintf(san, sizeof(san), "DNS:%s", host);
	int rsa = EVP_PKEY_base_id(key) == EVP_PKEY_RSA;
	for (long i = 0; i < count; i++) {
		EVP_PKEY *fresh = rsa ? NULL : EVP_EC_gen("P-256");
		if (!rsa && !fresh)
			fail("cannot make a key");
		X509 *x = new_cert(subject, X509_get_subject_name(issuer), fresh ? fresh : key,
				   90L * 86400);
		X509V3_CTX ctx;
		X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
		add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, &ctx, NID_key_usage,
			rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
		add_ext(x, &ctx, NID_ext_key_usage, "serverAuth");
		add_ext(x, &ctx, NID_subject_alt_name, san);
		add_ext(x, &ctx, NID_subject_key_identifier, "hash");
		add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
		if (!X509_sign(x, issuer_key, EVP_sha256()) || !PEM_write_X509(out, x))
			fail("cannot sign or write a leaf");
		X509_free(x);
		EVP_PKEY_free(fresh);
	}
	X509_NAME_free(subject);
}

static void make_pool(EVP_PKEY *root_key, long count, FILE *out)
{
	X509_NAME *issuer = name_cn("Bench Pool Root", "trustbench pool");
	/* A stand-in issuer certificate, so the AKI names the signing key. */
	X509 *root = new_cert(issuer, issuer, root_key, 10L * 365 * 86400);
	X509V3_CTX rctx;
	X509V3_set_ctx(&rctx, root, root, NULL, NULL, 0);
	add_ext(root, &rctx, NID_subject_key_identifier, "hash");
	for (long i = 0; i < count; i++) {
		EVP_PKEY *k = EVP_EC_gen("P-256");
		if (!k)
			fail("cannot make a key");
		char cn[64];
		snprintf(cn, sizeof(cn), "Bench Pool CA %ld", i);
		X509_NAME *subject = name_cn(cn, "trustbench pool");
		X509 *x = new_cert(subject, issuer, k, 10L * 365 * 86400);
		X509V3_CTX ctx;
		X509V3_set_ctx(&ctx, root, x, NULL, NULL, 0);
		add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
		add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		add_ext(x, &ctx, NID_subject_key_identifier, "hash");
		add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
		if (!X509_sign(x, root_key, EVP_sha256()) || !PEM_write_X509(out, x))
			fail("cannot sign or write a pool certificate");
		X509_free(x);
		X509_NAME_free(subject);
		EVP_PKEY_free(k);
	}
	X509_free(root);
	X509_NAME_free(issuer);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: gen-leaves leaf --issuer-cert F --issuer-key F --key F --host NAME "
		"--count N --out F\n"
		"       gen-leaves pool --key F --count N --out F\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *issuer_cert = NULL, *issuer_key = NULL, *key = NULL, *host = NULL;
	const char *out = NULL;
	long count = -1;
	if (argc < 2)
		usage();
	int leaf = strcmp(argv[1], "leaf") == 0;
	if (!leaf && strcmp(argv[1], "pool") != 0)
		usage();
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		if (strcmp(o, "--issuer-cert") == 0)
			issuer_cert = v;
		else if (strcmp(o, "--issuer-key") == 0)
			issuer_key = v;
		else if (strcmp(o, "--key") == 0)
			key = v;
		else if (strcmp(o, "--host") == 0)
			host = v;
		else if (strcmp(o, "--count") == 0)
			count = strtol(v, NULL, 10);
		else if (strcmp(o, "--out") == 0)
			out = v;
		else
			usage();
	}
	if (!key || !out || count < 1 || count > 1000000 ||
	    (leaf && (!issuer_cert || !issuer_key || !host)))
		usage();

	FILE *f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "gen-leaves: %s: cannot create\n", out);
		return 2;
	}
	EVP_PKEY *k = read_key(key);
	if (leaf) {
		X509 *ic = read_cert(issuer_cert);
		EVP_PKEY *ik = read_key(issuer_key);
		make_leaves(ic, ik, k, host, count, f);
		X509_free(ic);
		EVP_PKEY_free(ik);
	} else {
		make_pool(k, count, f);
	}
	EVP_PKEY_free(k);
	if (fclose(f) != 0) {
		fprintf(stderr, "gen-leaves: %s: write error\n", out);
		return 2;
	}
	return 0;
}
