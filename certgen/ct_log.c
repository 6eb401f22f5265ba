/*
 * Test Certificate Transparency logs: a log is a key (DIR/ct/NAME-key.pem,
 * 0600) and an entry in DIR/ct/log-list.json, written in the JSON format of
 * the public log lists (Google's log_list v3 schema) so trustcheck
 * --ct-log-list reads it as it reads a real list.  Each log gets its own
 * operator unless one is named.  Both files change only through the state's
 * journal (txn.c), together with the certificate that needed a new log.
 *
 * cg_ct_embed issues by the RFC 6962 precertificate flow: the issuer signs a
 * precertificate carrying the critical poison extension; each log signs the
 * SCT's digitally-signed struct (§3.2, TLS encoding: version, type,
 * timestamp, entry type, issuer key hash, the precertificate's TBS without
 * the poison, extensions) with its key; the final certificate is the
 * precertificate without the poison plus the SCT list extension, signed
 * again.  OpenSSL builds the SCT structures and the extension; the signed
 * struct is TLS presentation language, not ASN.1, and has no OpenSSL API.
 */
#include "certgen.h"

#include <jansson.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CT_DIR "ct"
#define CT_LIST CT_DIR "/log-list.json"
#define CT_MAX_LOGS 64

const char *cg_ct_list_path(char *buf, size_t n, const cg_opts *o)
{
	snprintf(buf, n, "%s/" CT_LIST, o->dir);
	return buf;
}

bool cg_ct_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= 64 && name[0] != '.' && name[0] != '-' &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

void *cg_ct_list_load(const cg_opts *o)
{
	char p[4096];
	cg_ct_list_path(p, sizeof p, o);
	if (!cg_exists(p))
		return json_pack("{s:s, s:[]}", "version", "certgen test logs", "operators");
	if (cg_is_link(p)) {
		cg_fail(CG_USAGE, "%s is a symbolic link; certgen follows none under its state "
				  "directory (remove it)", p);
		return NULL;
	}
	size_t len = 0;
	unsigned char *data = cg_read_file(p, &len);
	if (!data)
		return NULL;
	json_error_t je;
	json_t *doc = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je);
	free(data);
	if (!doc || !json_is_array(json_object_get(doc, "operators"))) {
		cg_fail(CG_USAGE, "%s: not a CT log list%s%s", p, doc ? "" : ": ", doc ? "" : je.text);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

void *cg_ct_list_find(void *doc, const char *name, size_t *index)
{
	size_t i, j, k = 0;
	json_t *op, *log;
	json_array_foreach(json_object_get(doc, "operators"), i, op) {
		json_array_foreach(json_object_get(op, "logs"), j, log) {
			const char *n = json_string_value(json_object_get(log, "certgen_name"));
			if (name ? n && strcmp(n, name) == 0 : k == *index)
				return log;
			k++;
		}
	}
	if (name && index)
		*index = k;
	return NULL;
}

/* The number of RFC 6962 logs in the list. */
static size_t list_count(void *doc)
{
	size_t n = 0;
	cg_ct_list_find(doc, "", &n);
	return n;
}

int cg_ct_list_stage(const cg_opts *o, cg_state *st, void *doc)
{
	char t[32];
	json_object_set_new(doc, "log_list_timestamp",
			    json_string(ttime_rfc3339(t, sizeof t, ttime_now())));
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		return cg_fail(CG_USAGE, "out of memory");
	size_t len = strlen(text);
	text[len] = '\0';
	char *nl = realloc(text, len + 2);
	int rc = CG_USAGE;
	if (nl) {
		text = nl;
		text[len++] = '\n';
		rc = cg_txn_stage_file(o, st, CT_LIST, text, len, 0644);
	}
	free(text);
	return rc;
}

static void key_rel(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, CT_DIR "/%s-key.pem", name);
}

/* "ct/" under the state directory, refused if it is a link. */
static int ct_dir(const cg_opts *o)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/" CT_DIR, o->dir);
	if (cg_is_link(p))
		return cg_fail(CG_USAGE, "%s is a symbolic link; certgen follows none under its state "
					 "directory (remove it)", p);
	return cg_mkdirs(p) == 0 ? CG_OK : CG_USAGE;
}

