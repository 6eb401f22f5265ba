/*
 * Maps one x509-limbo testcase onto libtrust:
 *   trusted_certs            -> anchors (every one is trusted)
 *   untrusted_intermediates  -> the untrusted pool
 *   peer_certificate         -> the chain's leaf
 *   validation_time          -> options.at (else now)
 *   expected_peer_name       -> options.host / options.ip / options.email (RFC822);
 *                               the snapshot has no CLIENT or RFC822 vectors yet
 *   validation_kind          -> policy tls-server (SERVER) or tls-client (CLIENT);
 *                               the snapshot's vectors are all SERVER, and even
 *                               those without extended_key_usage expect serverAuth
 *                               (rfc5280::eku::ee-wrong-eku)
 *   max_chain_depth          -> budgets.max_depth
 *   id webpki::*, or a feature pedantic-webpki*
 *                            -> policy webpki (policies/webpki.json, or
 *                               TRUST_EVAL_WEBPKI_STRICT without it): the
 *                               vector is written for the CA/B Forum profile
 *   feature rfc5280-incompatible-with-webpki -> policy rfc5280: the vector
 *                               holds for the bare RFC 5280 profile only (its
 *                               webpki twin expects the opposite verdict)
 *   anything else            -> tls-server
 */
#include "limbo_case.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <trust.h>

