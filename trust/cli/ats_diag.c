/*
 * trustcheck --connect HOST --ats-diagnostics: what macOS's
 * `nscurl --ats-diagnostics` does, from Linux or CI.  Each ATS configuration
 * is tried with a handshake of its own, the client offering only what an
 * Apple device would under that configuration, and the chain and the
 * negotiated connection are then judged by the ats policy with that exception
 * stacked on top.  The report ends with the smallest Info.plist change that
 * makes the connection work, or says that no exception can.
 *
 * Deliberate choices:
 *  - "Smallest" follows the order below: no change; a lower minimum TLS
 *    version for this domain (highest first); forward secrecy waived for it;
 *    ATS off for it (NSExceptionAllowsInsecureHTTPLoads); ATS off for the
 *    whole app (NSAllowsArbitraryLoads).
 *  - When even ATS off fails, the failure is in the certificate chain, which
 *    no ATS key loosens (apple-policy.md rule 26): we say so and name it.
 */
#include "ats_diag.h"

#include "cli_policy.h"
#include "connect.h"

#include <stdio.h>
#include <string.h>

/* ATS's forward-secret suites for TLS 1.2 and below (apple-policy.md rule 30,
 * both lists), in OpenSSL's names; TLS 1.3 suites are all allowed. */
#define ATS_FS_CIPHERS \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:" \
	"ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-SHA384:" \
	"ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0"
#define ATS_NO_FS_CIPHERS \
	ATS_FS_CIPHERS ":AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:" \
	"AES256-SHA:AES128-SHA:@SECLEVEL=0"

typedef struct diag_config {
	const char *label;
	const char *key, *value;  /* the Info.plist key and value, or NULL for the default */
	bool global;              /* a top-level key rather than a per-domain one */
	int min_version;          /* the lowest version the client offers */
	const char *ciphers;      /* NULL: everything */
} diag_config;

