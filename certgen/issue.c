/*
 * The common tail of every issuing command: clamp validity to the issuer,
 * sign, check the new chain with libtrust, write the files, record the serial.
 */
#include "certgen.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t not_after_of(const X509 *x)
{
	int day = 0, sec = 0;
	ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
	int64_t t = 0;
	if (epoch && ASN1_TIME_diff(&day, &sec, epoch, X509_get0_notAfter(x)))
		t = (int64_t)day * 86400 + sec;
	ASN1_TIME_free(epoch);
	return t;
}

int64_t cg_not_after(const X509 *x)
{
	return not_after_of(x);
}

void cg_warn_days(const cg_opts *o, long days)
{
	if (days > CG_LIMIT_APPLE)
		cg_warn(o, "%ld days is over Apple's limit of %d days for TLS server certificates "
			   "(iOS 13 / macOS 10.15 reject it, even under a user-installed root)",
			days, CG_LIMIT_APPLE);
	if (days >= CG_LIMIT_CHROMIUM)
		cg_warn(o, "%ld days reaches Chromium's %d-day cap, which Android applies to roots in "
			   "its system store (since 2026-03-15)", days, CG_LIMIT_CHROMIUM);
}

int cg_copies_ok(const cg_opts *o, const char *cert_file, const char *key_file)
{
	const char *f[2] = { cert_file, key_file };
	for (int i = 0; i < 2; i++) {
		if (!f[i])
			continue;
		if (!o->force && cg_exists(f[i]))
			return cg_fail(CG_REFUSED, "%s already exists; use --force to replace it", f[i]);
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", f[i]);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (cg_mkdirs(dir) != 0)
				return CG_USAGE;
		}
	}
	return CG_OK;
}

int cg_write_copies(const cg_opts *o, X509 *cert, EVP_PKEY *key, const char *cert_file,
		    const char *key_file)
{
	size_t n = 0;
	int rc = CG_OK;
	char *pem;
	if (cert_file) {
		pem = cg_cert_pem(cert, &n);
		rc = pem ? cg_write_file(cert_file, pem, n, 0644, o->force) : CG_USAGE;
		free(pem);
	}
	if (rc == CG_OK && key_file && key) {
		pem = cg_key_pem(key, &n);
		rc = pem ? cg_write_file(key_file, pem, n, 0600, o->force) : CG_USAGE;
		if (pem)
			OPENSSL_cleanse(pem, n);
		free(pem);
	}
	return rc;
}

int cg_issue(const cg_opts *o, cg_state *st, const cg_issue_req *q)
{
	int rc = cg_name_usable(o, st, q->name);
	if (rc != CG_OK)
		return rc;
	cg_spec s = *q->spec;
	cg_ent *is = q->issuer;
	int crc = cg_copies_ok(o, q->cert_file, q->key_file);
	if (crc != CG_OK)
		return crc;
	int64_t now = ttime_now();
	s.issuer = is->cert;
	s.issuer_key = is->key;
	if (!s.not_before)
		s.not_before = now - CG_BACKDATE_SECONDS;
	if (!s.not_after)
		s.not_after = now + q->days * 86400;
	int64_t limit = not_after_of(is->cert);
	if (s.not_after > limit && q->exact) {
		char t[32];
		cg_warn(o, "'%s' outlives its issuer '%s' (%s); kept as asked", q->name, is->name,
			ttime_rfc3339(t, sizeof t, limit));
	} else if (s.not_after > limit) {
		char t[32];
		cg_warn(o, "validity shortened to end with its issuer '%s' (%s)", is->name,
			ttime_rfc3339(t, sizeof t, limit));
		s.not_after = limit;
	}
	char serial[80] = "";
	X509 *x = NULL;
	/* A serial must be unique per issuer (RFC 5280 §4.1.2.2); retry on the
	 * astronomically unlikely clash. */
	for (int tries = 0; tries < 4; tries++) {
		X509_free(x);
		x = cg_build(&s, serial);
		if (!x || !cg_state_find_serial(st, serial))
			break;
	}
	if (!x)
		return CG_USAGE;
	/* Test CT logs sign before the check: the SCTs are part of what is checked. */
	EVP_PKEY *logs[CG_MAX_SCTS] = { 0 };
	size_t nlogs = (size_t)(q->scts > q->sct_tls ? q->scts : q->sct_tls);
	if (nlogs > CG_MAX_SCTS)
		rc = cg_fail(CG_USAGE, "at most %d SCTs", CG_MAX_SCTS);
	else if (nlogs)
		rc = cg_ct_logs_for(o, st, nlogs, logs);
	if (rc == CG_OK && q->scts > 0)
		rc = cg_ct_embed(&x, is->cert, is->key, logs, (size_t)q->scts, q->sct_bad);
	STACK_OF(X509) *chain = rc == CG_OK ? cg_chain_for(is) : NULL;
	if (rc == CG_OK && !chain)
		rc = CG_USAGE;
	if (rc == CG_OK && q->check) {
		char reason[128], msg[512];
		int t = cg_check(is->root, x, chain, q->client, q->host, q->ip, reason, sizeof reason,
				 msg, sizeof msg);
		if (t == 0 && !o->force) {
			rc = cg_fail(CG_REFUSED, "refusing to write '%s': libtrust (%s) rejects it: %s: %s; "
						 "fix the request, or use --force to write it anyway",
				     q->name, q->client ? "tls-client" : "tls-server", reason, msg);
		} else if (t == 0) {
			cg_warn(o, "'%s' is written although libtrust rejects it: %s: %s", q->name, reason,
				msg);
		} else if (t < 0) {
			cg_warn(o, "could not check '%s' with libtrust: %s", q->name, msg);
		}
	}
	if (rc == CG_OK)
		rc = cg_ent_write(o, st, q->name, x, q->nokey ? NULL : q->spec->key, chain);
	if (rc == CG_OK && cg_record(st, q->name, q->kind, serial, is->name, x) != 0)
		rc = CG_USAGE;
	if (rc == CG_OK)
		rc = cg_txn_commit(o, st);
	/* Copies outside the state directory follow the commit: never a copy of
	 * a certificate the state does not know. */
	if (rc == CG_OK)
		rc = cg_write_copies(o, x, q->nokey ? NULL : q->spec->key, q->cert_file, q->key_file);
	if (rc == CG_OK && q->sct_tls > 0)
		rc = cg_ct_write_serverinfo(o, q->name, x, logs, (size_t)q->sct_tls);
	if (rc == CG_OK) {
		char dir[4096], t[32];
		cg_ent_path(dir, sizeof dir, o, q->name, "");
		ttime_rfc3339(t, sizeof t, s.not_after);
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", q->name, "kind",
						q->kind, "dir", dir, "serial", serial, "issuer", is->name,
						"not_after", t));
		else
			cg_say(o, "%s '%s' issued by '%s', valid until %s\n  %scert.pem%s chain.pem "
				  "fullchain.pem\n", q->kind, q->name, is->name, t, dir,
			       q->nokey ? "" : " key.pem");
		if (!o->json && q->cert_file)
			cg_say(o, "  certificate also in %s\n", q->cert_file);
		if (!o->json && q->key_file && !q->nokey)
			cg_say(o, "  key also in %s (0600)\n", q->key_file);
	}
	for (size_t i = 0; i < nlogs && i < CG_MAX_SCTS; i++)
		EVP_PKEY_free(logs[i]);
	sk_X509_pop_free(chain, X509_free);
	X509_free(x);
	return rc;
}
