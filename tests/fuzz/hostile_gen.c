/*
 * hostile-gen: writes the oversized and adversarial PKIs that the bad-input
 * CLI tests and the fuzz seed corpus need, with OpenSSL's X509 API.  One
 * P-256 key signs everything (names, not keys, make the shapes), so a
 * thousand certificates take well under a second.  Validity is from a day
 * ago for a year, so the output never goes stale.
 *
 *   hostile-gen bundle N FILE   N distinct self-signed CA certificates (PEM)
 *   hostile-gen deep N DIR      root.pem, pool.pem (N intermediates, top first),
 *                               leaf.pem, chain.pem (leaf + the N intermediates)
 *   hostile-gen cycle DIR       a.pem b.pem (A signed by B, B signed by A),
 *                               leaf.pem (under A), chain.pem (leaf + A + B),
 *                               root.pem (an unrelated root, the only anchor)
 *   hostile-gen mesh W L DIR    L layers of W same-named CAs, each cross-signed
 *                               by every CA of the layer above, no anchor above
 *                               the top: pool.pem, leaf.pem, root.pem (unrelated)
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *g_key;
static long g_serial = 1;

static void die(const char *what)
{
	fprintf(stderr, "hostile-gen: %s\n", what);
	exit(2);
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509V3_set_ctx_nodb(&ctx);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e || !X509_add_ext(x, e, -1))
		die("cannot add an extension");
	X509_EXTENSION_free(e);
}

static void set_cn(X509_NAME *n, const char *cn)
{
	if (!X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
					(const unsigned char *)"trustbench hostile", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
					0))
		die("cannot set a name");
}

/* A certificate named `cn`, issued by `issuer_cn` (NULL: self-signed). */
static X509 *make(const char *cn, const char *issuer_cn, int ca, const char *dns)
{
	X509 *x = X509_new();
	if (!x || !X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), g_serial++) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -86400L) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400L) ||
	    !X509_set_pubkey(x, g_key))
		die("cannot make a certificate");
	set_cn(X509_get_subject_name(x), cn);
	set_cn(X509_get_issuer_name(x), issuer_cn ? issuer_cn : cn);
	if (ca) {
		add_ext(x, NULL, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, NULL, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		char san[300];
		snprintf(san, sizeof(san), "DNS:%s", dns);
		add_ext(x, NULL, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, NULL, NID_key_usage, "critical,digitalSignature");
		add_ext(x, NULL, NID_ext_key_usage, "serverAuth");
		add_ext(x, NULL, NID_subject_alt_name, san);
	}
	add_ext(x, NULL, NID_subject_key_identifier, "hash");
	add_ext(x, NULL, NID_authority_key_identifier, "keyid:always");
	if (X509_sign(x, g_key, EVP_sha256()) <= 0)
		die("cannot sign");
	return x;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	FILE *f = fopen(path, "w");
	if (!f)
		die(path);
	return f;
}

static void put(FILE *f, X509 *x)
{
	if (!PEM_write_X509(f, x))
		die("cannot write");
}

static void put1(const char *dir, const char *name, X509 *x)
{
	FILE *f = open_out(dir, name);
	put(f, x);
	fclose(f);
}

static void cmd_bundle(long n, const char *file)
{
	FILE *f = open_out(NULL, file);
	for (long i = 0; i < n; i++) {
		char cn[64];
		snprintf(cn, sizeof(cn), "Bundle CA %ld", i);
		X509 *x = make(cn, NULL, 1, NULL);
		put(f, x);
		X509_free(x);
	}
	fclose(f);
}

static void cmd_deep(long n, const char *dir)
{
	X509 *root = make("Deep Root", NULL, 1, NULL);
	put1(dir, "root.pem", root);
	X509_free(root);
	X509 **mid = calloc((size_t)n, sizeof(*mid));
	if (!mid)
		die("out of memory");
	char cn[64], up[64] = "Deep Root";
	for (long i = 0; i < n; i++) {
		snprintf(cn, sizeof(cn), "Deep CA %ld", i + 1);
		mid[i] = make(cn, up, 1, NULL);
		memcpy(up, cn, sizeof(up));
	}
	X509 *leaf = make("deep.example.com", up, 0, "deep.example.com");
	put1(dir, "leaf.pem", leaf);
	FILE *pool = open_out(dir, "pool.pem");
	FILE *chain = open_out(dir, "chain.pem");
	put(chain, leaf);
	for (long i = 0; i < n; i++) {
		put(pool, mid[i]);
		put(chain, mid[n - 1 - i]);
	}
	for (long i = 0; i < n; i++)
		X509_free(mid[i]);
	fclose(pool);
	fclose(chain);
	free(mid);
	X509_free(leaf);
}

static void cmd_cycle(const char *dir)
{
	X509 *root = make("Unrelated Root", NULL, 1, NULL);
	X509 *a = make("Cycle CA A", "Cycle CA B", 1, NULL);
	X509 *b = make("Cycle CA B", "Cycle CA A", 1, NULL);
	X509 *leaf = make("cycle.example.com", "Cycle CA A", 0, "cycle.example.com");
	put1(dir, "root.pem", root);
	put1(dir, "a.pem", a);
	put1(dir, "b.pem", b);
	put1(dir, "leaf.pem", leaf);
	FILE *f = open_out(dir, "chain.pem");
	put(f, leaf);
	put(f, a);
	put(f, b);
	fclose(f);
	X509_free(root);
	X509_free(a);
	X509_free(b);
	X509_free(leaf);
}

static void cmd_mesh(long w, long layers, const char *dir)
{
	X509 *root = make("Unrelated Root", NULL, 1, NULL);
	put1(dir, "root.pem", root);
	X509_free(root);
	FILE *pool = open_out(dir, "pool.pem");
	/* Layer k's CAs all carry the name "Mesh CA k"; the W copies differ by
	 * serial only, and each is issued under the name of layer k+1, so every
	 * copy above is a candidate issuer of every copy below. */
	for (long k = 0; k < layers; k++) {
		char cn[64], up[64];
		snprintf(cn, sizeof(cn), "Mesh CA %ld", k);
		snprintf(up, sizeof(up), "Mesh CA %ld", (k + 1) % layers);
		for (long i = 0; i < w; i++) {
			X509 *x = make(cn, up, 1, NULL);
			put(pool, x);
			X509_free(x);
		}
	}
	fclose(pool);
	X509 *leaf = make("mesh.example.com", "Mesh CA 0", 0, "mesh.example.com");
	put1(dir, "leaf.pem", leaf);
	X509_free(leaf);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 100000)
		die("counts are 1..100000");
	return v;
}

int main(int argc, char **argv)
{
	g_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!g_key)
		die("cannot make a key");
	if (argc == 4 && strcmp(argv[1], "bundle") == 0)
		cmd_bundle(num(argv[2]), argv[3]);
	else if (argc == 4 && strcmp(argv[1], "deep") == 0)
		cmd_deep(num(argv[2]), argv[3]);
	else if (argc == 3 && strcmp(argv[1], "cycle") == 0)
		cmd_cycle(argv[2]);
	else if (argc == 5 && strcmp(argv[1], "mesh") == 0)
		cmd_mesh(num(argv[2]), num(argv[3]), argv[4]);
	else
		die("usage: hostile-gen bundle N FILE | deep N DIR | cycle DIR | mesh W L DIR");
	EVP_PKEY_free(g_key);
	return 0;
}
