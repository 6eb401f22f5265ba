/*
 * trust_evaluate: the coordinator.  Checks the options, prepares the rule set
 * and the reference names, runs the path builder and finishes the result.
 */
#include "policy.h"

#include <stddef.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

static truleset rules_for(const trust_eval_options *o)
{
	truleset r = { 0 };
	trust_policy_base base = o->policy;
	bool webpki = (o->flags & TRUST_EVAL_WEBPKI_STRICT) != 0;
	/* A policy stack that names a base decides it: "apple" is tls-server,
	 * "webpki" is tls-server with the Baseline Requirements profile. */
	if (o->overlay && o->overlay->base == TPOLICY_BASE_WEBPKI) {
		base = TRUST_POLICY_TLS_SERVER;
		webpki = true;
	} else if (o->overlay && o->overlay->base >= 0) {
		base = (trust_policy_base)o->overlay->base;
	}
	if (base == TRUST_POLICY_DEFAULT)
		base = o->purpose == TRUST_PURPOSE_CLIENT ? TRUST_POLICY_TLS_CLIENT
							  : TRUST_POLICY_TLS_SERVER;
	switch (base) {
	case TRUST_POLICY_RFC5280:
		r.policy_name = "rfc5280";
		r.eku_nid = NID_undef;
		break;
	case TRUST_POLICY_TLS_CLIENT:
		r.policy_name = "tls-client";
		r.check_names = true;
		r.eku_nid = NID_client_auth;
		break;
	default:
		r.policy_name = "tls-server";
		r.check_names = true;
		r.eku_nid = NID_server_auth;
		break;
	}
	/* The web-PKI profile is tls-server plus the Baseline Requirements'
	 * pedantic rules; check_options refuses it for any other purpose. */
	if (webpki && r.eku_nid == NID_server_auth) {
		r.webpki = true;
		r.policy_name = "webpki";
	}
	return r;
}

/*
 * Bytes of trust_eval_options that each layout version has, so an older caller's
 * shorter struct is never read past its end.  A new version appends fields,
 * bumps TRUST_EVAL_OPTIONS_VERSION and adds its size here.
 */
static const size_t options_size[TRUST_EVAL_OPTIONS_VERSION + 1] = {
	[1] = offsetof(trust_eval_options, overlay),
	[2] = offsetof(trust_eval_options, connection),
	[3] = offsetof(trust_eval_options, email),
	[4] = offsetof(trust_eval_options, ct_logs),
	[5] = sizeof(trust_eval_options),
};

static const trust_budgets default_budgets = {
	.max_depth = 32,
	.max_signatures = 100,
	.max_appends = 200,
	.max_paths = 32,
	.max_nc_checks = 250000L,
	.max_presented = 32,
};

int trust_eval_options_init(trust_eval_options *opts, unsigned int version)
{
	if (!opts || version < 1 || version > TRUST_EVAL_OPTIONS_VERSION)
		return TRUST_EUSAGE;
	memset(opts, 0, options_size[version]);
	opts->version = version;
	return TRUST_OK;
}

/* 0 is the default, TRUST_BUDGET_ZERO a limit of zero; false for other negatives. */
static bool resolve_budget(long *v, long dflt)
{
	if (*v == 0)
		*v = dflt;
	else if (*v == TRUST_BUDGET_ZERO)
		*v = 0;
	return *v >= 0;
}

static bool resolve_int_budget(int *v, int dflt)
{
	long l = *v;
	bool ok = resolve_budget(&l, dflt);
	*v = (int)l;
	return ok;
}

int tbudgets_resolve(trust_budgets *b)
{
	const trust_budgets *d = &default_budgets;
	bool ok = resolve_int_budget(&b->max_depth, d->max_depth);
	ok &= resolve_int_budget(&b->max_signatures, d->max_signatures);
	ok &= resolve_int_budget(&b->max_appends, d->max_appends);
	ok &= resolve_int_budget(&b->max_paths, d->max_paths);
	ok &= resolve_budget(&b->max_nc_checks, d->max_nc_checks);
	ok &= resolve_int_budget(&b->max_presented, d->max_presented);
	return ok ? TRUST_OK : TRUST_EUSAGE;
}

/* The caller's options, of any supported version, as a complete current struct. */
static int resolve_options(trust_eval_options *o, const trust_eval_options *in,
			   trust_error *err)
{
	if (in->version < 1 || in->version > TRUST_EVAL_OPTIONS_VERSION)
		return terr_set(err, TRUST_EUSAGE,
				"options: version %u is not one of 1..%d (initialise with "
				"TRUST_EVAL_OPTIONS_INIT)", in->version, TRUST_EVAL_OPTIONS_VERSION);
	memset(o, 0, sizeof(*o));
	memcpy(o, in, options_size[in->version]);
	if (o->host && o->ip)
		return terr_set(err, TRUST_EUSAGE, "options: give a host name or an IP, not both");
	const char *why;
	if (o->email && (why = tnames_email_syntax(o->email)) != NULL)
		return terr_set(err, TRUST_EUSAGE, "email '%s': %s", o->email, why);
	if (o->uri && (why = tnames_uri_syntax(o->uri)) != NULL)
		return terr_set(err, TRUST_EUSAGE, "uri '%s': %s", o->uri, why);
	if (tbudgets_resolve(&o->budgets) != TRUST_OK)
		return terr_set(err, TRUST_EUSAGE,
				"options: a budget is negative (0 is the default, "
				"TRUST_BUDGET_ZERO a limit of zero)");
	if (o->budgets.max_presented < 1)
		return terr_set(err, TRUST_EUSAGE, "options: max_presented must be at least 1");
	if (o->purpose != TRUST_PURPOSE_SERVER && o->purpose != TRUST_PURPOSE_CLIENT)
		return terr_set(err, TRUST_EUSAGE, "options: unknown purpose");
	if (o->policy < TRUST_POLICY_DEFAULT || o->policy > TRUST_POLICY_TLS_CLIENT)
		return terr_set(err, TRUST_EUSAGE, "options: unknown base policy");
	bool server = o->policy == TRUST_POLICY_TLS_SERVER ||
		      (o->policy == TRUST_POLICY_DEFAULT && o->purpose == TRUST_PURPOSE_SERVER);
	if ((o->flags & TRUST_EVAL_REVOCATION_HARD) && (o->flags & TRUST_EVAL_REVOCATION_OFF))
		return terr_set(err, TRUST_EUSAGE, "options: revocation cannot be both hard and off");
	if ((o->flags & TRUST_EVAL_WEBPKI_STRICT) && !server)
		return terr_set(err, TRUST_EUSAGE,
				"options: the webpki profile applies to TLS server certificates only");
	return TRUST_OK;
}

