/*
 * certgen ocsp: a signed OCSP response (RFC 6960) for stapling and file tests,
 * and certgen responder: the delegated responder certificate that may sign
 * one (§4.2.2.2).  No database, no server: a response says what it is told.
 *
 * Deliberately wrong responses are the point of some tests, so a response
 * past its nextUpdate, or one signed by a certificate that may not answer for
 * the leaf, is written as asked, with a warning saying what a client must do.
 */
#include "certgen.h"

#include <jansson.h>
#include <openssl/ocsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A response lasts this long unless --this-update / --next-update say otherwise. */
#define OCSP_DAYS 7

typedef struct ocsp_args {
	const char *name, *status, *signer, *out;
	const char *this_arg, *next_arg;
	int code;               /* V_OCSP_CERTSTATUS_* */
	int64_t this_upd, next_upd;
} ocsp_args;

/* DAYS from now (negative: in the past) or an RFC 3339 time. */
static bool ocsp_time(const char *v, int64_t now, int64_t *out)
{
	long days;
	if (cg_parse_long(v, -3650, 3650, &days)) {
		*out = now + (int64_t)days * 86400;
		return true;
	}
	return cg_parse_rfc3339(v, out);
}

/* thisUpdate defaults to now (less the backdate), or to a week before a
 * --next-update already past it, so `--next-update -1` alone is an expired response. */
static int resolve_times(ocsp_args *a)
{
	int64_t now = ttime_now();
	const char *bad = NULL;
	if (a->this_arg && !ocsp_time(a->this_arg, now, &a->this_upd))
		bad = "--this-update";
	else if (a->next_arg && !ocsp_time(a->next_arg, now, &a->next_upd))
		bad = "--next-update";
	if (bad)
		return cg_fail(CG_USAGE, "%s wants a number of days from now (-3650 to 3650) or an RFC "
					 "3339 time such as 2026-01-31T12:00:00Z, not '%s'", bad,
			       bad[2] == 't' ? a->this_arg : a->next_arg);
	if (!a->this_arg)
		a->this_upd = a->next_arg && a->next_upd <= now - CG_BACKDATE_SECONDS
				      ? a->next_upd - OCSP_DAYS * 86400 : now - CG_BACKDATE_SECONDS;
	if (!a->next_arg)
		a->next_upd = a->this_upd + OCSP_DAYS * 86400 + (a->this_arg ? 0 : CG_BACKDATE_SECONDS);
	if (a->next_upd <= a->this_upd) {
		char t[32], n[32];
		return cg_fail(CG_USAGE, "nextUpdate %s is not after thisUpdate %s",
			       ttime_rfc3339(n, sizeof n, a->next_upd),
			       ttime_rfc3339(t, sizeof t, a->this_upd));
	}
	return CG_OK;
}

static int parse(ocsp_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--status", &a->status)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--signer", &a->signer)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--this-update", &a->this_arg)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--next-update", &a->next_arg)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--out", &a->out)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("ocsp", argv[i]);
		} else {
			a->name = argv[i];
		}
	}
	const char *s = a->status;
	a->code = !s ? -1 : strcmp(s, "good") == 0 ? V_OCSP_CERTSTATUS_GOOD
		: strcmp(s, "revoked") == 0 ? V_OCSP_CERTSTATUS_REVOKED
		: strcmp(s, "unknown") == 0 ? V_OCSP_CERTSTATUS_UNKNOWN : -1;
	if (!a->name || a->code < 0)
		return cg_fail(CG_USAGE, "usage: certgen ocsp NAME --status good|revoked|unknown "
					 "[--signer NAME] [--this-update T] [--next-update T] [--out FILE]");
	return resolve_times(a);
}

/* NULL when the signer may answer for certificates of `is` (the issuer itself, or a
 * certificate it issued with id-kp-OCSPSigning); else what a client will object to. */
