/*
 * variant-gen: edge-case leaves under the fixtures' intermediate, each written
 * as "leaf + intermediate" PEM, for the load/build seed corpus.  Every one is
 * correctly signed, so it reaches validation and, when libtrust accepts it,
 * the differential oracle against X509_verify_cert; byte-level mutation
 * rarely gets that far.  Where libtrust is stricter than OpenSSL (serial
 * rules, duplicate extensions, keyCertSign on a non-CA) the seed documents
 * the difference; where it accepts, OpenSSL must too.
 *
 *   variant-gen FIXTURES DIR
 */
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static X509 *g_inter;
static EVP_PKEY *g_ikey, *g_lkey;
static const char *g_dir;

static void die(const char *what)
{
	fprintf(stderr, "variant-gen: %s\n", what);
	exit(2);
}

static void *read_pem(const char *fx, const char *rel, int key)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", fx, rel);
	FILE *f = fopen(path, "r");
	if (!f)
		die(path);
	void *v = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
		      : (void *)PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!v)
		die(path);
	return v;
}

static void ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, g_inter, x, NULL, NULL, 0);
	X509V3_set_ctx_nodb(&ctx);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e || !X509_add_ext(x, e, -1))
		die(value);
	X509_EXTENSION_free(e);
}

/* An unregistered extension with raw DER contents. */
static void raw_ext(X509 *x, const char *oid, int critical, const unsigned char *der, int len)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	if (!o || !v || !ASN1_OCTET_STRING_set(v, der, len))
		die("raw extension");
	X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, critical, v);
	if (!e || !X509_add_ext(x, e, -1))
		die("raw extension");
	X509_EXTENSION_free(e);
	ASN1_OBJECT_free(o);
	ASN1_OCTET_STRING_free(v);
}

enum { NO_BC = 1, NO_KU = 2, NO_EKU = 4, NO_SAN = 8, NO_SKI = 16, NO_AKI = 32 };

static X509 *leaf(long serial, unsigned omit)
{
	X509 *x = X509_new();
	if (!x || !X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -86400L) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400L) ||
	    !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
					(const unsigned char *)"good.example.com", -1, -1, 0) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(g_inter)) || !X509_set_pubkey(x, g_lkey))
		die("leaf");
	if (!(omit & NO_BC))
		ext(x, NID_basic_constraints, "critical,CA:FALSE");
	if (!(omit & NO_KU))
		ext(x, NID_key_usage, "critical,digitalSignature");
	if (!(omit & NO_EKU))
		ext(x, NID_ext_key_usage, "serverAuth");
	if (!(omit & NO_SAN))
		ext(x, NID_subject_alt_name, "DNS:good.example.com");
	if (!(omit & NO_SKI))
		ext(x, NID_subject_key_identifier, "hash");
	if (!(omit & NO_AKI))
		ext(x, NID_authority_key_identifier, "keyid:always");
	return x;
}

static void out(const char *name, X509 *x, const EVP_MD *md)
{
	if (X509_sign(x, g_ikey, md) <= 0)
		die(name);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.pem", g_dir, name);
	FILE *f = fopen(path, "w");
	if (!f || !PEM_write_X509(f, x) || !PEM_write_X509(f, g_inter))
		die(path);
	fclose(f);
	X509_free(x);
}

