/*
 * trustcheck: is this certificate chain trustworthy, and why (not)?
 *
 * Exit status: 0 trusted, 1 not trusted, 2 usage error or input that could
 * not be read.  Every error is one line on stderr, "trustcheck: <problem>";
 * libtrust's messages already name the file.
 */
#include "cli_policy.h"
#include "input.h"
#include "options.h"
#include "ats_diag.h"
#include "connect.h"
#include "identities.h"
#include "report_graph.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HINT " (try 'trustcheck --help')"

static const char usage_text[] =
	"usage: trustcheck CHAIN... [options]\n"
	"       trustcheck --connect HOST[:PORT] [options]\n"
	"\n"
	"Decides whether a certificate chain is trustworthy and explains why.\n"
	"The first certificate of the first file is the leaf; every other certificate\n"
	"given is an untrusted intermediate the peer sent.  A CHAIN is PEM, DER,\n"
	"PKCS#7 (.p7b) or PKCS#12 (.p12, .pfx; certificates only), or - for stdin.\n"
	"\n"
	"  --connect HOST[:PORT]  check the chain a server sends (port 443; [IPv6]:PORT and\n"
	"                         https:// URLs too), with protocol, cipher and forward secrecy\n"
	"  --timeout SECONDS      for --connect: connect and handshake, per address (default 10)\n"
	"  --identities DIR       with --connect: the CAs and signature algorithms the server\n"
	"                         asks client certificates for, and which DIR/NAME/{cert,key}.pem\n"
	"                         identity would be sent\n"
	"  --ats-diagnostics      with --connect: try each ATS configuration, as nscurl does, and\n"
	"                         print the smallest Info.plist change that makes it work\n"
	"  --host NAME            check the leaf's SAN dNSName against NAME (with --connect:\n"
	"                         also the SNI name; default: the host connected to)\n"
	"  --ip ADDR              check the leaf's SAN iPAddress against ADDR\n"
	"  --email ADDR           check the leaf's SAN rfc822Name against ADDR (a client identity)\n"
	"  --uri URI              check the leaf's SAN URI against URI (spiffe://..., a client identity)\n"
	"  --policy NAME|PATH     a built-in policy (see --list-policies) or a policy file;\n"
	"                         repeat to stack them, later ones on top (default follows --purpose)\n"
	"  --list-policies        list the built-in policies and exit\n"
	"  --ats-plist FILE       apply an app's NSAppTransportSecurity (Info.plist, XML or\n"
	"                         binary) for --host; implies --policy ats when none is given\n"
	"  --ct on|off            check Certificate Transparency SCTs (default on)\n"
	"  --ct-log-list FILE     verify SCTs against this CT log list (the public lists' JSON);\n"
	"                         without one, a policy that requires CT cannot be met\n"
	"  --revocation soft|hard|off  a certificate no usable CRL or OCSP answer covers: warning (soft,\n"
	"                         the default), error (hard); off checks no revocation\n"
	"  --purpose server|client  EKU to require (default server)\n"
	"  --anchors FILE|DIR     trust the certificates in FILE or DIR as user- or\n"
	"                         administrator-installed roots (repeatable)\n"
	"  --system-anchors       trust OpenSSL's default certificate bundle as the OS store\n"
	"                         (the default when no anchors are given)\n"
	"  --system-anchors=FILE|DIR  treat these roots as built into the OS (repeatable)\n"
	"  --app-anchors FILE|DIR trust these roots as anchors the app sets in code (repeatable)\n"
	"  --intermediates FILE|DIR  more untrusted intermediates (repeatable)\n"
	"  --crl FILE             CRLs to check revocation against (repeatable)\n"
	"  --ocsp FILE            an OCSP response (DER) to check revocation against (repeatable)\n"
	"  --password PASS        password of a PKCS#12 chain file\n"
	"  --password-file FILE   read that password from the first line of FILE\n"
	"  --at TIME              evaluate at an RFC 3339 time, e.g. 2026-01-02T03:04:05Z\n"
	"  --max-depth N          at most N intermediates in a path (default 32)\n"
	"  --format FORMAT        text (default), json, cbor, or the graph of paths tried:\n"
	"                         dot, svg, html (a self-contained page for CI)\n"
	"  --explain              also search for and list the other paths\n"
	"  -q, --quiet            print nothing; the exit status is the answer\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show versions\n"
	"\n"
	"Exit status: 0 trusted, 1 not trusted, 2 usage error or unreadable input.\n"
	"Colour is used only on a terminal, and never when NO_COLOR is set.\n";