int cg_ct_log_add(const cg_opts *o, cg_state *st, void *doc, const char *name,
		  const char *operator_name, EVP_PKEY **key_out)
{
	if (list_count(doc) >= CT_MAX_LOGS)
		return cg_fail(CG_USAGE, "a certgen log list holds at most %d logs", CT_MAX_LOGS);
	int rc = ct_dir(o);
	if (rc != CG_OK)
		return rc;
	EVP_PKEY *key = cg_key_new("ec256");
	unsigned char *spki = NULL;
	int spki_len = key ? i2d_PUBKEY(key, &spki) : -1;
	if (spki_len <= 0) {
		EVP_PKEY_free(key);
		return cg_fail(CG_USAGE, "could not make a key for CT log '%s'", name);
	}
	unsigned char id[SHA256_DIGEST_LENGTH];
	SHA256(spki, (size_t)spki_len, id);
	char *key_b64 = malloc(4 * (((size_t)spki_len + 2) / 3) + 1), id_b64[48], t[32], url[128];
	if (key_b64)
		EVP_EncodeBlock((unsigned char *)key_b64, spki, spki_len);
	EVP_EncodeBlock((unsigned char *)id_b64, id, sizeof id);
	OPENSSL_free(spki);
	snprintf(url, sizeof url, "https://%s.ct.invalid/", name);
	json_t *log = key_b64 ? json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:{s:s}}}",
					  "description", name, "certgen_name", name, "log_id",
					  id_b64, "key", key_b64, "url", url, "mmd", 86400, "state",
					  "usable", "timestamp",
					  ttime_rfc3339(t, sizeof t, ttime_now()))
			      : NULL;
	free(key_b64);
	/* The named operator, or a new one named after the log. */
	const char *opname = operator_name ? operator_name : name;
	json_t *ops = json_object_get(doc, "operators"), *op = NULL, *cand;
	size_t i;
	json_array_foreach(ops, i, cand) {
		if (!op && json_is_string(json_object_get(cand, "name")) &&
		    strcmp(json_string_value(json_object_get(cand, "name")), opname) == 0)
			op = cand;
	}
	if (!op && log) {
		op = json_pack("{s:s, s:[], s:[]}", "name", opname, "email", "logs");
		if (op && json_array_append_new(ops, op) != 0)
			op = NULL;
	}
	if (!log || !op || !json_is_array(json_object_get(op, "logs")) ||
	    json_array_append_new(json_object_get(op, "logs"), log) != 0) {
		EVP_PKEY_free(key);
		return cg_fail(CG_USAGE, "out of memory");
	}
	size_t pem_len = 0;
	char rel[512], *pem = cg_key_pem(key, &pem_len);
	key_rel(rel, sizeof rel, name);
	rc = pem ? cg_txn_stage_file(o, st, rel, pem, pem_len, 0600) : CG_USAGE;
	if (pem)
		OPENSSL_cleanse(pem, pem_len);
	free(pem);
	if (rc == CG_OK && key_out)
		*key_out = key;
	else
		EVP_PKEY_free(key);
	return rc;
}

/*
 * The digitally-signed struct of RFC 6962 §3.2 (malloc'd): for a precert entry
 * the issuer key hash ikh and the TBS, for an X.509 entry (ikh NULL) the
 * certificate's DER, each with its 24-bit length.
 */
static unsigned char *signed_data(uint64_t ts, const unsigned char *ikh,
				  const unsigned char *body, size_t body_len, size_t *len)
{
	size_t n = 1 + 1 + 8 + 2 + (ikh ? 32 : 0) + 3 + body_len + 2;
	unsigned char *b = body_len < (1u << 24) ? malloc(n) : NULL, *q = b;
	if (!b)
		return NULL;
	*q++ = 0;                           /* sct_version v1 */
	*q++ = 0;                           /* signature_type certificate_timestamp */
	for (int i = 7; i >= 0; i--)
		*q++ = (unsigned char)(ts >> (8 * i));
	*q++ = 0;                           /* entry_type: x509_entry (0), precert_entry (1) */
	*q++ = ikh ? 1 : 0;
	if (ikh) {
		memcpy(q, ikh, 32);
		q += 32;
	}
	*q++ = (unsigned char)(body_len >> 16);
	*q++ = (unsigned char)(body_len >> 8);
	*q++ = (unsigned char)body_len;
	memcpy(q, body, body_len);
	q += body_len;
	*q++ = 0;                           /* no extensions */
	*q++ = 0;
	*len = n;
	return b;
}