static void akid(X509 *x, const unsigned char *keyid, int klen, long serial)
{
	AUTHORITY_KEYID *a = AUTHORITY_KEYID_new();
	a->keyid = ASN1_OCTET_STRING_new();
	ASN1_OCTET_STRING_set(a->keyid, keyid, klen);
	if (serial) {
		GENERAL_NAME *g = GENERAL_NAME_new();
		g->type = GEN_DIRNAME;
		g->d.dirn = X509_NAME_dup(X509_get_subject_name(g_inter));
		a->issuer = GENERAL_NAMES_new();
		sk_GENERAL_NAME_push(a->issuer, g);
		a->serial = ASN1_INTEGER_new();
		ASN1_INTEGER_set(a->serial, serial);
	}
	if (!X509_add1_ext_i2d(x, NID_authority_key_identifier, a, 0, 0))
		die("akid");
	AUTHORITY_KEYID_free(a);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: variant-gen FIXTURES DIR");
	g_dir = argv[2];
	g_inter = read_pem(argv[1], "good/inter.pem", 0);
	g_ikey = read_pem(argv[1], "good/inter.key", 1);
	g_lkey = read_pem(argv[1], "good/leaf.key", 1);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(g_inter);
	X509 *x;
	static const unsigned char der_null[] = { 0x05, 0x00 };
	/* certificatePolicies: { { 2.23.140.1.2.1 (CA/B domain validated) } } */
	static const unsigned char dv_policy[] = { 0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x67,
						   0x81, 0x0c, 0x01, 0x02, 0x01 };
	static const unsigned char wrong_id[20] = "not the issuer's id";

	out("control", leaf(1000, 0), EVP_sha256());
	x = leaf(1001, 0);
	ext(x, NID_subject_alt_name, "DNS:other.example.com");
	out("duplicate-san", x, EVP_sha256());
	out("negative-serial", leaf(-5, 0), EVP_sha256());
	out("zero-serial", leaf(0, 0), EVP_sha256());
	x = leaf(1002, NO_AKI);
	akid(x, wrong_id, (int)sizeof(wrong_id), 0);
	out("aki-wrong-keyid", x, EVP_sha256());
	x = leaf(1003, NO_AKI);
	akid(x, ASN1_STRING_get0_data(ski), ASN1_STRING_length(ski), 77777);
	out("aki-wrong-issuer-serial", x, EVP_sha256());
	x = leaf(1004, NO_KU);
	ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign");
	out("keycertsign-on-a-leaf", x, EVP_sha256());
	x = leaf(1005, NO_BC);
	ext(x, NID_basic_constraints, "critical,CA:FALSE,pathlen:3");
	out("pathlen-on-a-leaf", x, EVP_sha256());
	out("no-extensions-but-aki", leaf(1006, NO_BC | NO_KU | NO_EKU | NO_SAN | NO_SKI),
	    EVP_sha256());
	x = leaf(1007, 0);
	raw_ext(x, "1.3.6.1.4.1.55555.1", 1, der_null, sizeof(der_null));
	out("unknown-critical-extension", x, EVP_sha256());
	x = leaf(1008, 0);
	raw_ext(x, "1.3.6.1.4.1.55555.2", 0, der_null, sizeof(der_null));
	out("unknown-noncritical-extension", x, EVP_sha256());
	out("sha1-signature", leaf(1009, 0), EVP_sha1());
	out("sha512-signature", leaf(1010, 0), EVP_sha512());
	x = leaf(1011, NO_EKU);
	ext(x, NID_ext_key_usage, "anyExtendedKeyUsage");
	out("eku-any", x, EVP_sha256());
	x = leaf(1012, NO_EKU);
	ext(x, NID_ext_key_usage, "critical,clientAuth");
	out("eku-client-only", x, EVP_sha256());
	x = leaf(1013, 0);
	ext(x, NID_name_constraints, "critical,permitted;DNS:example.com");
	out("name-constraints-on-a-leaf", x, EVP_sha256());
	x = leaf(1014, NO_SAN);
	ext(x, NID_subject_alt_name, "critical,DNS:good.example.com,IP:127.0.0.1,email:a@example.com");
	out("critical-san-mixed", x, EVP_sha256());
	x = leaf(1015, 0);
	X509_gmtime_adj(X509_getm_notAfter(x), -86400L);
	out("not-after-equals-not-before", x, EVP_sha256());
	x = leaf(1016, 0);
	raw_ext(x, "2.5.29.32", 0, dv_policy, sizeof(dv_policy));
	out("certificate-policies", x, EVP_sha256());
	x = leaf(1017, 0);
	ext(x, NID_crl_distribution_points, "URI:http://crl.example.com/inter.crl");
	ext(x, NID_info_access, "OCSP;URI:http://ocsp.example.com/");
	out("crldp-and-aia", x, EVP_sha256());
	x = leaf(1018, NO_BC);
	out("no-basic-constraints", x, EVP_sha256());
	return 0;
}