/* One line on stderr: "trustcheck: " + msg (+ suffix), with msg's control
 * characters escaped, since it echoes file names and arguments. */
static void say(const char *prefix, const char *msg, const char *suffix)
{
	char buf[1024];
	fprintf(stderr, "trustcheck: %s%s%s\n", prefix, trust_escape(buf, sizeof(buf), msg), suffix);
}

/* no-color.org: NO_COLOR set to any non-empty value disables colour. */
static bool want_color(void)
{
	const char *nc = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static int load_store(trust_store **out, const tc_options *o, trust_error *err)
{
	trust_store_builder *b = trust_store_builder_new();
	if (!b) {
		snprintf(err->message, sizeof(err->message), "out of memory");
		return TRUST_ENOMEM;
	}
	int rc = TRUST_OK;
	for (size_t i = 0; rc == TRUST_OK && i < o->ninputs; i++) {
		const tc_input *in = &o->inputs[i];
		if (in->kind == TC_ANCHORS)
			rc = trust_store_builder_add_anchors(b, in->path, TRUST_ORIGIN_USER, err);
		else if (in->kind == TC_SYSTEM_ANCHORS)
			rc = trust_store_builder_add_anchors(b, in->path, TRUST_ORIGIN_SYSTEM, err);
		else if (in->kind == TC_APP_ANCHORS)
			rc = trust_store_builder_add_anchors(b, in->path, TRUST_ORIGIN_APP, err);
		else if (in->kind == TC_INTERMEDIATES)
			rc = trust_store_builder_add_intermediates(b, in->path, err);
		else if (in->kind == TC_CRL)
			rc = trust_store_builder_add_crl(b, in->path, err);
		else
			rc = trust_store_builder_add_ocsp(b, in->path, err);
	}
	/* No anchors named: the system store, as `openssl verify` and `step` do. */
	if (rc == TRUST_OK && (o->system_anchors || !o->have_anchors))
		rc = trust_store_builder_add_system_anchors(b, err);
	if (rc != TRUST_OK) {
		trust_store_builder_free(b);
		return rc;
	}
	for (size_t i = 0; !o->quiet && i < trust_store_builder_note_count(b); i++)
		say("note: ", trust_store_builder_note(b, i), "");
	return trust_store_builder_finish(out, b, err);
}

/* The chain a server sends, by a handshake (--connect); host and ip default to the target. */
static int connect_chain(trust_chain **out, tc_conn *conn, const tc_options *o, const char **host,
			 const char **ip, trust_error *err)
{
	tc_connect_opts co = { .target = o->connect, .sni = o->host, .timeout_ms = o->timeout_ms };
	if (tc_connect(conn, &co, err->message, sizeof(err->message)) != 0)
		return err->code = TRUST_EIO;
	if (!*host && !*ip) {
		struct in6_addr a;
		bool literal = inet_pton(AF_INET, conn->host, &a) == 1 ||
			       inet_pton(AF_INET6, conn->host, &a) == 1;
		*(literal ? ip : host) = conn->host;
	}
	trust_chain *c = trust_chain_new();
	int rc = c ? TRUST_OK : TRUST_ENOMEM;
	for (int i = 0; rc == TRUST_OK && i < sk_X509_num(conn->chain); i++)
		rc = trust_chain_add_x509(c, sk_X509_value(conn->chain, i), err);
	if (rc != TRUST_OK) {
		trust_chain_free(c);
		if (rc == TRUST_ENOMEM)
			snprintf(err->message, sizeof(err->message), "out of memory");
		return rc;
	}
	*out = c;
	return TRUST_OK;
}

static int load_chain(trust_chain **out, const tc_options *o, trust_error *err)
{
	trust_chain *c = trust_chain_new();
	if (!c) {
		snprintf(err->message, sizeof(err->message), "out of memory");
		return TRUST_ENOMEM;
	}
	int rc = TRUST_OK;
	if (o->password) {
		rc = trust_chain_set_password(c, o->password, err);
	} else if (o->password_file) {
		char *pw = NULL;
		rc = tc_read_password(&pw, o->password_file, err);
		if (rc == TRUST_OK)
			rc = trust_chain_set_password(c, pw, err);
		if (pw)
			OPENSSL_clear_free(pw, strlen(pw));
	}
	if (rc != TRUST_OK) {
		trust_chain_free(c);
		return rc;
	}
	for (size_t i = 0; i < o->nchains; i++) {
		rc = tc_chain_add(c, o->chains[i], err);
		if (rc != TRUST_OK) {
			trust_chain_free(c);
			return rc;
		}
	}
	for (size_t i = 0; !o->quiet && i < trust_chain_note_count(c); i++)
		say("note: ", trust_chain_note(c, i), "");
	*out = c;
	return TRUST_OK;
}

static int write_report(const trust_result *r, const trust_chain *chain, const tc_options *o)
{
	unsigned int flags = o->explain ? TRUST_REPORT_EXPLAIN : 0;
	int rc = TRUST_OK;
	if (o->format == TC_FORMAT_TEXT) {
		rc = trust_report_text(stdout, r, flags | (want_color() ? TRUST_REPORT_COLOR : 0));
	} else if (o->format == TC_FORMAT_JSON) {
		char *json = NULL;
		rc = trust_report_json(&json, r, flags);
		if (rc == TRUST_OK)
			printf("%s\n", json);
		trust_free(json);
	} else if (o->format != TC_FORMAT_CBOR) {
		rc = tc_report_graph(stdout, r, chain, o->format, flags);
	} else {
		unsigned char *cbor = NULL;
		size_t len = 0;
		rc = trust_report_cbor(&cbor, &len, r, flags);
		if (rc == TRUST_OK)
			fwrite(cbor, 1, len, stdout);
		trust_free(cbor);
	}
	if (rc == TRUST_OK && (fflush(stdout) != 0 || ferror(stdout)))
		rc = TRUST_EIO;
	return rc;
}

/* The --policy stack, with the Info.plist's ATS settings on top. */
static int load_policy(trust_policy **out, const tc_options *o, trust_error *err)
{
	static const char *const ats[] = { "ats" };
	const char *const *names = o->policies;
	size_t n = o->npolicies;
	if (n == 0 && o->ats_plist) {
		names = ats;
		n = 1;
	}
	int rc = tc_policy_stack(out, names, n, err);
	if (rc != TRUST_OK || !o->ats_plist)
		return rc;
	trust_policy *plist = NULL;
	rc = tc_ats_plist_policy(&plist, o->ats_plist, err);
	if (rc == TRUST_OK)
		rc = trust_policy_stack(*out, plist, err);
	trust_policy_free(plist);
	return rc;
}

/* --ct-log-list FILE, or NULL when not given. */
static int load_ct_logs(trust_ct_logs **out, const tc_options *o, trust_error *err)
{
	*out = NULL;
	if (!o->ct_log_list)
		return TRUST_OK;
	int rc = trust_ct_logs_load_file(out, o->ct_log_list, err);
	if (rc != TRUST_OK) {
		char m[sizeof err->message];
		memcpy(m, err->message, sizeof m);
		snprintf(err->message, sizeof err->message, "--ct-log-list: %.480s", m);
	}
	return rc;
}

/* --connect HOST --ats-diagnostics: the store, then one handshake per ATS configuration. */
static int run_diagnostics(const tc_options *o)
{
	static const char *const ats[] = { "ats" };
	trust_error err = { 0 };
	trust_store *store = NULL;
	trust_ct_logs *logs = NULL;
	if (load_ct_logs(&logs, o, &err) != TRUST_OK || load_store(&store, o, &err) != TRUST_OK) {
		say("", err.message, "");
		trust_ct_logs_free(logs);
		return 2;
	}
	char host[256], port[16];
	tc_diag_input in = { .target = o->connect, .host = o->host, .ip = o->ip,
			     .policies = o->npolicies ? o->policies : ats,
			     .npolicies = o->npolicies ? o->npolicies : 1, .store = store, .at = o->at,
			     .timeout_ms = o->timeout_ms, .ct_logs = logs,
			     .flags = o->ct_off ? TRUST_EVAL_NO_CT : 0u };
	int status = 2;
	if (tc_parse_target(o->connect, host, sizeof(host), port, sizeof(port), err.message,
			    sizeof(err.message)) != 0) {
		say("", err.message, "");
	} else {
		struct in6_addr a;
		if (!in.host && !in.ip)
			*(inet_pton(AF_INET, host, &a) == 1 || inet_pton(AF_INET6, host, &a) == 1
				  ? &in.ip : &in.host) = host;
		status = tc_ats_diagnostics(stdout, &in);
	}
	trust_store_free(store);
	trust_ct_logs_free(logs);
	return status;
}

/* Everything after option parsing: load, evaluate, report.  Returns the exit status. */
static int run(const tc_options *o)
{
	trust_error err = { 0 };
	trust_chain *chain = NULL;
	trust_store *store = NULL;
	trust_sigcache *cache = NULL;
	trust_result *r = NULL;
	trust_policy *policy = NULL;
	trust_ct_logs *logs = NULL;
	tc_conn conn = { 0 };
	const char *host = o->host, *ip = o->ip;
	int status = 2;

	if (load_policy(&policy, o, &err) != TRUST_OK || load_ct_logs(&logs, o, &err) != TRUST_OK ||
	    (o->connect ? connect_chain(&chain, &conn, o, &host, &ip, &err)
			: load_chain(&chain, o, &err)) != TRUST_OK ||
	    load_store(&store, o, &err) != TRUST_OK)
		goto fail;
	if (trust_store_anchor_count(store) == 0) {
		snprintf(err.message, sizeof(err.message),
			 "no trust anchors were loaded: give --anchors FILE|DIR");
		goto fail;
	}
	/* Paths that share issuers (--explain, cross-signs) verify each signature once. */
	cache = trust_sigcache_new(1024);
	trust_eval_options eo = TRUST_EVAL_OPTIONS_INIT;
	eo.at = o->at;
	eo.purpose = o->purpose;
	eo.overlay = policy;
	eo.host = host;
	eo.ip = ip;
	eo.email = o->email;
	eo.uri = o->uri;
	eo.connection = o->connect ? &conn.facts : NULL;
	eo.ct_logs = logs;
	eo.flags = (o->explain ? TRUST_EVAL_EXPLAIN : 0u) | (o->ct_off ? TRUST_EVAL_NO_CT : 0u) |
		   o->revocation;
	if (o->max_depth >= 0)
		eo.budgets.max_depth = o->max_depth ? o->max_depth : TRUST_BUDGET_ZERO;
	if (trust_evaluate(&r, store, cache, chain, &eo, &err) != TRUST_OK)
		goto fail;
	/* A TLS policy fixes the purpose it checks; naming the other one is a
	 * contradiction, not a choice to settle silently. */
	const char *want = o->purpose == TRUST_PURPOSE_CLIENT ? "client" : "server";
	if (o->purpose_given && strcmp(trust_result_purpose(r), want) != 0) {
		snprintf(err.message, sizeof(err.message),
			 "--policy %s checks %s certificates: it contradicts --purpose %s (give "
			 "one of them)",
			 trust_result_policy(r), trust_result_purpose(r), want);
		goto fail;
	}
	status = trust_result_trusted(r) ? 0 : 1;
	if (!o->quiet && write_report(r, chain, o) != TRUST_OK) {
		snprintf(err.message, sizeof(err.message), "stdout: could not write the report");
		status = 2;
		goto fail;
	}
	goto done;
fail:
	say("", err.message[0] ? err.message : "failed", "");
done:
	trust_result_free(r);
	trust_policy_free(policy);
	trust_ct_logs_free(logs);
	trust_sigcache_free(cache);
	trust_store_free(store);
	trust_chain_free(chain);
	tc_conn_free(&conn);
	return status;
}

int main(int argc, char **argv)
{
	tc_options o;
	char msg[512] = "";
	int status = tc_options_parse(&o, argc, argv, msg, sizeof(msg));
	if (status != 0) {
		say("", msg, HINT);
	} else if (o.help) {
		fputs(usage_text, stdout);
	} else if (o.list_policies) {
		status = tc_list_policies(stdout);
	} else if (o.version) {
		printf("trustcheck " TRUSTCHECK_VERSION " (libtrust " TRUST_VERSION_STRING
		       ", OpenSSL %s)\n", OpenSSL_version(OPENSSL_VERSION_STRING));
	} else if (o.nchains == 0 && !o.connect) {
		fprintf(stderr, "trustcheck: no chain file given (or --connect HOST)" HINT "\n");
		status = 2;
	} else if (o.identities && !o.connect) {
		fprintf(stderr, "trustcheck: --identities needs --connect HOST[:PORT]" HINT "\n");
		status = 2;
	} else if (o.identities) {
		status = tc_identity_diagnostics(stdout, o.connect, o.host, o.timeout_ms, o.identities);
	} else if (o.ats_diagnostics) {
		status = run_diagnostics(&o);
	} else {
		status = run(&o);
	}
	tc_options_cleanup(&o);
	if ((o.help || o.version) && status == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		status = 2;
	return status;
}
