/*
 * trust_policy: a stack of loaded layers and its effective view, plus the
 * dispatcher that runs a stack's rules on a validated path.  The stacking
 * order is documented in policy.h and docs/policy-format.md.
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- effective view ---- */

static void clear_view(trust_policy *p)
{
	free(p->rules);
	free(p->ats.domains);
	free(p->pins);
	p->rules = NULL;
	p->pins = NULL;
	memset(&p->ats, 0, sizeof(p->ats));
	p->nrules = p->npins = 0;
}

static int resolve(trust_policy *p)
{
	clear_view(p);
	size_t nr = 0, nd = 0, np = 0;
	for (size_t i = 0; i < p->nlayers; i++) {
		nr += p->layers[i]->nrules;
		nd += p->layers[i]->ats.ndomains;
		np += p->layers[i]->npins;
	}
	const tpolicy_rule **rules = calloc(nr ? nr : 1, sizeof(*rules));
	tats_domain *doms = calloc(nd ? nd : 1, sizeof(*doms));
	const tpin_domain **pins = calloc(np ? np : 1, sizeof(*pins));
	if (!rules || !doms || !pins) {
		free(rules);
		free(doms);
		free(pins);
		return TRUST_ENOMEM;
	}
	p->base = -1;
	p->anchor_origins = TPO_ALL;
	tats_settings *a = &p->ats;
	a->arbitrary_loads = a->media = a->web_content = a->local_networking = TATS_UNSET;
	a->domains = doms;
	size_t n = 0;
	for (size_t i = 0; i < p->nlayers; i++) {
		const tpolicy_layer *l = p->layers[i];
		if (l->base >= 0)
			p->base = l->base;
		p->anchor_origins &= l->anchor_origins;
		for (size_t k = 0; k < l->nrules; k++) {
			size_t j = 0;
			while (j < n && strcmp(rules[j]->id, l->rules[k].id) != 0)
				j++;
			rules[j] = &l->rules[k];
			if (j == n)
				n++;
		}
		const tats_settings *la = &l->ats;
		a->present |= la->present;
		if (la->arbitrary_loads != TATS_UNSET)
			a->arbitrary_loads = la->arbitrary_loads;
		if (la->media != TATS_UNSET)
			a->media = la->media;
		if (la->web_content != TATS_UNSET)
			a->web_content = la->web_content;
		if (la->local_networking != TATS_UNSET)
			a->local_networking = la->local_networking;
		if (la->niap)
			a->niap = la->niap;
		for (size_t k = 0; k < la->ndomains; k++) {
			size_t j = 0;
			while (j < a->ndomains && strcmp(doms[j].domain, la->domains[k].domain) != 0)
				j++;
			doms[j] = la->domains[k];
			if (j == a->ndomains)
				a->ndomains++;
		}
		for (size_t k = 0; k < l->npins; k++) {
			size_t j = 0;
			while (j < p->npins && strcmp(pins[j]->domain, l->pins[k].domain) != 0)
				j++;
			pins[j] = &l->pins[k];
			if (j == p->npins)
				p->npins++;
		}
	}
	/* A rule switched off by a later layer ("enabled": false) leaves the view. */
	p->nrules = 0;
	for (size_t j = 0; j < n; j++)
		if (rules[j]->enabled)
			rules[p->nrules++] = rules[j];
	p->rules = rules;
	p->pins = pins;
	return TRUST_OK;
}

int tpolicy_push_layer(trust_policy *p, tpolicy_layer *l)
{
	tpolicy_layer **v = realloc(p->layers, (p->nlayers + 1) * sizeof(*v));
	if (!v)
		return TRUST_ENOMEM;
	p->layers = v;
	atomic_fetch_add(&l->refs, 1);
	p->layers[p->nlayers++] = l;
	return resolve(p);
}

/* ---- public API ---- */

/* out: a trust_policy **; the tparse_fn of tload_parse_file. */
static int load(void *out, const char *text, size_t len, const char *name, trust_error *err)
{
	trust_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
	int rc = tpolicy_load(p, text, len, name, 0, err);
	if (rc == TRUST_OK && !(p->name = strdup(p->layers[p->nlayers - 1]->name)))
		rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
	if (rc != TRUST_OK) {
		trust_policy_free(p);
		return rc;
	}
	*(trust_policy **)out = p;
	return TRUST_OK;
}

int trust_policy_load_file(trust_policy **out, const char *path, trust_error *err)
{
	if (!out || !path)
		return terr_set(err, TRUST_EUSAGE, "policy: a path is required");
	*out = NULL;
	return tload_parse_file(out, path, load, err);
}

