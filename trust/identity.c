/*
 * Client identity sets: key + leaf + chain, read from PEM files, certgen-style
 * folders or PKCS#12, with the chain built once at load time (issuer by
 * canonical DN) so selection only compares names.
 */
#include "identity.h"

#include <dirent.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Most certificates one identity's files may hold, and deepest chain built. */
#define MAX_IDENTITY_CERTS 32
#define MAX_IDENTITIES 4096

trust_identity_set *trust_identity_set_new(void)
{
	return calloc(1, sizeof(trust_identity_set));
}

static void ident_clear(tident *id)
{
	free(id->label);
	EVP_PKEY_free(id->key);
	X509_free(id->leaf);
	sk_X509_pop_free(id->chain, X509_free);
}

void trust_identity_set_free(trust_identity_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		ident_clear(&set->v[i]);
	free(set->v);
	free(set);
}

/* Never prompt on a terminal for an encrypted key: refuse it instead. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return 0;
}

/* Appends every certificate of PEM file `path` to `to`; an empty file is an error only
 * when `required` (certgen writes an empty chain.pem for a client under its root). */
static int read_certs(STACK_OF(X509) *to, const char *path, bool required, trust_error *err)
{
	BIO *b = BIO_new_file(path, "r");
	if (!b) {
		ERR_clear_error();
		return terr_set(err, TRUST_EIO, "%s: cannot open", path);
	}
	size_t before = (size_t)sk_X509_num(to);
	X509 *x;
	while ((x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL)) != NULL) {
		if ((size_t)sk_X509_num(to) >= MAX_IDENTITY_CERTS || !sk_X509_push(to, x)) {
			X509_free(x);
			BIO_free(b);
			return terr_set(err, TRUST_ELIMIT, "%s: more than %d certificates", path,
					MAX_IDENTITY_CERTS);
		}
	}
	BIO_free(b);
	ERR_clear_error();
	if (required && (size_t)sk_X509_num(to) == before)
		return terr_set(err, TRUST_EPARSE, "%s: no PEM certificate", path);
	return TRUST_OK;
}

static int read_key(EVP_PKEY **out, const char *path, trust_error *err)
{
	BIO *b = BIO_new_file(path, "r");
	if (!b) {
		ERR_clear_error();
		return terr_set(err, TRUST_EIO, "%s: cannot open", path);
	}
	*out = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (!*out)
		return terr_set(err, TRUST_EPARSE, "%s: no unencrypted PEM private key", path);
	return TRUST_OK;
}

/* Orders the leaf's issuers from `pool`: each next certificate's subject equals
 * the previous one's issuer; stops at a self-issued certificate. */
static STACK_OF(X509) *build_chain(X509 *leaf, STACK_OF(X509) *pool)
{
	STACK_OF(X509) *out = sk_X509_new_null();
	X509 *cur = leaf;
	while (out && sk_X509_num(out) < MAX_IDENTITY_CERTS &&
	       X509_NAME_cmp(X509_get_subject_name(cur), X509_get_issuer_name(cur)) != 0) {
		X509 *next = NULL;
		for (int i = 0; i < sk_X509_num(pool) && !next; i++) {
			X509 *c = sk_X509_value(pool, i);
			bool used = c == leaf;
			for (int j = 0; j < sk_X509_num(out) && !used; j++)
				used = sk_X509_value(out, j) == c;
			if (!used && X509_NAME_cmp(X509_get_subject_name(c),
						   X509_get_issuer_name(cur)) == 0)
				next = c;
		}
		if (!next)
			break;
		if (!X509_up_ref(next) || !sk_X509_push(out, next)) {
			X509_free(next);
			sk_X509_pop_free(out, X509_free);
			return NULL;
		}
		cur = next;
	}
	return out;
}

/* Takes ownership of key, leaf and pool (whatever the outcome). */
static int add_ident(trust_identity_set *set, const char *label, unsigned group, EVP_PKEY *key,
		     X509 *leaf, STACK_OF(X509) *pool, trust_error *err)
{
	int rc = TRUST_OK;
	STACK_OF(X509) *chain = NULL;
	char *copy = NULL;
	if (X509_check_private_key(leaf, key) != 1) {
		ERR_clear_error();
		rc = terr_set(err, TRUST_EPARSE, "%s: the private key does not match the certificate",
			      label);
		goto out;
	}
	if (set->n >= MAX_IDENTITIES) {
		rc = terr_set(err, TRUST_ELIMIT, "%s: more than %d identities", label, MAX_IDENTITIES);
		goto out;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		tident *v = realloc(set->v, cap * sizeof(*v));
		if (!v)
			goto nomem;
		set->v = v;
		set->cap = cap;
	}
	chain = build_chain(leaf, pool);
	copy = strdup(label);
	if (!chain || !copy)
		goto nomem;
	set->v[set->n++] = (tident){ copy, key, leaf, chain, group };
	sk_X509_pop_free(pool, X509_free);
	return TRUST_OK;
nomem:
	rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", label);
out:
	free(copy);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(pool, X509_free);
	X509_free(leaf);
	EVP_PKEY_free(key);
	return rc;
}

