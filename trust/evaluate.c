/*
 * trust_evaluate: the coordinator.  Checks the options, prepares the rule set
 * and the reference names, runs the path builder and finishes the result.
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const trust_policy *overlay_of(const trust_eval_options *o)
{
	return o->version >= 2 ? o->overlay : NULL;
}

static truleset rules_for(const trust_eval_options *o)
{
	truleset r = { 0 };
	trust_policy_base base = o->policy;
	const trust_policy *ov = overlay_of(o);
	if (ov && ov->base >= 0)
		base = (trust_policy_base)ov->base;
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
	r.webpki_strict = (o->flags & TRUST_EVAL_WEBPKI_STRICT) != 0;
	return r;
}

static int check_options(const trust_eval_options *o, trust_error *err)
{
	if (o->version < 1 || o->version > TRUST_EVAL_OPTIONS_VERSION)
		return terr_set(err, TRUST_EUSAGE, "options: unsupported version %u", o->version);
	if (o->host && o->ip)
		return terr_set(err, TRUST_EUSAGE, "options: give a host name or an IP, not both");
	const trust_budgets *b = &o->budgets;
	if (b->max_depth < 0 || b->max_signatures < 0 || b->max_appends < 0 || b->max_paths < 0 ||
	    b->max_nc_checks < 0 || b->max_presented < 1)
		return terr_set(err, TRUST_EUSAGE, "options: budgets must not be negative");
	if (o->purpose != TRUST_PURPOSE_SERVER && o->purpose != TRUST_PURPOSE_CLIENT)
		return terr_set(err, TRUST_EUSAGE, "options: unknown purpose");
	if (o->policy < TRUST_POLICY_DEFAULT || o->policy > TRUST_POLICY_TLS_CLIENT)
		return terr_set(err, TRUST_EUSAGE, "options: unknown base policy");
	return TRUST_OK;
}

/* Too many presented certificates: a clean "not trusted" naming the budget. */
static void reject_presented(trust_result *r, size_t n, int limit)
{
	tpath *p = tresult_new_path(r);
	r->budget.hit = "budget.presented";
	if (p)
		tpath_add(p, "budget.presented", TRUST_SEV_ERROR, -1, "rfc5280",
			  "the peer presented %zu certificates; the limit is %d", n, limit);
}

int trust_evaluate(trust_result **out, const trust_store *store, trust_sigcache *cache,
		   const trust_chain *chain, const trust_eval_options *opts, trust_error *err)
{
	*out = NULL;
	if (!store || !chain || !opts)
		return terr_set(err, TRUST_EUSAGE, "evaluate: store, chain and options are required");
	int rc = check_options(opts, err);
	if (rc != TRUST_OK)
		return rc;
	if (chain->certs.n == 0)
		return terr_set(err, TRUST_EUSAGE, "evaluate: the chain holds no certificate");

	trust_result *r = tresult_new();
	if (!r)
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	tv_ctx ctx = { 0 };
	ctx.store = store;
	ctx.cache = (opts->flags & TRUST_EVAL_NO_SIGCACHE) ? NULL : cache;
	ctx.budget = &r->budget;
	ctx.budget->lim = opts->budgets;
	ctx.at = opts->at ? opts->at : (int64_t)time(NULL);
	ctx.rules = rules_for(opts);
	ctx.policy = overlay_of(opts);
	ctx.no_ct = (opts->flags & TRUST_EVAL_NO_CT) != 0;
	r->at = ctx.at;
	r->policy = ctx.rules.policy_name;
	if (ctx.policy) {
		if (!(r->policy_owned = strdup(trust_policy_name(ctx.policy)))) {
			trust_result_free(r);
			return terr_set(err, TRUST_ENOMEM, "out of memory");
		}
		r->policy = r->policy_owned;
	}
	r->purpose = opts->purpose == TRUST_PURPOSE_CLIENT ? "client" : "server";

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
		r->ip = strdup(opts->ip);
		ctx.ip = ipbuf;
		ctx.ip_len = iplen;
	}

	if (chain->certs.n > (size_t)opts->budgets.max_presented)
		reject_presented(r, chain->certs.n, opts->budgets.max_presented);
	else if (tbuild_paths(&ctx, r, chain, (opts->flags & TRUST_EVAL_EXPLAIN) != 0) != TRUST_OK) {
		trust_result_free(r);
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	}
	tresult_finish(r);
	*out = r;
	return TRUST_OK;
}
