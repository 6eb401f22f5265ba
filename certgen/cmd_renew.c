/*
 * certgen renew NAME: the same certificate again with new dates and a new
 * serial: same subject, same key, same extensions (the authority key id
 * made anew), signed by the same issuer.  The earlier certificate stays in the
 * state as superseded (certgen list --all), so it can still be revoked.
 */
#include "certgen.h"

#include <stdio.h>
#include <string.h>

int cmd_renew(const cg_opts *o, int argc, char **argv)
{
	const char *name = NULL, *cert_file = NULL, *key_file = NULL;
	cg_validity v = { .days = 0, .min_days = 1 };
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--cert-file", &cert_file)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--key-file", &key_file)) != 0 ||
		    (m = cg_validity_opt(argc, argv, &i, &v)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("renew", argv[i]);
		} else if (name) {
			return cg_fail(CG_USAGE, "renew takes one NAME (got '%s' and '%s')", name, argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return cg_fail(CG_USAGE, "renew needs a NAME; '%s list' shows them", cg_cmd_prefix(o));
	if (cg_is_root(name))
		return cg_fail(CG_USAGE, "the root is not renewed: '%s --force ca' makes a new one (and "
					 "orphans what it issued)", cg_cmd_prefix(o));
	cg_state st;
	int lockfd;
	int rc = cg_begin(o, &st, &lockfd);
	if (rc != CG_OK)
		return rc;
	cg_entry *e = cg_state_find(&st, name);
	cg_ent old, is;
	memset(&old, 0, sizeof old);
	memset(&is, 0, sizeof is);
	char kind[32] = "", issuer[256] = "", keyp[4096];
	if (!e) {
		rc = cg_fail(CG_USAGE, "no certificate named '%s' in %s; '%s list' shows what exists",
			     name, o->dir, cg_cmd_prefix(o));
	} else if (strcmp(e->kind, "cross") == 0) {
		rc = cg_fail(CG_USAGE, "'%s' is a cross-signature: run the cross command again to renew it",
			     name);
	} else {
		snprintf(kind, sizeof kind, "%s", e->kind);
		snprintf(issuer, sizeof issuer, "%s", e->issuer);
	}
	/* The private key, when certgen holds it (a leaf from 'sign' has none: the public key does). */
	cg_ent_path(keyp, sizeof keyp, o, name, "key.pem");
	bool have_key = rc == CG_OK && cg_exists(keyp);
	if (rc == CG_OK && (cg_ent_load(&old, o, name, have_key) != 0 || cg_ent_load(&is, o, issuer,
										       true) != 0))
		rc = CG_USAGE;
	int64_t nb = 0, na = 0;
	if (rc == CG_OK) {
		/* By default the new certificate lasts as long as the old one did. */
		int day = 0, sec = 0;
		ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(old.cert), X509_get0_notAfter(old.cert));
		if (!v.days_set)
			v.days = day > 0 ? day : 1;
		if (cg_validity_resolve(&v, &nb, &na) != CG_OK)
			rc = CG_USAGE;
		else if (!v.days_set && !cg_validity_exact(&v))
			na += sec;
	}
	if (rc == CG_OK) {
		bool client = strcmp(kind, "client") == 0, leaf = client || strcmp(kind, "leaf") == 0;
		cg_spec s = CG_SPEC_INIT;
		s.profile = leaf ? (client ? CG_PROF_CLIENT : CG_PROF_SERVER) : CG_PROF_CA;
		s.subject = X509_get_subject_name(old.cert);
		s.key = have_key ? old.key : X509_get0_pubkey(old.cert);
		s.same_as = old.cert;
		s.not_before = nb;
		s.not_after = na;
		cg_opts replace = *o;
		replace.force = true; /* the earlier files are replaced; the state keeps the certificate */
		char host[300];
		cg_issue_req q = { .name = name, .kind = kind, .spec = &s, .issuer = &is,
				   .check = leaf, .client = client, .nokey = !have_key,
				   .exact = cg_validity_exact(&v), .cert_file = cert_file,
				   .key_file = key_file };
		GENERAL_NAMES *gens = X509_get_ext_d2i(old.cert, NID_subject_alt_name, NULL, NULL);
		const GENERAL_NAME *g0 = sk_GENERAL_NAME_value(gens, 0);
		char first[300] = "";
		if (g0 && g0->type == GEN_DNS)
			snprintf(first, sizeof first, "%.*s", ASN1_STRING_length(g0->d.ia5),
				 (const char *)ASN1_STRING_get0_data(g0->d.ia5));
		if (leaf && !client && first[0])
			cg_check_target(&q, first, host, sizeof host);
		GENERAL_NAMES_free(gens);
		rc = cg_issue(&replace, &st, &q);
	}
	cg_ent_free(&old);
	cg_ent_free(&is);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}