/* Too many presented certificates: a clean "not trusted" naming the budget. */
static int reject_presented(trust_result *r, size_t n, int limit)
{
	tpath *p = tresult_new_path(r);
	r->budget.hit = TRUST_ID_BUDGET_PRESENTED;
	if (!p)
		return TRUST_ENOMEM;
	tpath_add(p, TRUST_ID_BUDGET_PRESENTED, TRUST_SEV_ERROR, -1, "rfc5280",
		  "the peer presented %zu certificates; the limit is %d", n, limit);
	return TRUST_OK;
}

int trust_evaluate(trust_result **out, const trust_store *store, trust_sigcache *cache,
		   const trust_chain *chain, const trust_eval_options *caller_opts,
		   trust_error *err)
{
	if (!out)
		return terr_set(err, TRUST_EUSAGE, "evaluate: no place for the result (out is NULL)");
	*out = NULL;
	if (!store || !chain || !caller_opts)
		return terr_set(err, TRUST_EUSAGE, "evaluate: store, chain and options are required");
	trust_eval_options resolved;
	const trust_eval_options *opts = &resolved;
	int rc = resolve_options(&resolved, caller_opts, err);
	if (rc != TRUST_OK)
		return rc;
	if (chain->certs.n == 0)
		return terr_set(err, TRUST_EUSAGE, "evaluate: the chain holds no certificate");

	trust_result *r = tresult_new();
	if (!r)
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	tv_ctx ctx = { 0 };
	ctx.store = store;
	ctx.chain = chain;
	ctx.cache = (opts->flags & TRUST_EVAL_NO_SIGCACHE) ? NULL : cache;
	ctx.budget = &r->budget;
	ctx.budget->lim = opts->budgets;
	ctx.at = opts->at ? opts->at : ttime_now();
	ctx.rules = rules_for(opts);
	ctx.policy = opts->overlay;
	ctx.no_ct = (opts->flags & TRUST_EVAL_NO_CT) != 0;
	ctx.ct_logs = opts->ct_logs;
	ctx.revocation = (opts->flags & TRUST_EVAL_REVOCATION_OFF)    ? TV_REVOCATION_OFF
			 : (opts->flags & TRUST_EVAL_REVOCATION_HARD) ? TV_REVOCATION_HARD
								      : TV_REVOCATION_SOFT;
	r->at = ctx.at;
	r->anchors = tanchor_sources_ref(store->anchor_sources);
	r->policy = ctx.rules.policy_name;
	if (ctx.policy) {
		if (!(r->policy_owned = strdup(trust_policy_name(ctx.policy)))) {
			trust_result_free(r);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
		r->policy = r->policy_owned;
	}
	/* The purpose the rules check: a tls-client policy checks client
	 * certificates whatever opts->purpose says, and the report must agree. */
	bool client = ctx.rules.eku_nid == NID_client_auth ||
		      (ctx.rules.eku_nid == NID_undef && opts->purpose == TRUST_PURPOSE_CLIENT);
	r->purpose = client ? "client" : "server";
	rc = tconn_copy(&r->conn, opts->connection);
	if (rc != TRUST_OK) {
		trust_result_free(r);
		return terr_set(err, rc, rc == TRUST_ENOMEM ? "out of memory"
				: "options: connection facts of an unknown version");
	}
	ctx.conn = r->conn;

	unsigned char ipbuf[16];
	if (opts->host) {
		rc = tnames_normalize_host(&r->host, opts->host, err);
		if (rc != TRUST_OK) {
			trust_result_free(r);
			return rc;
		}
		ctx.host = r->host;
	}
	if (opts->ip) {
		size_t iplen = 0;
		if (tnames_parse_ip(ipbuf, &iplen, opts->ip) != 0) {
			trust_result_free(r);
			return terr_set(err, TRUST_EUSAGE, "'%s' is not an IPv4 or IPv6 address",
					opts->ip);
		}
		if (!(r->ip = strdup(opts->ip))) {
			trust_result_free(r);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
		ctx.ip = ipbuf;
		ctx.ip_len = iplen;
	}
	if ((opts->email && !(ctx.email = r->email = strdup(opts->email))) ||
	    (opts->uri && !(ctx.uri = r->uri = strdup(opts->uri)))) {
		trust_result_free(r);
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	}

	if (chain->certs.n > (size_t)opts->budgets.max_presented)
		rc = reject_presented(r, chain->certs.n, opts->budgets.max_presented);
	else
		rc = tbuild_paths(&ctx, r, chain, (opts->flags & TRUST_EVAL_EXPLAIN) != 0);
	if (rc == TRUST_OK)
		rc = tresult_finish(r);
	if (rc != TRUST_OK) {
		trust_result_free(r);
		return terr_set(err, rc, "out of memory");
	}
	*out = r;
	return TRUST_OK;
}
