/*
 * Offline revocation: certgen revoke records it in the state, certgen crl
 * writes a signed CRL (RFC 5280 §5); certgen ocsp (cmd_ocsp.c) a signed OCSP
 * response — no database, no server.
 */
#include "certgen.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *reasons[] = { "unspecified", "keyCompromise", "cACompromise",
				 "affiliationChanged", "superseded", "cessationOfOperation",
				 "certificateHold", NULL, "removeFromCRL", "privilegeWithdrawn",
				 "aACompromise" };
#define NREASONS (sizeof reasons / sizeof reasons[0])

int cg_reason_code(const char *r)
{
	for (size_t i = 0; i < NREASONS; i++)
		if (reasons[i] && strcasecmp(reasons[i], r) == 0)
			return (int)i;
	return -1;
}

static void say_revoked(const cg_opts *o, const cg_entry *e)
{
	char qi[600], qn[600];
	const char *cg = cg_cmd_prefix(o);
	cg_say(o, "revoked '%s' (serial %s, %s); publish it with:\n  %s crl --issuer %s\n  %s ocsp %s "
		  "--status revoked\n", e->name, e->serial, e->reason, cg,
	       cg_shq(qi, sizeof qi, e->issuer), cg, cg_shq(qn, sizeof qn, e->name));
}

int cmd_revoke(const cg_opts *o, int argc, char **argv)
{
	const char *what = NULL, *reason = "unspecified";
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--reason", &reason)) != 0) {
			if (m < 0)
				return CG_USAGE;
			if (cg_reason_code(reason) < 0 || strcmp(reason, "removeFromCRL") == 0)
				return cg_fail(CG_USAGE, "--reason '%s' is not a CRL reason; use e.g. "
							 "keyCompromise, superseded, cessationOfOperation", reason);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("revoke", argv[i]);
		} else {
			what = argv[i];
		}
	}
	if (!what)
		return cg_fail(CG_USAGE, "revoke needs a NAME or SERIAL; '%s list' shows both",
			       cg_cmd_prefix(o));
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	cg_entry *e = cg_state_find(&st, what);
	if (!e)
		e = cg_state_find_serial(&st, what);
	int rc = CG_OK;
	if (!e) {
		rc = cg_fail(CG_USAGE, "nothing named or numbered '%s' in %s; '%s list' shows what "
				       "exists", what, o->dir, cg_cmd_prefix(o));
	} else if (strcmp(e->kind, "root") == 0) {
		rc = cg_fail(CG_USAGE, "a root cannot be revoked; remove it from the trust store instead");
	} else if (e->revoked && !o->force) {
		rc = cg_fail(CG_REFUSED, "'%s' is already revoked (%s); --force records it again", e->name,
			     e->reason);
	} else {
		free(e->reason);
		e->reason = strdup(reason);
		e->revoked = true;
		e->revoked_at = ttime_now();
		rc = e->reason ? CG_OK : CG_USAGE;
	}
	if (rc == CG_OK) {
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:s, s:s}", "name", e->name, "serial", e->serial,
						"issuer", e->issuer, "reason", e->reason));
		else
			say_revoked(o, e);
	}
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}

static int add_revoked(X509_CRL *crl, const cg_entry *e)
{
	BIGNUM *bn = NULL;
	if (!BN_hex2bn(&bn, e->serial))
		return -1;
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *sn = BN_to_ASN1_INTEGER(bn, NULL);
	ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)e->revoked_at);
	ASN1_ENUMERATED *code = ASN1_ENUMERATED_new();
	int rc = (r && sn && t && code && X509_REVOKED_set_serialNumber(r, sn) &&
		  X509_REVOKED_set_revocationDate(r, t) &&
		  ASN1_ENUMERATED_set(code, cg_reason_code(e->reason) < 0 ? 0 : cg_reason_code(e->reason)) &&
		  X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, code, 0, 0) && X509_CRL_add0_revoked(crl, r))
			 ? 0 : -1;
	if (rc != 0)
		X509_REVOKED_free(r);
	ASN1_ENUMERATED_free(code);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	return rc;
}

