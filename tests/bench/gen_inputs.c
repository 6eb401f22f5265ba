/*
 * Makes the benchmark inputs: EC P-256 and RSA-2048 root -> intermediate ->
 * leaf chains for bench.example.com, a file of many leaves under each
 * intermediate (rotate), and pools of 10, 1,000 and 10,000 unrelated
 * intermediates.  The openssl CLI would take minutes for the pools; one
 * reused key and the X509 API take well under a second.
 *
 * Usage: gen-bench-inputs OUTDIR
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EC_LEAVES 6000
#define RSA_LEAVES 3000

static EVP_PKEY *key(int rsa)
{
	EVP_PKEY *k = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	if (!k) {
		fprintf(stderr, "gen-bench-inputs: key generation failed\n");
		exit(1);
	}
	return k;
}

static void ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e) {
		fprintf(stderr, "gen-bench-inputs: bad extension %s\n", value);
		exit(1);
	}
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* issuer NULL: self-signed.  kind: 0 leaf, 1 CA. */
static X509 *cert(const char *cn, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *ikey, int ca, long serial,
		  long days)
{
	X509 *x = X509_new();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), days * 86400);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"trustbench bench", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_set_pubkey(x, pub);
	if (ca) {
		ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
		ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
		ext(x, issuer, NID_key_usage, "critical,digitalSignature");
		ext(x, issuer, NID_ext_key_usage, "serverAuth");
		ext(x, issuer, NID_subject_alt_name, "DNS:bench.example.com");
	}
	ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (!X509_sign(x, ikey ? ikey : pub, EVP_sha256())) {
		fprintf(stderr, "gen-bench-inputs: signing failed\n");
		exit(1);
	}
	return x;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static void write1(const char *dir, const char *name, X509 *x)
{
	FILE *f = open_out(dir, name);
	PEM_write_X509(f, x);
	fclose(f);
}

static void chain(const char *out, const char *kind, int rsa, int nleaves)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", out, kind);
	mkdir(dir, 0755);
	EVP_PKEY *rk = key(rsa), *ik = key(rsa), *lk = key(rsa);
	X509 *root = cert("Bench Root", rk, NULL, NULL, 1, 1, 3650);
	X509 *inter = cert("Bench Intermediate", ik, root, rk, 1, 2, 1825);
	X509 *leaf = cert("bench.example.com", lk, inter, ik, 0, 3, 90);
	write1(dir, "root.pem", root);
	write1(dir, "inter.pem", inter);
	write1(dir, "leaf.pem", leaf);
	/* One leaf key for all rotate leaves: each certificate is still distinct. */
	FILE *f = open_out(dir, "leaves.pem");
	for (int i = 0; i < nleaves; i++) {
		X509 *l = cert("bench.example.com", lk, inter, ik, 0, 1000 + i, 90);
		PEM_write_X509(f, l);
		X509_free(l);
	}
	fclose(f);
	X509_free(leaf);
	X509_free(inter);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
}

static void pools(const char *out)
{
	EVP_PKEY *rk = key(0), *k = key(0);
	X509 *root = cert("Unrelated Pool Root", rk, NULL, NULL, 1, 1, 3650);
	static const int sizes[] = { 10, 1000, 10000 };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		char name[64];
		snprintf(name, sizeof(name), "pool%d.pem", sizes[s]);
		FILE *f = open_out(out, name);
		for (int i = 0; i < sizes[s]; i++) {
			char cn[64];
			snprintf(cn, sizeof(cn), "Unrelated Intermediate %d", i);
			X509 *x = cert(cn, k, root, rk, 1, 10 + i, 1825);
			PEM_write_X509(f, x);
			X509_free(x);
		}
		fclose(f);
	}
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(k);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-bench-inputs OUTDIR\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	chain(argv[1], "ec", 0, EC_LEAVES);
	chain(argv[1], "rsa", 1, RSA_LEAVES);
	pools(argv[1]);
	return 0;
}