static const diag_config configs[] = {
	{ "Default ATS", NULL, NULL, false, TLS1_2_VERSION, ATS_FS_CIPHERS },
	{ "NSExceptionMinimumTLSVersion TLSv1.3", "NSExceptionMinimumTLSVersion", "TLSv1.3", false,
	  TLS1_3_VERSION, ATS_FS_CIPHERS },
	{ "NSExceptionMinimumTLSVersion TLSv1.2", "NSExceptionMinimumTLSVersion", "TLSv1.2", false,
	  TLS1_2_VERSION, ATS_FS_CIPHERS },
	{ "NSExceptionMinimumTLSVersion TLSv1.1", "NSExceptionMinimumTLSVersion", "TLSv1.1", false,
	  TLS1_1_VERSION, ATS_FS_CIPHERS },
	{ "NSExceptionMinimumTLSVersion TLSv1.0", "NSExceptionMinimumTLSVersion", "TLSv1.0", false,
	  TLS1_VERSION, ATS_FS_CIPHERS },
	{ "NSExceptionRequiresForwardSecrecy NO", "NSExceptionRequiresForwardSecrecy", "false", false,
	  TLS1_2_VERSION, ATS_NO_FS_CIPHERS },
	{ "NSExceptionAllowsInsecureHTTPLoads YES", "NSExceptionAllowsInsecureHTTPLoads", "true",
	  false, TLS1_VERSION, NULL },
	{ "NSAllowsArbitraryLoads YES", "NSAllowsArbitraryLoads", "true", true, TLS1_VERSION, NULL },
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

/* The configuration's exception as a policy layer on top of the base stack. */
static int stack_exception(trust_policy *p, const diag_config *c, const char *host,
			   trust_error *err)
{
	if (!c->key)
		return TRUST_OK;
	char json[1024];
	bool quoted = strncmp(c->value, "TLS", 3) == 0;
	if (c->global)
		snprintf(json, sizeof(json), "{ \"name\": \"ats-diagnostics\", \"ats\": { \"%s\": %s } }",
			 c->key, c->value);
	else
		snprintf(json, sizeof(json),
			 "{ \"name\": \"ats-diagnostics\", \"ats\": { \"NSExceptionDomains\": "
			 "{ \"%s\": { \"%s\": %s%s%s } } } }",
			 host, c->key, quoted ? "\"" : "", c->value, quoted ? "\"" : "");
	trust_policy *top = NULL;
	int rc = trust_policy_load_mem(&top, json, strlen(json), "ats-diagnostics", err);
	if (rc == TRUST_OK)
		rc = trust_policy_stack(p, top, err);
	trust_policy_free(top);
	return rc;
}

/* What one configuration gave. */
typedef struct diag_result {
	int verdict;          /* 1 pass, 0 fail, -1 could not evaluate */
	bool handshake;       /* the handshake completed */
	int version;          /* negotiated, when it did */
	int forward_secret;
	char why[600];
} diag_result;

/* One configuration: handshake, evaluation. */
static void try_config(const tc_diag_input *in, const diag_config *c, diag_result *res)
{
	char *why = res->why;
	size_t n = sizeof(res->why);
	tc_conn conn;
	tc_connect_opts co = { .target = in->target, .sni = in->host, .timeout_ms = in->timeout_ms,
			       .min_version = c->min_version, .ciphers = c->ciphers };
	char cerr[512];
	if (tc_connect(&conn, &co, cerr, sizeof(cerr)) != 0) {
		const char *colon = strstr(cerr, "): ");
		snprintf(why, n, "handshake: %s", colon ? colon + 3 : cerr);
		res->verdict = 0;
		return;
	}
	res->handshake = true;
	res->version = conn.facts.tls_version;
	res->forward_secret = conn.facts.forward_secret;
	trust_error err = { 0 };
	trust_policy *p = NULL;
	trust_chain *chain = trust_chain_new();
	trust_result *r = NULL;
	int rc = chain ? tc_policy_stack(&p, in->policies, in->npolicies, &err) : TRUST_ENOMEM;
	if (rc == TRUST_OK)
		rc = stack_exception(p, c, in->host ? in->host : conn.host, &err);
	for (int i = 0; rc == TRUST_OK && i < sk_X509_num(conn.chain); i++)
		rc = trust_chain_add_x509(chain, sk_X509_value(conn.chain, i), &err);
	if (rc == TRUST_OK) {
		trust_eval_options eo = TRUST_EVAL_OPTIONS_INIT;
		eo.at = in->at;
		eo.overlay = p;
		eo.host = in->host;
		eo.ip = in->ip;
		eo.connection = &conn.facts;
		eo.ct_logs = in->ct_logs;
		eo.flags = in->flags;
		rc = trust_evaluate(&r, in->store, NULL, chain, &eo, &err);
	}
	int verdict = -1;
	if (rc != TRUST_OK) {
		snprintf(why, n, "%s", err.message[0] ? err.message : "could not evaluate");
	} else if (trust_result_trusted(r)) {
		verdict = 1;
		snprintf(why, n, "%s %s", trust_tls_version_name(conn.facts.tls_version),
			 conn.facts.cipher ? conn.facts.cipher : "");
	} else {
		verdict = 0;
		snprintf(why, n, "%s: %s", trust_result_reason(r), trust_result_reason_message(r));
	}
	trust_result_free(r);
	trust_chain_free(chain);
	trust_policy_free(p);
	tc_conn_free(&conn);
	res->verdict = verdict;
}

/* A handshake the restricted client could not complete, named by the ATS rule
 * behind the restriction, judged from what an unrestricted client negotiated. */
static void name_the_rule(diag_result *res, const diag_config *c, const diag_result *open)
{
	if (res->handshake || !open->handshake)
		return;
	char was[200];
	snprintf(was, sizeof(was), "%.150s", res->why);
	const char *v = trust_tls_version_name(open->version);
	if (open->version < c->min_version)
		snprintf(res->why, sizeof(res->why), "ats.tls-min-version: server has %s at most",
			 v ? v : "less");
	else if (open->forward_secret == 0 && c->ciphers && strcmp(c->ciphers, ATS_FS_CIPHERS) == 0)
		snprintf(res->why, sizeof(res->why), "ats.pfs-ciphers: no forward-secret suite offered "
			 "(%s)", was);
}

static void plist_snippet(FILE *out, const diag_config *c, const char *host)
{
	bool b = strcmp(c->value, "true") == 0 || strcmp(c->value, "false") == 0;
	char value[64];
	snprintf(value, sizeof(value), b ? "<%s/>" : "<string>%s</string>", c->value);
	fputs("<key>NSAppTransportSecurity</key>\n<dict>\n", out);
	if (c->global) {
		fprintf(out, "    <key>%s</key>\n    %s\n", c->key, value);
	} else {
		fprintf(out, "    <key>NSExceptionDomains</key>\n    <dict>\n"
			     "        <key>%s</key>\n        <dict>\n"
			     "            <key>%s</key>\n            %s\n"
			     "        </dict>\n    </dict>\n", host, c->key, value);
	}
	fputs("</dict>\n", out);
}

int tc_ats_diagnostics(FILE *out, const tc_diag_input *in)
{
	diag_result res[NCONFIGS] = { 0 };
	const char *host = in->host ? in->host : in->ip;
	for (size_t i = 0; i < NCONFIGS; i++) {
		try_config(in, &configs[i], &res[i]);
		if (res[i].verdict < 0) {
			char safe[700];
			fprintf(stderr, "trustcheck: --ats-diagnostics: %s\n",
				trust_escape(safe, sizeof(safe), res[i].why));
			return 2;
		}
	}
	fprintf(out, "ATS diagnostics for %s (%s)\n\n", host ? host : in->target, in->target);
	for (size_t i = 0; i < NCONFIGS; i++) {
		name_the_rule(&res[i], &configs[i], &res[NCONFIGS - 1]);
		/* Within 100 columns: the reason is only a summary here. */
		fprintf(out, "  %-39s %s  %.48s%s\n", configs[i].label, res[i].verdict ? "PASS" : "FAIL",
			res[i].why, strlen(res[i].why) > 48 ? "..." : "");
	}
	fputs("\n", out);
	if (res[0].verdict) {
		fputs("The connection works with the default ATS settings: no Info.plist change is "
		      "needed.\n", out);
		return 0;
	}
	/* Indices in "smallest change first" order; 1 (TLS 1.3 minimum) never loosens. */
	static const size_t order[] = { 2, 3, 4, 5, 6, 7 };
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		const diag_config *c = &configs[order[k]];
		if (!res[order[k]].verdict)
			continue;
		fprintf(out, "The smallest Info.plist change that makes the connection work:\n%s\n\n",
			c->label);
		plist_snippet(out, c, host ? host : in->target);
		return 1;
	}
	fprintf(out, "No ATS exception makes this connection work: even with ATS off it fails.\n"
		     "Fix the server: %.80s\n", res[NCONFIGS - 1].why);
	return 1;
}
