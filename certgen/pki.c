/* Entities in the state directory: where their files live, loading and writing them. */
#include "certgen.h"

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

void cg_ent_dirname(char *out, size_t n, const char *name)
{
	size_t j = 0;
	for (const char *p = name; *p && j + 10 < n; p++) {
		if (*p == '*') {
			memcpy(out + j, "_wildcard", 9);
			j += 9;
		} else if (*p == '/' || *p == ':' || *p == '\\' || (unsigned char)*p < 0x20) {
			out[j++] = '_';
		} else {
			out[j++] = *p;
		}
	}
	out[j] = '\0';
	/* Never "." or "..": those would escape the state directory. */
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		out[0] = '_';
}

bool cg_is_root(const char *name)
{
	return strcmp(name, CG_ROOT_NAME) == 0;
}

void cg_ent_path(char *out, size_t n, const cg_opts *o, const char *name, const char *file)
{
	if (cg_is_root(name)) {
		snprintf(out, n, "%s/%s", o->dir, strcmp(file, "key.pem") == 0 ? "ca-key.pem" : "ca.pem");
		return;
	}
	char d[512];
	cg_ent_dirname(d, sizeof d, name);
	snprintf(out, n, "%s/%s/%s", o->dir, d, file);
}

bool cg_have_root(const cg_opts *o)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/ca.pem", o->dir);
	return cg_exists(p);
}

void cg_ent_free(cg_ent *e)
{
	X509_free(e->cert);
	EVP_PKEY_free(e->key);
	sk_X509_pop_free(e->chain, X509_free);
	X509_free(e->root);
	memset(e, 0, sizeof *e);
}

int cg_begin_issuing(const cg_opts *o, cg_state *st, int *lockfd, cg_ent *is, const char *issuer,
		     const char *what)
{
	int rc = cg_begin(o, st, lockfd);
	if (rc != 0)
		return rc;
	if (cg_ent_load(is, o, issuer, true) != 0)
		return cg_end(o, st, *lockfd, false, CG_USAGE);
	if (!X509_check_ca(is->cert)) {
		cg_fail(CG_USAGE, "'%s' is not a CA and cannot issue %s; pass --issuer with the root "
				  "(ca) or an intermediate", issuer, what);
		cg_ent_free(is);
		return cg_end(o, st, *lockfd, false, CG_USAGE);
	}
	return CG_OK;
}

int cg_ent_load(cg_ent *e, const cg_opts *o, const char *name, bool want_key)
{
	char p[4096];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	if (!cg_have_root(o))
		return cg_fail(-1, "no root CA in %s; run '%s ca' first (or pass --dir)", o->dir,
			       cg_cmd_prefix(o));
	cg_ent_path(p, sizeof p, o, name, "cert.pem");
	if (!cg_exists(p)) {
		cg_fail(-1, "no certificate named '%s' in %s; '%s list' shows what exists", name,
			o->dir, cg_cmd_prefix(o));
		return -1;
	}
	e->cert = cg_cert_load(p);
	snprintf(p, sizeof p, "%s/ca.pem", o->dir);
	e->root = cg_cert_load(p);
	if (!e->cert || !e->root)
		goto fail;
	if (want_key) {
		cg_ent_path(p, sizeof p, o, name, "key.pem");
		if (!(e->key = cg_key_load(p)))
			goto fail;
	}
	if (cg_is_root(name)) {
		e->chain = sk_X509_new_null();
	} else {
		cg_ent_path(p, sizeof p, o, name, "chain.pem");
		e->chain = cg_certs_load(p);
	}
	if (!e->chain)
		goto fail;
	return 0;
fail:
	cg_ent_free(e);
	return -1;
}

STACK_OF(X509) *cg_chain_for(const cg_ent *issuer)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	if (!sk)
		return NULL;
	if (X509_cmp(issuer->cert, issuer->root) != 0) {
		X509_up_ref(issuer->cert);
		sk_X509_push(sk, issuer->cert);
	}
	for (int i = 0; i < sk_X509_num(issuer->chain); i++) {
		X509 *c = sk_X509_value(issuer->chain, i);
		X509_up_ref(c);
		sk_X509_push(sk, c);
	}
	return sk;
}

/* Concatenated PEM of cert (if any) and the chain. */
static char *pem_join(X509 *cert, STACK_OF(X509) *chain, size_t *len)
{
	size_t total = 0, n = 0;
	char *out = calloc(1, 1);
	int count = chain ? sk_X509_num(chain) : 0;
	for (int i = cert ? -1 : 0; out && i < count; i++) {
		char *p = cg_cert_pem(i < 0 ? cert : sk_X509_value(chain, i), &n);
		char *grown = p ? realloc(out, total + n + 1) : NULL;
		if (!grown) {
			free(p);
			free(out);
			return NULL;
		}
		out = grown;
		memcpy(out + total, p, n + 1);
		total += n;
		free(p);
	}
	*len = total;
	return out;
}

int cg_ent_write(const cg_opts *o, cg_state *st, const char *name, X509 *cert, EVP_PKEY *key,
		 STACK_OF(X509) *chain)
{
	char stage[4096], p[4200], d[512], rel[1100];
	cg_ent_dirname(d, sizeof d, name);
	int rc = cg_txn_stage_dir(o, d, stage, sizeof stage);
	/* Key first: a certificate without its key would be useless. */
	static const char *files[] = { "key.pem", "cert.pem", "chain.pem", "fullchain.pem" };
	for (size_t i = 0; rc == CG_OK && i < 4; i++) {
		size_t n = 0;
		char *c = i == 0 ? (key ? cg_key_pem(key, &n) : NULL)
			: pem_join(i == 2 ? NULL : cert, i == 1 ? NULL : chain, &n);
		if (i == 0 && !key)
			continue;
		snprintf(p, sizeof p, "%s/%s", stage, files[i]);
		rc = c ? cg_write_file(p, c, n, i == 0 ? 0600 : 0644, false) : CG_USAGE;
		if (c)
			OPENSSL_cleanse(c, n);
		free(c);
	}
	char from[600], aside[600];
	snprintf(from, sizeof from, ".stage.%s", d);
	snprintf(aside, sizeof aside, ".old.%s", d);
	snprintf(rel, sizeof rel, "%s", d);
	if (rc == CG_OK && cg_state_add_op(st, from, rel, aside) != 0)
		rc = cg_fail(CG_USAGE, "out of memory");
	if (rc != CG_OK) {
		/* Nothing is journalled yet: the staged directory simply goes. */
		char leaf[256];
		int dfd = cg_open_parent(stage, leaf, sizeof leaf);
		if (dfd >= 0) {
			cg_remove_tree(dfd, leaf);
			close(dfd);
		}
	}
	return rc;
}

char *cg_pem_join(X509 *cert, STACK_OF(X509) *chain, size_t *len)
{
	return pem_join(cert, chain, len);
}

int cg_record(cg_state *st, const char *name, const char *kind, const char *serial,
	      const char *issuer, const X509 *cert)
{
	cg_entry e = { 0 };
	e.name = (char *)name;
	e.kind = (char *)kind;
	e.serial = (char *)serial;
	e.issuer = (char *)issuer;
	e.reason = (char *)"";
	int day = 0, sec = 0;
	ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
	if (epoch && ASN1_TIME_diff(&day, &sec, epoch, X509_get0_notAfter(cert)))
		e.not_after = (int64_t)day * 86400 + sec;
	ASN1_TIME_free(epoch);
	return cg_state_put(st, &e);
}