/* One SCT from a log over an entry (see signed_data); with bad, over other bytes. */
static SCT *log_sign(EVP_PKEY *log_key, uint64_t ts, const unsigned char *ikh,
		     const unsigned char *body, size_t body_len, bool bad)
{
	unsigned char *spki = NULL, id[SHA256_DIGEST_LENGTH], *sig = NULL;
	int spki_len = i2d_PUBKEY(log_key, &spki);
	if (spki_len <= 0)
		return NULL;
	SHA256(spki, (size_t)spki_len, id);
	OPENSSL_free(spki);
	size_t len = 0, sig_len = 0;
	unsigned char *data = signed_data(ts, ikh, body, body_len, &len);
	if (data && bad)
		data[len - 3] ^= 0x01; /* the last byte of the entry */
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	SCT *sct = SCT_new();
	bool ok = data && mctx && sct &&
		  EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, log_key) == 1 &&
		  EVP_DigestSign(mctx, NULL, &sig_len, data, len) == 1 &&
		  (sig = OPENSSL_malloc(sig_len)) != NULL &&
		  EVP_DigestSign(mctx, sig, &sig_len, data, len) == 1 &&
		  SCT_set_version(sct, SCT_VERSION_V1) == 1 &&
		  SCT_set_log_entry_type(sct, ikh ? CT_LOG_ENTRY_TYPE_PRECERT
						  : CT_LOG_ENTRY_TYPE_X509) == 1 &&
		  SCT_set1_log_id(sct, id, sizeof id) == 1 &&
		  SCT_set1_extensions(sct, NULL, 0) == 1 &&
		  SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256) == 1 &&
		  SCT_set1_signature(sct, sig, sig_len) == 1;
	if (ok)
		SCT_set_timestamp(sct, ts);
	OPENSSL_free(sig);
	EVP_MD_CTX_free(mctx);
	free(data);
	if (!ok) {
		SCT_free(sct);
		return NULL;
	}
	return sct;
}

int cg_ct_tls_list(X509 *cert, EVP_PKEY *const *logs, size_t n, unsigned char **der,
		   size_t *der_len)
{
	unsigned char *body = NULL;
	int body_len = i2d_X509(cert, &body);
	STACK_OF(SCT) *scts = sk_SCT_new_null();
	uint64_t ts = ttime_now_ms();
	bool ok = body_len > 0 && scts;
	for (size_t i = 0; ok && i < n; i++) {
		SCT *s = log_sign(logs[i], ts, NULL, body, (size_t)body_len, false);
		ok = s && sk_SCT_push(scts, s) > 0;
		if (!ok)
			SCT_free(s);
	}
	*der = NULL;
	int len = ok ? i2o_SCT_LIST(scts, der) : -1;
	OPENSSL_free(body);
	SCT_LIST_free(scts);
	ERR_clear_error();
	if (len <= 0)
		return cg_fail(CG_USAGE, "could not make the TLS extension's SCT list");
	*der_len = (size_t)len;
	return CG_OK;
}