static int add_pem(trust_identity_set *set, const char *label, unsigned group, const char *cert,
		   const char *key, const char *chain, trust_error *err)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	EVP_PKEY *pkey = NULL;
	if (!certs)
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", cert);
	int rc = read_certs(certs, cert, true, err);
	if (rc == TRUST_OK && chain)
		rc = read_certs(certs, chain, false, err);
	if (rc == TRUST_OK)
		rc = read_key(&pkey, key, err);
	if (rc != TRUST_OK) {
		sk_X509_pop_free(certs, X509_free);
		return rc;
	}
	X509 *leaf = sk_X509_shift(certs);
	return add_ident(set, label ? label : cert, group, pkey, leaf, certs, err);
}

int trust_identity_set_add_pem(trust_identity_set *set, const char *label, const char *cert,
			       const char *key, const char *chain, trust_error *err)
{
	if (!set || !cert || !key)
		return terr_set(err, TRUST_EUSAGE, "identity: set, cert and key are required");
	return add_pem(set, label, set->groups++, cert, key, chain, err);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Adds folder dir/name; a folder without cert.pem and key.pem is an error. */
static int add_folder(trust_identity_set *set, const char *dir, const char *name, unsigned group,
		      trust_error *err)
{
	char cert[4096], key[4096], chain[4096];
	int n1 = snprintf(cert, sizeof(cert), "%s/%s/cert.pem", dir, name);
	int n2 = snprintf(key, sizeof(key), "%s/%s/key.pem", dir, name);
	int n3 = snprintf(chain, sizeof(chain), "%s/%s/chain.pem", dir, name);
	if (n1 < 0 || n2 < 0 || n3 < 0 || (size_t)n3 >= sizeof(chain))
		return terr_set(err, TRUST_EUSAGE, "%s/%s: path too long", dir, name);
	if (!is_file(cert) || !is_file(key))
		return terr_set(err, TRUST_EPARSE, "%s/%s: not an identity (needs cert.pem and key.pem)",
				dir, name);
	return add_pem(set, name, group, cert, key, is_file(chain) ? chain : NULL, err);
}

int trust_identity_set_add_dir(trust_identity_set *set, const char *dir, trust_error *err)
{
	if (!set || !dir)
		return terr_set(err, TRUST_EUSAGE, "identity: set and directory are required");
	DIR *d = opendir(dir);
	if (!d)
		return terr_set(err, TRUST_EIO, "%s: cannot open directory", dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = TRUST_OK;
	for (struct dirent *e; rc == TRUST_OK && (e = readdir(d)) != NULL;) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*v));
			if (!v) {
				rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", dir);
				break;
			}
			names = v;
		}
		if (!(names[n] = strdup(e->d_name)))
			rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", dir);
		else
			n++;
	}
	closedir(d);
	if (rc == TRUST_OK && n == 0)
		rc = terr_set(err, TRUST_EPARSE, "%s: no identity folders (NAME/cert.pem, key.pem)", dir);
	if (names)
		qsort(names, n, sizeof(*names), cmp_names);
	unsigned group = set->groups++;
	for (size_t i = 0; i < n && rc == TRUST_OK; i++)
		rc = add_folder(set, dir, names[i], group, err);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int trust_identity_set_add_pkcs12(trust_identity_set *set, const char *label, const char *path,
				  const char *password, trust_error *err)
{
	if (!set || !path)
		return terr_set(err, TRUST_EUSAGE, "identity: set and PKCS#12 path are required");
	BIO *b = BIO_new_file(path, "rb");
	if (!b) {
		ERR_clear_error();
		return terr_set(err, TRUST_EIO, "%s: cannot open", path);
	}
	PKCS12 *p12 = d2i_PKCS12_bio(b, NULL);
	BIO_free(b);
	EVP_PKEY *key = NULL;
	X509 *leaf = NULL;
	STACK_OF(X509) *ca = NULL;
	int ok = p12 && PKCS12_parse(p12, password ? password : "", &key, &leaf, &ca);
	PKCS12_free(p12);
	ERR_clear_error();
	if (!ok || !key || !leaf) {
		EVP_PKEY_free(key);
		X509_free(leaf);
		sk_X509_pop_free(ca, X509_free);
		return terr_set(err, TRUST_EPARSE, "%s: not a PKCS#12 file with a key and certificate "
				"(or wrong password)", path);
	}
	if (!ca && !(ca = sk_X509_new_null())) {
		EVP_PKEY_free(key);
		X509_free(leaf);
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", path);
	}
	return add_ident(set, label ? label : path, set->groups++, key, leaf, ca, err);
}

size_t trust_identity_set_count(const trust_identity_set *set)
{
	return set ? set->n : 0;
}

static const tident *at_index(const trust_identity_set *set, size_t i)
{
	return set && i < set->n ? &set->v[i] : NULL;
}

const char *trust_identity_label(const trust_identity_set *set, size_t i)
{
	const tident *id = at_index(set, i);
	return id ? id->label : NULL;
}

EVP_PKEY *trust_identity_key(const trust_identity_set *set, size_t i)
{
	const tident *id = at_index(set, i);
	return id ? id->key : NULL;
}

X509 *trust_identity_cert(const trust_identity_set *set, size_t i)
{
	const tident *id = at_index(set, i);
	return id ? id->leaf : NULL;
}

STACK_OF(X509) *trust_identity_chain(const trust_identity_set *set, size_t i)
{
	const tident *id = at_index(set, i);
	return id ? id->chain : NULL;
}