X509_CRL *cg_crl_build(X509 *issuer, EVP_PKEY *key, const cg_entry *const *revoked, size_t n,
			long number, long days)
{
	int64_t now = ttime_now();
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *last = ASN1_TIME_set(NULL, (time_t)(now - CG_BACKDATE_SECONDS));
	ASN1_TIME *next = ASN1_TIME_set(NULL, (time_t)(now + days * 86400));
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	bool ok = crl && last && next && num && X509_CRL_set_version(crl, X509_CRL_VERSION_2) &&
		  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) &&
		  X509_CRL_set1_lastUpdate(crl, last) && X509_CRL_set1_nextUpdate(crl, next) &&
		  ASN1_INTEGER_set(num, number);
	for (size_t i = 0; ok && i < n; i++)
		ok = add_revoked(crl, revoked[i]) == 0;
	/* CRL number and AKI are required in conforming CRLs (RFC 5280 §5.2.1, §5.2.3). */
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
	X509_EXTENSION *aki = ok ? X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier,
							"keyid:always") : NULL;
	ok = ok && aki && X509_CRL_add_ext(crl, aki, -1) &&
	     X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) && X509_CRL_sort(crl) &&
	     X509_CRL_sign(crl, key, cg_key_md(key)) > 0;
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	if (!ok) {
		X509_CRL_free(crl);
		crl = NULL;
	}
	return crl;
}

char *cg_crl_pem(X509_CRL *crl, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL, *out = NULL;
	long n = (b && PEM_write_bio_X509_CRL(b, crl)) ? BIO_get_mem_data(b, &data) : -1;
	if (n > 0 && (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*len = (size_t)n;
	}
	BIO_free(b);
	return out;
}

int cmd_crl(const cg_opts *o, int argc, char **argv)
{
	const char *issuer = CG_ROOT_NAME, *v;
	long days = 7;
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--issuer", &issuer)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_optval(argc, argv, &i, "--next-update", &v)) != 0) {
			if (m < 0 || !cg_parse_long(v, 1, 3650, &days))
				return cg_fail(CG_USAGE, "--next-update must be a number of days from 1 to 3650");
		} else {
			return cg_bad_option("crl", argv[i]);
		}
	}
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	cg_ent is;
	if (cg_ent_load(&is, o, issuer, true) != 0)
		return cg_end(o, &st, lockfd, false, CG_USAGE);
	/* Every revoked serial of this issuer that has not expired, whether its
	 * name was reissued since or not (RFC 5280 §5: a CRL may drop an entry
	 * only after the certificate expires). */
	const cg_entry **rev = calloc(st.n + 1, sizeof *rev);
	size_t nrev = 0;
	int64_t now = ttime_now();
	for (size_t i = 0; rev && i < st.n; i++)
		if (st.e[i].revoked && strcmp(st.e[i].issuer, issuer) == 0 && st.e[i].not_after >= now)
			rev[nrev++] = &st.e[i];
	long number = cg_state_next_crl(&st, issuer);
	X509_CRL *crl = rev && number > 0 ? cg_crl_build(is.cert, is.key, rev, nrev, number, days) : NULL;
	int rc = crl ? CG_OK : cg_fail(CG_USAGE, "cannot build the CRL for '%s'", issuer);
	char path[4096], rel[600], d[512];
	cg_ent_dirname(d, sizeof d, issuer);
	if (cg_is_root(issuer))
		snprintf(rel, sizeof rel, "crl.pem");
	else
		snprintf(rel, sizeof rel, "%s/crl.pem", d);
	snprintf(path, sizeof path, "%s/%s", o->dir, rel);
	if (rc == CG_OK) {
		size_t n = 0;
		char *pem = cg_crl_pem(crl, &n);
		/* A CRL is meant to be reissued: it replaces the previous one without
		 * --force, switched in with the CRL number that names it. */
		rc = pem ? cg_txn_stage_file(o, &st, rel, pem, n, 0644) : CG_USAGE;
		if (rc == CG_OK)
			rc = cg_txn_commit(o, &st);
		free(pem);
	}
	if (rc == CG_OK) {
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:I, s:I, s:I}", "issuer", issuer, "crl", path,
						"number", (json_int_t)number, "revoked", (json_int_t)nrev,
						"next_update_days", (json_int_t)days));
		else
			cg_say(o, "CRL #%ld of '%s' with %zu revoked: %s (next update in %ld days)\n", number,
			       issuer, nrev, path, days);
	}
	free(rev);
	X509_CRL_free(crl);
	cg_ent_free(&is);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}