/* Deletes every extension with this NID from x. */
static void drop_ext(X509 *x, int nid)
{
	int idx;
	while ((idx = X509_get_ext_by_NID(x, nid, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(x, idx));
}

int cg_ct_embed(X509 **x, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *const *logs, size_t n,
		bool bad)
{
	const EVP_MD *md = cg_key_md(issuer_key);
	X509 *pre = X509_dup(*x);
	ASN1_NULL *poison = ASN1_NULL_new();
	STACK_OF(SCT) *scts = sk_SCT_new_null();
	unsigned char *spki = NULL, *tbs = NULL, ikh[SHA256_DIGEST_LENGTH];
	int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
	uint64_t ts = ttime_now_ms();
	/* The issuer signs the precertificate; the logs see it without the poison. */
	bool ok = pre && poison && scts && spki_len > 0 &&
		  X509_add1_ext_i2d(pre, NID_ct_precert_poison, poison, 1, X509V3_ADD_APPEND) == 1 &&
		  X509_sign(pre, issuer_key, md) > 0;
	if (ok)
		SHA256(spki, (size_t)spki_len, ikh);
	X509 *final = ok ? X509_dup(pre) : NULL;
	if (final)
		drop_ext(final, NID_ct_precert_poison);
	int tbs_len = final ? i2d_re_X509_tbs(final, &tbs) : -1;
	ok = ok && tbs_len > 0;
	for (size_t i = 0; ok && i < n; i++) {
		SCT *s = log_sign(logs[i], ts, ikh, tbs, (size_t)tbs_len, bad && i + 1 == n);
		ok = s && sk_SCT_push(scts, s) > 0;
		if (!ok)
			SCT_free(s);
	}
	ok = ok && X509_add1_ext_i2d(final, NID_ct_precert_scts, scts, 0, X509V3_ADD_APPEND) == 1 &&
	     X509_sign(final, issuer_key, md) > 0;
	OPENSSL_free(spki);
	OPENSSL_free(tbs);
	ASN1_NULL_free(poison);
	SCT_LIST_free(scts);
	X509_free(pre);
	ERR_clear_error();
	if (!ok) {
		X509_free(final);
		return cg_fail(CG_USAGE, "could not embed SCTs (precertificate flow failed)");
	}
	X509_free(*x);
	*x = final;
	return CG_OK;
}

int cg_ct_write_serverinfo(const cg_opts *o, const char *name, X509 *x, EVP_PKEY *const *logs,
			   size_t n)
{
	unsigned char *list = NULL;
	size_t len = 0;
	int rc = cg_ct_tls_list(x, logs, n, &list, &len);
	if (rc != CG_OK)
		return rc;
	/* serverinfo v2: the contexts to send it in (TLS 1.2 ServerHello, the TLS 1.3
	 * leaf's CertificateEntry), extension type 18, length, body. */
	const unsigned int ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
				 SSL_EXT_TLS1_3_CERTIFICATE;
	size_t n_info = 8 + len;
	unsigned char *info = len <= 0xffff ? malloc(n_info) : NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long pem_len = 0;
	if (info && b) {
		for (int i = 0; i < 4; i++)
			info[i] = (unsigned char)(ctx >> (8 * (3 - i)));
		info[4] = 0;
		info[5] = TLSEXT_TYPE_signed_certificate_timestamp;
		info[6] = (unsigned char)(len >> 8);
		info[7] = (unsigned char)len;
		memcpy(info + 8, list, len);
		if (PEM_write_bio(b, "SERVERINFOV2 FOR SIGNED CERTIFICATE TIMESTAMP", "", info,
				  (long)n_info) > 0)
			pem_len = BIO_get_mem_data(b, &pem);
	}
	char path[4096];
	cg_ent_path(path, sizeof path, o, name, "serverinfo.pem");
	rc = pem_len > 0 ? cg_write_file(path, pem, (size_t)pem_len, 0644, true)
			 : cg_fail(CG_USAGE, "could not write %s", path);
	if (rc == CG_OK)
		cg_say(o, "  %s: SCTs for the TLS extension (openssl s_server -serverinfo)\n", path);
	BIO_free(b);
	free(info);
	OPENSSL_free(list);
	return rc;
}

int cg_ct_logs_for(const cg_opts *o, cg_state *st, size_t n, EVP_PKEY **keys)
{
	json_t *doc = cg_ct_list_load(o);
	if (!doc)
		return CG_USAGE;
	int rc = CG_OK;
	bool added = false;
	for (size_t i = 0; rc == CG_OK && i < n; i++) {
		size_t k = i;
		json_t *log = cg_ct_list_find(doc, NULL, &k);
		if (!log) {
			/* Missing logs are made on demand, named log1, log2, ... */
			char name[32];
			for (unsigned s = 1; s < 1000; s++) {
				snprintf(name, sizeof name, "log%u", s);
				if (!cg_ct_list_find(doc, name, NULL))
					break;
			}
			rc = cg_ct_log_add(o, st, doc, name, NULL, &keys[i]);
			if (rc == CG_OK)
				cg_say(o, "created CT log '%s' in %s\n", name, CT_LIST);
			added = true;
			continue;
		}
		const char *name = json_string_value(json_object_get(log, "certgen_name"));
		char rel[512], p[4096];
		key_rel(rel, sizeof rel, name ? name : "");
		snprintf(p, sizeof p, "%s/%s", o->dir, rel);
		if (!name || !cg_ct_name_ok(name) || !(keys[i] = cg_key_load(p)))
			rc = cg_fail(CG_USAGE, "CT log %zu of %s has no usable key (%s)", i + 1, CT_LIST,
				     p);
	}
	if (rc == CG_OK && added)
		rc = cg_ct_list_stage(o, st, doc);
	json_decref(doc);
	return rc;
}
