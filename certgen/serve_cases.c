/*
 * The cases certgen serve offers, made fresh under one folder at every start:
 * every `certgen bad` kind, each for its own name KIND.bad.test (so a client
 * that checks the host sees the defect, not a name mismatch), and the cases
 * only a connection can show, made with certgen's own commands in DIR/pki.
 *
 * The certificates come from the same code paths as `certgen bad KIND` and
 * `certgen leaf`, so what serve offers is exactly what the files say, and a
 * case's expected verdict is read back from the case.json that `bad` wrote.
 */
#include "serve.h"

#include <jansson.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

/* Connection-level cases: one certificate chain, served in a way files cannot express. */
typedef struct sv_conn {
	const char *kind;
	const char *expect, *policy, *rule, *why;
	const char *leaf;     /* folder under DIR/pki holding cert, chain and key */
	int max_proto;
	const char *ciphers;
	sv_chain chain;
	const char *ocsp;     /* OCSP status to staple, or NULL */
	bool ct;              /* judged with the test CT log list (DIR/pki/ct/log-list.json) */
	bool sct_tls;         /* SCTs sent in the TLS extension (the leaf's serverinfo.pem) */
} sv_conn;

static const sv_conn conn_cases[] = {
	{ .kind = "good", .expect = "accept", .policy = "tls-server", .rule = "",
	  .why = "a valid chain to the test root over TLS 1.2 or 1.3; the index page lives here",
	  .leaf = "good." SV_DOMAIN },
	{ .kind = "tls10", .expect = "reject", .policy = "ats", .rule = "ats.tls-min-version",
	  .why = "the server speaks TLS 1.0 only; ATS requires TLS 1.2 or later",
	  .leaf = "good." SV_DOMAIN, .max_proto = TLS1_VERSION },
	{ .kind = "tls11", .expect = "reject", .policy = "ats", .rule = "ats.tls-min-version",
	  .why = "the server speaks TLS 1.1 at most; ATS requires TLS 1.2 or later",
	  .leaf = "good." SV_DOMAIN, .max_proto = TLS1_1_VERSION },
	{ .kind = "tls12-no-fs", .expect = "reject", .policy = "ats", .rule = "ats.pfs-ciphers",
	  .why = "TLS 1.2 with RSA key exchange only: no forward secrecy, which ATS requires",
	  .leaf = "tls12-no-fs." SV_DOMAIN, .max_proto = TLS1_2_VERSION,
	  .ciphers = "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256" },
	{ .kind = "wrong-order", .expect = "accept", .policy = "tls-server", .rule = "",
	  .why = "two intermediates sent in reverse order; a client that builds paths still accepts",
	  .leaf = "wrong-order." SV_DOMAIN, .chain = SV_CHAIN_REORDERED },
	{ .kind = "ocsp-revoked", .expect = "reject", .policy = "tls-server",
	  .rule = "revocation.revoked", .why = "the stapled OCSP response says the leaf is revoked",
	  .leaf = "ocsp-revoked." SV_DOMAIN, .ocsp = "revoked" },
	{ .kind = "ocsp-good", .expect = "accept", .policy = "tls-server", .rule = "",
	  .why = "a stapled OCSP response says good", .leaf = "ocsp-good." SV_DOMAIN,
	  .ocsp = "good" },
	{ .kind = "ocsp-expired", .expect = "accept", .policy = "tls-server", .rule = "",
	  .why = "the stapled response says revoked, but its nextUpdate has passed: a client must "
		 "not use it (soft-fail: accept with a warning; hard-fail: reject, "
		 "revocation.not-covered)", .leaf = "ocsp-expired." SV_DOMAIN, .ocsp = "revoked" },
	{ .kind = "ocsp-wrong-signer", .expect = "accept", .policy = "tls-server", .rule = "",
	  .why = "the stapled response says revoked, signed by the root, which did not issue the leaf: "
		 "a client must not use it (soft-fail: accept with a warning; hard-fail: reject, "
		 "revocation.not-covered)", .leaf = "ocsp-wrong-signer." SV_DOMAIN, .ocsp = "revoked" },
	{ .kind = "ocsp-delegated", .expect = "reject", .policy = "tls-server",
	  .rule = "revocation.revoked", .why = "the stapled response says revoked, signed by a "
		 "delegated responder (id-kp-OCSPSigning, issued by the leaf's issuer)",
	  .leaf = "ocsp-delegated." SV_DOMAIN, .ocsp = "revoked" },
	{ .kind = "no-sct", .expect = "reject", .policy = "apple", .rule = "apple.ct-required",
	  .why = "no SCTs anywhere: refused when the root counts as a system root "
		 "(trustcheck --system-anchors=ROOT)",
	  .leaf = "good." SV_DOMAIN },
	{ .kind = "sct-embedded", .expect = "accept", .policy = "apple", .rule = "",
	  .why = "3 SCTs from certgen's test CT logs embedded in the leaf: accepted with "
		 "--system-anchors=ROOT --ct-log-list FILE (ct_log_list in --list)",
	  .leaf = "sct-embedded." SV_DOMAIN, .ct = true },
	{ .kind = "sct-tls", .expect = "accept", .policy = "apple", .rule = "",
	  .why = "2 SCTs sent in the TLS extension: accepted with --system-anchors=ROOT "
		 "--ct-log-list FILE (ct_log_list in --list)",
	  .leaf = "sct-tls." SV_DOMAIN, .ct = true, .sct_tls = true },
	{ .kind = "sct-bad", .expect = "reject", .policy = "apple", .rule = "apple.ct-required",
	  .why = "3 embedded SCTs, one whose signature does not verify: 2 count and a 199-day "
		 "leaf needs 3 (--system-anchors=ROOT --ct-log-list FILE (ct_log_list in --list))",
	  .leaf = "sct-bad." SV_DOMAIN, .ct = true },
};

