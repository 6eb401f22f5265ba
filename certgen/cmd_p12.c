/*
 * certgen p12: key + certificate + chain as PKCS#12 (RFC 7292).
 * Modern: PBES2 with AES-256-CBC and PBKDF2 for key and certificates, HMAC-SHA-256
 * MAC (what OpenSSL 3 writes by default).  --legacy: pbeWithSHAAnd3-KeyTripleDES-CBC
 * for both and a SHA-1 MAC, the only form older macOS/iOS importers accept.
 */
#include "certgen.h"

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CG_P12_ITER 2048

static int read_password(const char *path, char *out, size_t n)
{
	size_t len = 0;
	unsigned char *buf = cg_read_file(path, &len);
	if (!buf)
		return CG_USAGE;
	/* Like openssl's file: source, the first line is the password. */
	size_t end = strcspn((char *)buf, "\r\n");
	int rc = CG_OK;
	if (end == 0 || end >= n)
		rc = cg_fail(CG_USAGE, "%s: the first line must hold a password of 1 to %zu bytes", path,
			     n - 1);
	else
		memcpy(out, buf, end), out[end] = '\0';
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

static int random_password(char *out, size_t n)
{
	unsigned char raw[18];
	if (n < 25 || RAND_bytes(raw, sizeof raw) != 1)
		return CG_USAGE;
	EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw);
	/* Base64 without '/' and '+', so it survives shells and URLs. */
	for (char *p = out; *p; p++)
		if (*p == '/' || *p == '+')
			*p = 'x';
	OPENSSL_cleanse(raw, sizeof raw);
	return CG_OK;
}

int cmd_p12(const cg_opts *o, int argc, char **argv)
{
	const char *name = NULL, *pwfile = NULL;
	bool legacy = false;
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--password-file", &pwfile)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (strcmp(argv[i], "--legacy") == 0) {
			legacy = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("p12", argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return cg_fail(CG_USAGE, "p12 needs a NAME; e.g. '%s p12 localhost --legacy'",
			       cg_cmd_prefix(o));
	char pw[256];
	int rc = pwfile ? read_password(pwfile, pw, sizeof pw) : random_password(pw, sizeof pw);
	if (rc != CG_OK)
		return rc;
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	cg_ent e;
	if (cg_ent_load(&e, o, name, true) != 0) {
		OPENSSL_cleanse(pw, sizeof pw);
		return cg_end(o, &st, lockfd, false, CG_USAGE);
	}
	/* The chain and the root, so an importer can show the whole path. */
	STACK_OF(X509) *ca = sk_X509_dup(e.chain);
	if (ca && X509_cmp(e.cert, e.root) != 0)
		sk_X509_push(ca, e.root);
	int nid = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc;
	PKCS12 *p12 = ca ? PKCS12_create(pw, name, e.key, e.cert, ca, nid, nid, CG_P12_ITER, -1, 0) : NULL;
	if (p12 && !PKCS12_set_mac(p12, pw, -1, NULL, 0, CG_P12_ITER,
				   legacy ? EVP_sha1() : EVP_sha256())) {
		PKCS12_free(p12);
		p12 = NULL;
	}
	unsigned char *der = NULL;
	int n = p12 ? i2d_PKCS12(p12, &der) : -1;
	char dir[4096], path[4700], pwpath[4800], d[512];
	cg_ent_dirname(d, sizeof d, name);
	cg_ent_path(dir, sizeof dir, o, name, "");
	snprintf(path, sizeof path, "%s%s.p12", dir, d);
	snprintf(pwpath, sizeof pwpath, "%s.pass", path);
	if (n <= 0) {
		ERR_clear_error();
		rc = cg_fail(CG_USAGE, "cannot build the PKCS#12 file for '%s'", name);
	} else if (!o->force && (cg_exists(path) || (!pwfile && cg_exists(pwpath)))) {
		rc = cg_fail(CG_REFUSED, "%s already exists; use --force to replace it", path);
	} else {
		/* Both files switch in together: never a PKCS#12 whose password is lost. */
		char rel[1100];
		snprintf(rel, sizeof rel, "%s/%s.p12", d, d);
		rc = cg_txn_stage_file(o, &st, rel, der, (size_t)n, 0600);
		if (rc == CG_OK && !pwfile) {
			char line[300];
			int ln = snprintf(line, sizeof line, "%s\n", pw);
			snprintf(rel, sizeof rel, "%s/%s.p12.pass", d, d);
			rc = cg_txn_stage_file(o, &st, rel, line, (size_t)ln, 0600);
			OPENSSL_cleanse(line, sizeof line);
		}
		if (rc == CG_OK)
			rc = cg_txn_commit(o, &st);
	}
	if (rc == CG_OK) {
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:s, s:s?}", "name", name, "p12", path,
						"encryption", legacy ? "legacy-3des-sha1" : "aes-256-cbc-sha256",
						"password_file", pwfile ? NULL : pwpath));
		else
			cg_say(o, "PKCS#12 (%s) for '%s': %s\n  password: %s\n", legacy ? "legacy 3DES/SHA-1" :
			       "AES-256/SHA-256", name, path, pwfile ? pwfile : pwpath);
	}
	OPENSSL_cleanse(pw, sizeof pw);
	OPENSSL_free(der);
	PKCS12_free(p12);
	sk_X509_free(ca);
	cg_ent_free(&e);
	return cg_end(o, &st, lockfd, false, rc);
}