int trust_policy_load_mem(trust_policy **out, const void *json, size_t len, const char *name,
			  trust_error *err)
{
	if (!out || !json)
		return terr_set(err, TRUST_EUSAGE, "policy: JSON bytes are required");
	*out = NULL;
	return load(out, json, len, name ? name : "memory", err);
}

int trust_policy_stack(trust_policy *onto, const trust_policy *top, trust_error *err)
{
	if (!onto || !top)
		return terr_set(err, TRUST_EUSAGE, "policy: two policies are required");
	size_t before = onto->nlayers;
	size_t n = strlen(onto->name ? onto->name : "") + strlen(top->name) + 2;
	char *name = malloc(n);
	if (!name)
		return terr_set(err, TRUST_ENOMEM, "policy: out of memory");
	snprintf(name, n, "%s%s%s", onto->name ? onto->name : "", onto->name ? "+" : "",
		 top->name);
	for (size_t i = 0; i < top->nlayers; i++) {
		if (tpolicy_push_layer(onto, top->layers[i]) != TRUST_OK) {
			while (onto->nlayers > before)
				tpolicy_layer_unref(onto->layers[--onto->nlayers]);
			resolve(onto);
			free(name);
			return terr_set(err, TRUST_ENOMEM, "policy: out of memory");
		}
	}
	free(onto->name);
	onto->name = name;
	return TRUST_OK;
}

void trust_policy_free(trust_policy *p)
{
	if (!p)
		return;
	clear_view(p);
	for (size_t i = 0; i < p->nlayers; i++)
		tpolicy_layer_unref(p->layers[i]);
	free(p->layers);
	free(p->name);
	free(p);
}

const char *trust_policy_name(const trust_policy *p)
{
	return p && p->name ? p->name : "";
}

const char *trust_policy_description(const trust_policy *p)
{
	if (!p || !p->nlayers || !p->layers[p->nlayers - 1]->description)
		return "";
	return p->layers[p->nlayers - 1]->description;
}

size_t trust_policy_rule_count(const trust_policy *p)
{
	return p ? p->nrules : 0;
}

const char *trust_policy_rule_id(const trust_policy *p, size_t i)
{
	return p && i < p->nrules ? p->rules[i]->id : NULL;
}

/* ---- helpers for checks ---- */

const tparam_value *tpolicy_param(const tpolicy_rule *r, const char *key)
{
	const tparam_spec *s = r->kind ? r->kind->params : NULL;
	for (size_t k = 0; s && s[k].key && k < TPOLICY_MAX_PARAMS; k++)
		if (strcmp(s[k].key, key) == 0)
			return r->params[k].set ? &r->params[k] : NULL;
	return NULL;
}

int64_t tpolicy_int(const tpolicy_rule *r, const char *key, int64_t def)
{
	const tparam_value *v = tpolicy_param(r, key);
	return v ? v->i : def;
}

bool tpolicy_bool(const tpolicy_rule *r, const char *key, bool def)
{
	const tparam_value *v = tpolicy_param(r, key);
	return v ? v->i != 0 : def;
}

const char *tpolicy_str(const tpolicy_rule *r, const char *key, const char *def)
{
	const tparam_value *v = tpolicy_param(r, key);
	return v && v->s ? v->s : def;
}

bool tpolicy_has_word(const tpolicy_rule *r, const char *key, const char *word)
{
	const tparam_value *v = tpolicy_param(r, key);
	for (size_t i = 0; v && i < v->nv; i++)
		if (strcmp(v->v[i], word) == 0)
			return true;
	return false;
}

unsigned tpolicy_path_origin(const tpath *p)
{
	if (p->n == 0)
		return 0;
	switch (p->origin[p->n - 1]) {
	case TRUST_ORIGIN_SYSTEM: return TPO_SYSTEM;
	case TRUST_ORIGIN_APP: return TPO_APP;
	case TRUST_ORIGIN_USER: return p->n == 1 ? TPO_LEAF_ANCHOR : TPO_USER;
	default: return 0;
	}
}

bool tpolicy_cert_in_scope(const tpolicy_rule *r, const tpath *p, size_t i)
{
	if (i == 0)
		return (r->certs & TPS_LEAF) != 0;
	if (i == p->n - 1 && p->origin[i] != TRUST_ORIGIN_NONE)
		return (r->certs & TPS_ANCHOR) != 0;
	return (r->certs & TPS_INTERMEDIATES) != 0;
}