/* Runs a certgen command (argv NULL-terminated) with output silenced. */
static int run(const cg_opts *o, const char *const *args)
{
	char *argv[16];
	int argc = 0;
	for (; args[argc] && argc < 15; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	const cg_cmd *c = cg_cmd_find(argv[0]);
	return c ? c->run(o, argc, argv) : CG_USAGE;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Fills the expected verdict of a bad kind from the case.json `bad` wrote. */
static int read_case_json(sv_case *c, const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	if (!j)
		return cg_fail(CG_USAGE, "%s: %s", path, jerr.text);
	copy(c->expect, sizeof c->expect, json_string_value(json_object_get(j, "expect")));
	copy(c->policy, sizeof c->policy, json_string_value(json_object_get(j, "policy")));
	copy(c->rule, sizeof c->rule, json_string_value(json_object_get(j, "rule")));
	copy(c->why, sizeof c->why, json_string_value(json_object_get(j, "why")));
	json_decref(j);
	return CG_OK;
}

static int bad_cases(const cg_opts *q, const char *dir, sv_case *cases, size_t max, size_t *n)
{
	char out[PATH_MAX];
	snprintf(out, sizeof out, "%s/bad", dir);
	json_t *cat = cg_doc_parse("fixtures/bad.json", cg_bad_catalogue, strlen(cg_bad_catalogue));
	int rc = cat ? CG_OK : CG_USAGE;
	for (size_t i = 0; rc == CG_OK && i < cg_doc_ncases(cat) && *n < max; i++) {
		sv_case *c = &cases[*n];
		memset(c, 0, sizeof *c);
		copy(c->kind, sizeof c->kind, cg_doc_case_field(cat, i, "name"));
		snprintf(c->name, sizeof c->name, "%s.%s", c->kind, SV_DOMAIN);
		const char *args[] = { "bad", c->kind, c->name, "--out", out, NULL };
		rc = run(q, args);
		char p[PATH_MAX + 64];
		snprintf(p, sizeof p, "%s/%s/case.json", out, c->kind);
		if (rc == CG_OK)
			rc = read_case_json(c, p);
		snprintf(c->cert, sizeof c->cert, "%.*s/%s/fullchain.pem", PATH_MAX - 80, out, c->kind);
		snprintf(c->key, sizeof c->key, "%.*s/%s/key.pem", PATH_MAX - 80, out, c->kind);
		snprintf(c->anchor, sizeof c->anchor, "%.*s/%s/anchor.pem", PATH_MAX - 80, out, c->kind);
		/* SHA-1 signatures and 1024-bit keys are the defect some kinds show. */
		c->weak = true;
		if (rc == CG_OK)
			(*n)++;
	}
	json_decref(cat);
	return rc;
}

/* The private PKI behind the connection cases, issued with certgen's commands. */
static int conn_pki(const cg_opts *q)
{
	const char *const steps[][12] = {
		{ "ca", NULL },
		{ "intermediate", "sub1", NULL },
		{ "intermediate", "sub2", "--issuer", "sub1", NULL },
		{ "leaf", "good." SV_DOMAIN, "tls10." SV_DOMAIN, "tls11." SV_DOMAIN,
		  "no-sct." SV_DOMAIN, "localhost", "127.0.0.1", "::1", "--issuer", "sub1", NULL },
		{ "leaf", "tls12-no-fs." SV_DOMAIN, "--key", "rsa2048", "--issuer", "sub1", NULL },
		{ "leaf", "wrong-order." SV_DOMAIN, "--issuer", "sub2", NULL },
		{ "leaf", "ocsp-revoked." SV_DOMAIN, "--issuer", "sub1", NULL },
		{ "leaf", "ocsp-good." SV_DOMAIN, "--issuer", "sub1", NULL },
		{ "revoke", "ocsp-revoked." SV_DOMAIN, "--reason", "keyCompromise", NULL },
		{ "ocsp", "ocsp-revoked." SV_DOMAIN, "--status", "revoked", NULL },
		{ "ocsp", "ocsp-good." SV_DOMAIN, "--status", "good", NULL },
		{ "leaf", "ocsp-expired." SV_DOMAIN, "--issuer", "sub1", NULL },
		{ "leaf", "ocsp-wrong-signer." SV_DOMAIN, "--issuer", "sub1", NULL },
		{ "leaf", "ocsp-delegated." SV_DOMAIN, "--issuer", "sub1", NULL },
		{ "responder", "ocsp-responder", "--issuer", "sub1", "--nocheck", NULL },
		{ "ocsp", "ocsp-expired." SV_DOMAIN, "--status", "revoked", "--next-update", "-1", NULL },
		{ "ocsp", "ocsp-wrong-signer." SV_DOMAIN, "--status", "revoked", "--signer", "ca", NULL },
		{ "ocsp", "ocsp-delegated." SV_DOMAIN, "--status", "revoked", "--signer", "ocsp-responder",
		  NULL },
		{ "leaf", "sct-embedded." SV_DOMAIN, "--sct", "3", "--issuer", "sub1", NULL },
		{ "leaf", "sct-tls." SV_DOMAIN, "--sct-tls", "2", "--issuer", "sub1", NULL },
		{ "leaf", "sct-bad." SV_DOMAIN, "--sct", "3", "--sct-bad", "--issuer", "sub1", NULL },
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		int rc = run(q, steps[i]);
		if (rc != CG_OK)
			return cg_fail(rc, "serve: could not prepare the test PKI ('certgen %s' failed)",
				       steps[i][0]);
	}
	return CG_OK;
}

static void conn_case(sv_case *c, const sv_conn *k, const char *pki)
{
	memset(c, 0, sizeof *c);
	copy(c->kind, sizeof c->kind, k->kind);
	snprintf(c->name, sizeof c->name, "%s.%s", k->kind, SV_DOMAIN);
	copy(c->expect, sizeof c->expect, k->expect);
	copy(c->policy, sizeof c->policy, k->policy);
	copy(c->rule, sizeof c->rule, k->rule);
	copy(c->why, sizeof c->why, k->why);
	int w = PATH_MAX - 200;
	snprintf(c->cert, sizeof c->cert, "%.*s/%s/fullchain.pem", w, pki, k->leaf);
	snprintf(c->key, sizeof c->key, "%.*s/%s/key.pem", w, pki, k->leaf);
	snprintf(c->anchor, sizeof c->anchor, "%.*s/ca.pem", w, pki);
	if (k->ocsp)
		snprintf(c->ocsp, sizeof c->ocsp, "%.*s/%s/ocsp-%s.der", w, pki, k->leaf, k->ocsp);
	if (k->ct)
		snprintf(c->ct_log_list, sizeof c->ct_log_list, "%.*s/ct/log-list.json", w, pki);
	if (k->sct_tls)
		snprintf(c->scts, sizeof c->scts, "%.*s/%s/serverinfo.pem", w, pki, k->leaf);
	c->max_proto = k->max_proto;
	c->ciphers = k->ciphers;
	c->chain = k->chain;
}

int sv_cases_make(const cg_opts *o, const char *dir, sv_case *cases, size_t max)
{
	char pki[PATH_MAX];
	snprintf(pki, sizeof pki, "%s/pki", dir);
	if (cg_mkdirs(pki) != 0)
		return -1;
	/* Fresh certificates on every start: the cases must never expire under a test. */
	cg_opts q = *o;
	q.quiet = true;
	q.json = false;
	q.force = true;
	size_t n = 0;
	if (bad_cases(&q, dir, cases, max, &n) != CG_OK)
		return -1;
	q.dir = pki;
	if (conn_pki(&q) != CG_OK)
		return -1;
	for (size_t i = 0; i < sizeof conn_cases / sizeof conn_cases[0] && n < max; i++)
		conn_case(&cases[n++], &conn_cases[i], pki);
	return (int)n;
}