int limbo_parse_time(long long *out, const char *s)
{
	struct tm tm = { 0 };
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	long long t = (long long)timegm(&tm);
	const char *rest = s + n;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (*rest == 'Z' || *rest == 'z') {
		rest++;
	} else if (*rest == '+' || *rest == '-') {
		int hh = 0, mm = 0;
		if (sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		long long off = (long long)hh * 3600 + mm * 60;
		t += *rest == '+' ? -off : off;
		rest += 6;
	} else {
		return -1;
	}
	if (*rest)
		return -1;
	*out = t;
	return 0;
}

/* 1 if a feature starts with `prefix`. */
static bool has_feature(json_t *tc, const char *prefix)
{
	json_t *features = json_object_get(tc, "features");
	size_t i;
	json_t *f;
	json_array_foreach(features, i, f)
		if (json_is_string(f) && strncmp(json_string_value(f), prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static int add_pems(trust_store_builder *b, json_t *list, bool anchors, trust_error *err)
{
	size_t i;
	json_t *pem;
	json_array_foreach(list, i, pem) {
		const char *s = json_string_value(pem);
		if (!s)
			continue;
		int rc = anchors ? trust_store_builder_add_anchors_mem(b, s, strlen(s), "trusted_certs",
									TRUST_ORIGIN_USER, err)
				 : trust_store_builder_add_intermediates_mem(
					   b, s, strlen(s), "untrusted_intermediates", err);
		if (rc != TRUST_OK)
			return rc;
	}
	return TRUST_OK;
}

/* Fills options from the testcase; returns 0, or -1 with out->error set. */
static int set_options(trust_eval_options *o, json_t *tc, limbo_outcome *out,
		       const limbo_policies *pols)
{
	const char *when = json_string_value(json_object_get(tc, "validation_time"));
	long long at = 0;
	if (when && limbo_parse_time(&at, when) != 0) {
		snprintf(out->error, sizeof(out->error), "bad validation_time '%s'", when);
		return -1;
	}
	o->at = (int64_t)at;
	const char *kind = json_string_value(json_object_get(tc, "validation_kind"));
	bool client = kind && strcmp(kind, "CLIENT") == 0;
	o->purpose = client ? TRUST_PURPOSE_CLIENT : TRUST_PURPOSE_SERVER;
	o->policy = client ? TRUST_POLICY_TLS_CLIENT : TRUST_POLICY_TLS_SERVER;
	json_t *name = json_object_get(tc, "expected_peer_name");
	const char *nkind = json_string_value(json_object_get(name, "kind"));
	const char *value = json_string_value(json_object_get(name, "value"));
	if (nkind && value && strcmp(nkind, "DNS") == 0)
		o->host = value;
	else if (nkind && value && strcmp(nkind, "IP") == 0)
		o->ip = value;
	else if (nkind && value && strcmp(nkind, "RFC822") == 0)
		o->email = value;
	json_t *depth = json_object_get(tc, "max_chain_depth");
	if (json_is_integer(depth))
		o->budgets.max_depth = json_integer_value(depth) ? (int)json_integer_value(depth)
								 : TRUST_BUDGET_ZERO;
	const char *id = json_string_value(json_object_get(tc, "id"));
	if (has_feature(tc, "rfc5280-incompatible-with-webpki"))
		o->policy = TRUST_POLICY_RFC5280;
	else if (!client && ((id && strncmp(id, "webpki::", 8) == 0) ||
			     has_feature(tc, "pedantic-webpki")))
		o->flags |= TRUST_EVAL_WEBPKI_STRICT;
	out->policy = o->policy == TRUST_POLICY_RFC5280 ? "rfc5280"
		      : (o->flags & TRUST_EVAL_WEBPKI_STRICT) ? "webpki"
		      : client ? "tls-client" : "tls-server";
	/* The shipped policy file, when loaded, replaces the built-in rule set. */
	const trust_policy *file = o->policy == TRUST_POLICY_RFC5280 ? pols->rfc5280
				   : (o->flags & TRUST_EVAL_WEBPKI_STRICT) ? pols->webpki
				   : client ? pols->tls_client : pols->tls_server;
	if (file) {
		o->overlay = file;
		o->flags &= ~TRUST_EVAL_WEBPKI_STRICT;
	}
	return 0;
}

/* The error findings of the reported path, so a disagreement is explained. */
static void describe(limbo_outcome *out, const trust_result *r)
{
	int p = trust_result_chosen_path(r);
	size_t used = 0;
	if (p < 0)
		return;
	for (size_t i = 0; i < trust_result_finding_count(r, (size_t)p); i++) {
		const trust_finding *f = trust_result_finding(r, (size_t)p, i);
		if (f->severity != TRUST_SEV_ERROR || used >= sizeof(out->detail))
			continue;
		int n = snprintf(out->detail + used, sizeof(out->detail) - used, "%s%s@%d",
				 used ? ", " : "", f->id, f->cert);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used >= sizeof(out->detail))
		out->detail[sizeof(out->detail) - 1] = '\0';
}

void limbo_case_run(limbo_outcome *out, json_t *tc, const limbo_policies *pols)
{
	memset(out, 0, sizeof(*out));
	trust_error err = { 0 };
	trust_store *store = NULL;
	trust_chain *chain = trust_chain_new();
	trust_result *r = NULL;
	trust_store_builder *b = trust_store_builder_new();
	const char *peer = json_string_value(json_object_get(tc, "peer_certificate"));
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;

	if (!b || !chain || !peer) {
		snprintf(out->error, sizeof(out->error), "no peer_certificate or out of memory");
		goto done;
	}
	if (add_pems(b, json_object_get(tc, "trusted_certs"), true, &err) != TRUST_OK ||
	    add_pems(b, json_object_get(tc, "untrusted_intermediates"), false, &err) != TRUST_OK ||
	    trust_chain_add_mem(chain, peer, strlen(peer), "peer_certificate", &err) != TRUST_OK) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		goto done;
	}
	int rc = trust_store_builder_finish(&store, b, &err);
	b = NULL;
	if (rc != TRUST_OK) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		goto done;
	}
	if (set_options(&o, tc, out, pols) != 0)
		goto done;
	if (trust_evaluate(&r, store, NULL, chain, &o, &err) != TRUST_OK) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		goto done;
	}
	out->ran = true;
	out->trusted = trust_result_trusted(r) != 0;
	snprintf(out->reason, sizeof(out->reason), "%s", trust_result_reason(r));
	snprintf(out->message, sizeof(out->message), "%s", trust_result_reason_message(r));
	describe(out, r);
done:
	trust_result_free(r);
	trust_store_free(store);
	trust_store_builder_free(b);
	trust_chain_free(chain);
}