static const char *unauthorised(const cg_ent *sg, const cg_ent *is)
{
	if (X509_cmp(sg->cert, is->cert) == 0)
		return NULL;
	if (X509_check_issued(is->cert, sg->cert) != X509_V_OK ||
	    X509_verify(sg->cert, X509_get0_pubkey(is->cert)) != 1)
		return "it was not issued by the certificate's issuer";
	uint32_t xku = X509_get_extended_key_usage(sg->cert);
	if (!(X509_get_extension_flags(sg->cert) & EXFLAG_XKUSAGE) || !(xku & XKU_OCSP_SIGN))
		return "it lacks id-kp-OCSPSigning";
	return NULL;
}

/* The DER response about leaf, signed by sg with its certificate; *len set. */
static unsigned char *build(const ocsp_args *a, const cg_entry *e, const cg_ent *leaf,
			    const cg_ent *is, const cg_ent *sg, int *len)
{
	int reason = e->revoked ? cg_reason_code(e->reason) : OCSP_REVOKED_STATUS_UNSPECIFIED;
	ASN1_TIME *thisupd = ASN1_TIME_set(NULL, (time_t)a->this_upd);
	ASN1_TIME *nextupd = ASN1_TIME_set(NULL, (time_t)a->next_upd);
	ASN1_TIME *rev = ASN1_TIME_set(NULL, (time_t)(e->revoked ? e->revoked_at : ttime_now()));
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), leaf->cert, is->cert);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	/* The signer's certificate travels in the response (a delegated responder
	 * must; for the issuer it is harmless), as responders do. */
	bool ok = id && bs && thisupd && nextupd && rev &&
		  OCSP_basic_add1_status(bs, id, a->code, reason, rev, thisupd, nextupd) &&
		  OCSP_basic_sign(bs, sg->cert, sg->key, cg_key_md(sg->key), NULL, 0);
	OCSP_RESPONSE *resp = ok ? OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs) : NULL;
	unsigned char *der = NULL;
	*len = resp ? i2d_OCSP_RESPONSE(resp, &der) : -1;
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(rev);
	return *len > 0 ? der : NULL;
}

/* The check command with real paths: the response, the issuer, the certificate, the root. */
static void say_ocsp(const cg_opts *o, const ocsp_args *a, const char *issuer, const char *path)
{
	char ip[4096], cp[4096], rp[4096], q[4][4200], t[32], n[32];
	cg_ent_path(ip, sizeof ip, o, issuer, "cert.pem");
	cg_ent_path(cp, sizeof cp, o, a->name, "cert.pem");
	snprintf(rp, sizeof rp, "%s/ca.pem", o->dir);
	cg_say(o, "OCSP response (%s) for '%s', signed by '%s', %s to %s: %s\n  check: openssl ocsp "
		  "-respin %s -issuer %s -cert %s -CAfile %s\n", a->status, a->name,
	       a->signer ? a->signer : issuer, ttime_rfc3339(t, sizeof t, a->this_upd),
	       ttime_rfc3339(n, sizeof n, a->next_upd), path, cg_shq(q[0], sizeof q[0], path),
	       cg_shq(q[1], sizeof q[1], ip), cg_shq(q[2], sizeof q[2], cp),
	       cg_shq(q[3], sizeof q[3], rp));
}

/* Warnings for what a client will make of a response written as asked. */
static void warn_use(const cg_opts *o, const ocsp_args *a, const cg_entry *e, const char *why)
{
	if (a->code == V_OCSP_CERTSTATUS_GOOD && e->revoked)
		cg_warn(o, "'%s' is revoked in the state, but the response says good (as asked)", a->name);
	if (why)
		cg_warn(o, "'%s' may not answer for '%s': %s; clients must not use this response "
			   "(written as asked)", a->signer, a->name, why);
	if (a->next_upd < ttime_now())
		cg_warn(o, "the response's nextUpdate has passed; clients must not use it (written as "
			   "asked)");
}