static tfinding *vreport(tpath *p, const tpolicy_rule *r, trust_severity sev, int cert,
			 const char *fmt, va_list ap)
{
	const char *id = tpath_strdup(p, r->id);
	const char *pol = tpath_strdup(p, r->policy);
	if (!id || !pol) {
		/* A rule that cannot report must not pass silently. */
		tpath_fail_internal(p, cert, "recording a policy rule");
		return NULL;
	}
	tfinding *f = tpath_vadd(p, id, sev, cert, pol, fmt, ap);
	if (f && sev >= TRUST_SEV_WARNING && r->remedy)
		f->pub.remedy = tpath_strdup(p, r->remedy);
	if (f && sev >= TRUST_SEV_WARNING && r->note)
		tfinding_param(f, "devices", "%s", r->note);
	return f;
}

tfinding *tpolicy_fail(tpath *p, const tpolicy_rule *r, int cert, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tfinding *f = vreport(p, r, r->severity, cert, fmt, ap);
	va_end(ap);
	return f;
}

tfinding *tpolicy_note(tpath *p, const tpolicy_rule *r, trust_severity sev, int cert,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tfinding *f = vreport(p, r, sev, cert, fmt, ap);
	va_end(ap);
	return f;
}

void tpolicy_pass(tpath *p, const tpolicy_rule *r, int cert, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(p, r, TRUST_SEV_PASS, cert, fmt, ap);
	va_end(ap);
}

int tpolicy_parse_time(int64_t *out, const char *s)
{
	struct tm tm = { 0 };
	char z = 0, extra = 0;
	if (strlen(s) != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &tm.tm_year, &tm.tm_mon,
				      &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z,
				      &extra) != 7 || z != 'Z')
		return -1;
	if (tm.tm_year < 1950 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return -1;
	int day = tm.tm_mday, mon = tm.tm_mon;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (tm.tm_mday != day || tm.tm_mon != mon - 1) /* 2021-02-30 normalised away */
		return -1;
	*out = (int64_t)t;
	return 0;
}

bool tpolicy_domain_match(const char *domain, bool subdomains, const char *host, bool *exact)
{
	size_t dl = strlen(domain), hl = strlen(host);
	*exact = false;
	if (dl == hl && strcasecmp(domain, host) == 0) {
		*exact = true;
		return true;
	}
	/* One label deeper only (the documented NSIncludesSubdomains rule, A9). */
	if (!subdomains || hl <= dl + 1 || host[hl - dl - 1] != '.' ||
	    strcasecmp(host + hl - dl, domain) != 0)
		return false;
	return memchr(host, '.', hl - dl - 1) == NULL;
}

/* ---- dispatch ---- */

static bool window_holds(const tpolicy_rule *r, int64_t nb)
{
	if (r->has_from && nb < r->from)
		return false;
	if (r->has_after && nb <= r->after)
		return false;
	if (r->has_before && nb >= r->before)
		return false;
	return true;
}

static const char *origin_word(unsigned o)
{
	switch (o) {
	case TPO_SYSTEM: return "system";
	case TPO_USER: return "user";
	case TPO_APP: return "app";
	case TPO_LEAF_ANCHOR: return "leaf-anchor";
	default: return "none";
	}
}

void tpolicy_apply(tv_ctx *ctx, tpath *p)
{
	const trust_policy *pol = ctx->policy;
	if (!pol || p->n == 0)
		return;
	unsigned origin = tpolicy_path_origin(p);
	if (!(pol->anchor_origins & origin)) {
		tfinding *f = tpath_add(p, "policy.anchor-origin", TRUST_SEV_ERROR, (int)p->n - 1,
					"policy", "the policy '%s' does not accept %s anchors",
					pol->name, origin_word(origin));
		tfinding_param(f, "origin", "%s", origin_word(origin));
	}
	int64_t nb = p->certs[0]->not_before;
	bool have_name = ctx->host || ctx->ip;
	tats_host ats;
	tats_for_host(&ats, ctx);
	unsigned off = (ats.ats_on ? 0 : TPU_ATS_OFF) |
		       (ats.requires_forward_secrecy ? 0 : TPU_ATS_NO_FORWARD_SECRECY);
	for (size_t i = 0; i < pol->nrules; i++) {
		const tpolicy_rule *r = pol->rules[i];
		if (!(r->origins & origin) || !window_holds(r, nb) || (r->unless & off))
			continue;
		if (r->kind->needs_host && !have_name)
			continue;
		r->kind->check(ctx, p, r);
	}
	if (pol->npins && have_name)
		tcheck_pins(ctx, p, NULL);
}
