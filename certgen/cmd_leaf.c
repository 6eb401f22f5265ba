/* certgen leaf (server) and certgen client: end-entity certificates. */
#include "certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_check_target(cg_issue_req *q, const char *first, char *host, size_t n)
{
	const char *type = cg_san_type(first);
	if (strcmp(type, "DNS") == 0) {
		/* A wildcard is checked with a name it must cover. */
		snprintf(host, n, "%s%s", first[0] == '*' ? "www" : "", first + (first[0] == '*' ? 1 : 0));
		q->host = host;
	} else if (strcmp(type, "IP") == 0) {
		q->ip = first;
	}
}

typedef struct leaf_args {
	const char *issuer, *keytype, *email, *cert_file, *key_file;
	cg_validity v;
	bool client_eku;
	long scts, sct_tls;
	bool sct_bad;
	char san[8192];
	const char *first;
	int nnames;
} leaf_args;

/* Matches "NAME N" (a number of SCTs) at argv[*i]: 1 taken, 0 no match, -1 error (printed). */
static int sct_opt(int argc, char **argv, int *i, const char *name, long *n)
{
	const char *v = NULL;
	int m = cg_optval(argc, argv, i, name, &v);
	if (m > 0 && !cg_parse_long(v, 1, CG_MAX_SCTS, n)) {
		cg_fail(CG_USAGE, "%s '%s': give a number of SCTs from 1 to %d", name, cg_esc(v),
			CG_MAX_SCTS);
		return -1;
	}
	return m;
}

static int parse(const char *cmd, leaf_args *a, int argc, char **argv, bool client)
{
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--issuer", &a->issuer)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_key_opt(argc, argv, &i, &a->keytype)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_validity_opt(argc, argv, &i, &a->v)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_optval(argc, argv, &i, "--cert-file", &a->cert_file)) != 0 ||
			   (m = cg_optval(argc, argv, &i, "--key-file", &a->key_file)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (client && (m = cg_optval(argc, argv, &i, "--email", &a->email)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (!client && strcmp(argv[i], "--client") == 0) {
			a->client_eku = true;
		} else if (!client && ((m = sct_opt(argc, argv, &i, "--sct", &a->scts)) != 0 ||
				       (m = sct_opt(argc, argv, &i, "--sct-tls", &a->sct_tls)) != 0)) {
			if (m < 0)
				return CG_USAGE;
		} else if (!client && strcmp(argv[i], "--sct-bad") == 0) {
			a->sct_bad = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cg_bad_option(cmd, argv[i]);
		} else {
			const char *n = argv[i];
			if (client && a->nnames > 0)
				return cg_fail(CG_USAGE, "client takes one NAME (got '%s' too)", n);
			/* libtrust's own name syntax: certgen never issues a name
			 * trustcheck would refuse to match. */
			const char *why = client ? NULL : cg_name_syntax(n);
			if (why)
				return cg_fail(CG_USAGE, "'%s' (%s) cannot be issued: %s", n,
					       cg_san_type(n), why);
			if (strchr(n, '\n') || strlen(a->san) + strlen(n) + 2 > sizeof a->san)
				return cg_fail(CG_USAGE, "too many or too long names");
			if (!client) {
				strcat(a->san, n);
				strcat(a->san, "\n");
			}
			if (!a->first)
				a->first = n;
			a->nnames++;
		}
	}
	if (!a->first)
		return cg_fail(CG_USAGE, "%s needs a NAME; e.g. 'certgen %s %s'", cmd, cmd,
			       client ? "alice" : "localhost 127.0.0.1 ::1");
	if (a->sct_bad && !a->scts)
		return cg_fail(CG_USAGE, "--sct-bad needs --sct N");
	return CG_OK;
}

static int issue(const cg_opts *o, const char *cmd, int argc, char **argv, bool client)
{
	leaf_args a = { .issuer = CG_ROOT_NAME, .keytype = "ec256",
			.v = { .days = CG_DAYS_LEAF, .min_days = 1 } };
	int rc = parse(cmd, &a, argc, argv, client);
	if (rc != CG_OK)
		return rc;
	if (client && a.email) {
		const char *why = strcmp(cg_san_type(a.email), "email") == 0 ? cg_name_syntax(a.email)
									    : "no '@'";
		if (why)
			return cg_fail(CG_USAGE, "--email '%s' is not an e-mail address: %s", a.email, why);
		snprintf(a.san, sizeof a.san, "%s\n", a.email);
	}
	int64_t nb, na;
	if (cg_validity_resolve(&a.v, &nb, &na) != CG_OK)
		return CG_USAGE;
	if (cg_validity_exact(&a.v))
		cg_warn_days(o, (long)((na - nb + 86399) / 86400));
	else if (a.v.days_set)
		cg_warn_days(o, a.v.days);
	cg_state st;
	int lockfd;
	cg_ent is;
	rc = cg_begin_issuing(o, &st, &lockfd, &is, a.issuer, client ? "a client" : "a leaf");
	if (rc != CG_OK)
		return rc;
	EVP_PKEY *key = cg_key_new(a.keytype);
	cg_spec s = CG_SPEC_INIT;
	s.profile = client ? CG_PROF_CLIENT : CG_PROF_SERVER;
	s.cn = a.first;
	s.key = key;
	s.san = a.san;
	s.not_before = nb;
	s.not_after = na;
	if (a.client_eku)
		s.eku = "serverAuth,clientAuth";
	char host[300] = "";
	cg_issue_req q = { .name = a.first, .kind = client ? "client" : "leaf", .spec = &s,
			   .issuer = &is, .check = true, .client = client,
			   .exact = cg_validity_exact(&a.v), .cert_file = a.cert_file,
			   .key_file = a.key_file, .scts = (int)a.scts, .sct_bad = a.sct_bad,
			   .sct_tls = (int)a.sct_tls };
	if (!client)
		cg_check_target(&q, a.first, host, sizeof host);
	rc = key ? cg_issue(o, &st, &q) : CG_USAGE;
	EVP_PKEY_free(key);
	cg_ent_free(&is);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}

int cmd_leaf(const cg_opts *o, int argc, char **argv)
{
	return issue(o, "leaf", argc, argv, false);
}

int cmd_client(const cg_opts *o, int argc, char **argv)
{
	return issue(o, "client", argc, argv, true);
}