int cmd_ocsp(const cg_opts *o, int argc, char **argv)
{
	ocsp_args a = { 0 };
	int rc = parse(&a, argc, argv);
	if (rc != CG_OK)
		return rc;
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	cg_entry *e = cg_state_find(&st, a.name);
	cg_ent leaf, is, sg;
	memset(&leaf, 0, sizeof leaf);
	memset(&is, 0, sizeof is);
	memset(&sg, 0, sizeof sg);
	rc = (e && cg_ent_load(&leaf, o, a.name, false) == 0) ? CG_OK
		: cg_fail(CG_USAGE, "no certificate named '%s' in %s", a.name, o->dir);
	if (rc == CG_OK && cg_ent_load(&is, o, e->issuer, true) != 0)
		rc = CG_USAGE;
	if (rc == CG_OK && a.signer && cg_ent_load(&sg, o, a.signer, true) != 0)
		rc = CG_USAGE;
	const cg_ent *signer = a.signer ? &sg : &is;
	int len = 0;
	unsigned char *der = rc == CG_OK ? build(&a, e, &leaf, &is, signer, &len) : NULL;
	if (rc == CG_OK && !der)
		rc = cg_fail(CG_USAGE, "cannot build the OCSP response for '%s'", a.name);
	if (rc == CG_OK)
		warn_use(o, &a, e, unauthorised(signer, &is));
	char path[4096], file[64];
	snprintf(file, sizeof file, "ocsp-%s.der", a.status);
	if (a.out)
		snprintf(path, sizeof path, "%s", a.out);
	else
		cg_ent_path(path, sizeof path, o, a.name, file);
	/* A response is meant to be reissued: it replaces the previous one without --force. */
	if (rc == CG_OK)
		rc = cg_write_file(path, der, (size_t)len, 0644, true);
	if (rc == CG_OK && o->json) {
		char t[32], n[32];
		cg_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", a.name, "status",
					a.status, "signer", a.signer ? a.signer : e->issuer, "this_update",
					ttime_rfc3339(t, sizeof t, a.this_upd), "next_update",
					ttime_rfc3339(n, sizeof n, a.next_upd), "ocsp", path));
	} else if (rc == CG_OK) {
		say_ocsp(o, &a, e->issuer, path);
	}
	OPENSSL_free(der);
	cg_ent_free(&leaf);
	cg_ent_free(&is);
	cg_ent_free(&sg);
	return cg_end(o, &st, lockfd, false, rc);
}

int cmd_responder(const cg_opts *o, int argc, char **argv)
{
	const char *name = NULL, *issuer = CG_ROOT_NAME, *keytype = "ec256";
	bool nocheck = false;
	cg_validity v = { .days = CG_DAYS_LEAF, .min_days = 1 };
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--issuer", &issuer)) != 0 ||
		    (m = cg_key_opt(argc, argv, &i, &keytype)) != 0 ||
		    (m = cg_validity_opt(argc, argv, &i, &v)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (strcmp(argv[i], "--nocheck") == 0) {
			nocheck = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("responder", argv[i]);
		} else if (name) {
			return cg_fail(CG_USAGE, "responder takes one NAME (got '%s' too)", argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return cg_fail(CG_USAGE, "responder needs a NAME; e.g. 'certgen responder ocsp-1 "
					 "--issuer issuing-1'");
	int64_t nb, na;
	if (cg_validity_resolve(&v, &nb, &na) != CG_OK)
		return CG_USAGE;
	cg_state st;
	int lockfd;
	cg_ent is;
	int rc = cg_begin_issuing(o, &st, &lockfd, &is, issuer, "an OCSP responder");
	if (rc != CG_OK)
		return rc;
	EVP_PKEY *key = NULL;
	if (!(key = cg_key_new(keytype))) {
		rc = CG_USAGE;
	} else {
		/* RFC 6960 §4.2.2.2: id-kp-OCSPSigning from the CA that issued the
		 * certificates in question; nothing else, so it cannot serve TLS. */
		cg_spec s = CG_SPEC_INIT;
		s.profile = CG_PROF_RESPONDER;
		s.cn = name;
		s.key = key;
		s.not_before = nb;
		s.not_after = na;
		s.ocsp_nocheck = nocheck;
		cg_issue_req q = { .name = name, .kind = "responder", .spec = &s, .issuer = &is,
				   .exact = cg_validity_exact(&v) };
		rc = cg_issue(o, &st, &q);
	}
	EVP_PKEY_free(key);
	cg_ent_free(&is);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}
