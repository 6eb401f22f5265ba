/*
 * App Transport Security (apple-policy.md §2): which ATS settings govern the
 * evaluated host, and the rule kinds that depend on them.  The settings come
 * to libtrust as data (a policy's "ats" section, which trustcheck also fills
 * from an app's Info.plist); nothing here reads a plist.
 *
 * Precedence (rule 34): a matching NSExceptionDomains entry replaces every
 * global key for its host, even when the entry is empty.  Otherwise the
 * globals apply, with NSAllowsArbitraryLoads ignored whenever one of the
 * newer global keys is present (rule 31), and local hosts exempt unless
 * NSAllowsLocalNetworking is explicitly NO (rule 33).
 */
#include "policy.h"
#include "validate_checks.h"

#include "ct.h"
#include <string.h>

/* IP literal, unqualified name, or *.local: not subject to ATS by default. */
static bool local_host(const tv_ctx *ctx)
{
	if (ctx->ip)
		return true;
	if (!ctx->host)
		return false;
	size_t n = strlen(ctx->host);
	return !strchr(ctx->host, '.') || (n > 6 && strcmp(ctx->host + n - 6, ".local") == 0);
}

static const tats_domain *find_entry(const tats_settings *a, const char *host)
{
	bool exact;
	for (size_t i = 0; host && i < a->ndomains; i++)
		if (tpolicy_domain_match(a->domains[i].domain, false, host, &exact))
			return &a->domains[i];
	for (size_t i = 0; host && i < a->ndomains; i++)
		if (tpolicy_domain_match(a->domains[i].domain,
					 a->domains[i].includes_subdomains == TATS_YES, host, &exact))
			return &a->domains[i];
	return NULL;
}

void tats_for_host(tats_host *out, const tv_ctx *ctx)
{
	memset(out, 0, sizeof(*out));
	out->ats_on = true;
	out->requires_forward_secrecy = true;
	out->min_tls = "TLSv1.2";
	out->why = "ATS defaults";
	const tats_settings *a = ctx->policy ? &ctx->policy->ats : NULL;
	if (!a || !a->present)
		return;
	const tats_domain *d = find_entry(a, ctx->host);
	if (d) {
		out->entry = d;
		out->why = "its NSExceptionDomains entry (global keys do not apply to it)";
		out->insecure_allowed = d->allows_insecure_http == TATS_YES;
		out->ats_on = !out->insecure_allowed;
		if (d->min_tls)
			out->min_tls = d->min_tls;
		out->requires_forward_secrecy = d->requires_forward_secrecy != TATS_NO;
		out->requires_ct = d->requires_ct == TATS_YES;
		return;
	}
	if (local_host(ctx) && a->local_networking != TATS_NO) {
		out->ats_on = false;
		out->insecure_allowed = true;
		out->why = "local hosts (IP literals, unqualified and .local names) are not subject "
			   "to ATS";
		return;
	}
	bool newer = a->media != TATS_UNSET || a->web_content != TATS_UNSET ||
		     a->local_networking != TATS_UNSET;
	if (a->arbitrary_loads == TATS_YES && !newer) {
		out->ats_on = false;
		out->insecure_allowed = true;
		out->why = "NSAllowsArbitraryLoads";
	} else if (a->arbitrary_loads == TATS_YES) {
		out->why = "the global keys (NSAllowsArbitraryLoads is ignored because a newer "
			   "global key is present)";
	} else {
		out->why = "the global keys";
	}
}

void tcheck_anchor_origin(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	static const char *const words[] = { "system", "user", "app", "leaf-anchor" };
	unsigned o = tpolicy_path_origin(p);
	const char *name = "none";
	for (unsigned b = 0; b < 4; b++)
		if (o == 1u << b)
			name = words[b];
	if (tpolicy_has_word(r, "allow", name)) {
		tpolicy_pass(p, r, (int)p->n - 1, "the anchor's origin (%s) is accepted", name);
		return;
	}
	tfinding *f = tpolicy_fail(p, r, (int)p->n - 1, "the path ends at a %s anchor, which "
				   "this rule does not accept", name);
	tfinding_param(f, "origin", "%s", name);
}

void tcheck_ats_trust(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	unsigned o = tpolicy_path_origin(p);
	if (o != TPO_APP) {
		tpolicy_pass(p, r, -1, "default trust ends at a system or user-installed anchor");
		return;
	}
	tats_host h;
	tats_for_host(&h, ctx);
	if (h.insecure_allowed) {
		tfinding *f = tpolicy_note(p, r, TRUST_SEV_WARNING, (int)p->n - 1,
					   "the chain ends at an anchor the app supplies; allowed "
					   "only because ATS is loosened for this host by %s", h.why);
		tfinding_param(f, "decided_by", "%s", h.why);
		return;
	}
	tfinding *f = tpolicy_fail(p, r, (int)p->n - 1,
				   "the chain ends at an anchor the app supplies in code; ATS does "
				   "not let an app loosen default trust (decided by %s)", h.why);
	tfinding_param(f, "decided_by", "%s", h.why);
}

/* Rule 29 against a negotiated version: at least TLS 1.2 or the domain's minimum. */
static void judge_tls_version(const trust_connection *c, tpath *p, const tpolicy_rule *r,
			      const tats_host *h)
{
	const char *got = trust_tls_version_name(c->tls_version);
	int min = tconn_version_of(h->min_tls);
	tfinding *f;
	if (got && min && c->tls_version >= min) {
		tpolicy_pass(p, r, -1, "the server negotiated %s; ATS requires %s or later", got,
			     h->min_tls);
		return;
	}
	if (!got || !min)
		/* A rule that cannot be judged fails closed. */
		f = tpolicy_fail(p, r, -1, "the negotiated protocol version is unknown, so it cannot "
				 "be shown to be %s or later (from %s)", h->min_tls, h->why);
	else
		f = tpolicy_fail(p, r, -1, "the server negotiated %s; ATS requires %s or later "
				 "(from %s)", got, h->min_tls, h->why);
	if (f) {
		tfinding_param(f, "negotiated", "%s", got ? got : "unknown");
		tfinding_param(f, "minimum", "%s", h->min_tls);
	}
}

/* Rule 30 against a negotiated suite: forward secrecy unless the domain waives it. */
static void judge_forward_secrecy(const trust_connection *c, tpath *p, const tpolicy_rule *r,
				  const tats_host *h)
{
	const char *suite = c->cipher ? c->cipher : "an unknown suite";
	tfinding *f;
	if (!h->requires_forward_secrecy) {
		tpolicy_pass(p, r, -1, "forward secrecy is not required for this host (%s); the "
			     "server negotiated %s", h->why, suite);
		return;
	}
	if (c->forward_secret > 0) {
		tpolicy_pass(p, r, -1, "the server negotiated %s, which is forward-secret", suite);
		return;
	}
	if (c->forward_secret == 0)
		f = tpolicy_fail(p, r, -1, "the server negotiated %s, an RSA key-transport suite "
				 "without forward secrecy; ATS requires ECDHE (from %s)", suite, h->why);
	else
		f = tpolicy_fail(p, r, -1, "could not tell whether %s is forward-secret, and ATS "
				 "requires ECDHE (from %s)", suite, h->why);
	if (f)
		tfinding_param(f, "cipher", "%s", suite);
}

void tcheck_ats_connection(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	tats_host h;
	tats_for_host(&h, ctx);
	const char *what = tpolicy_str(r, "requirement", "tls-version");
	tfinding *f;
	if (ctx->conn) {
		if (strcmp(what, "tls-version") == 0)
			judge_tls_version(ctx->conn, p, r, &h);
		else
			judge_forward_secrecy(ctx->conn, p, r, &h);
		return;
	}
	if (strcmp(what, "tls-version") == 0)
		f = tpolicy_note(p, r, TRUST_SEV_INFO, -1, "needs a connection: the server must "
				 "negotiate %s or later (from %s)", h.min_tls, h.why);
	else
		f = tpolicy_note(p, r, TRUST_SEV_INFO, -1, "needs a connection: %s (from %s)",
				 h.requires_forward_secrecy
					 ? "an ECDHE (forward-secret) AES or ChaCha20 suite is required"
					 : "RSA key-transport suites are also accepted",
				 h.why);
	tfinding_param(f, "needs", "connection");
}

/* NSRequiresCertificateTransparency and arbitrary-load notes (rules 31, 37, 41). */
void tcheck_ats_settings(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	tats_host h;
	tats_for_host(&h, ctx);
	const tats_settings *a = &ctx->policy->ats;
	tfinding *f = tpolicy_note(p, r, TRUST_SEV_INFO, -1, "ATS for this host follows %s%s",
				   h.why, h.ats_on ? "" : "; ATS does not govern it");
	tfinding_param(f, "ats", "%s", h.ats_on ? "on" : "off");
	if (a->arbitrary_loads == TATS_YES && !h.entry && h.ats_on)
		tpolicy_note(p, r, TRUST_SEV_WARNING, -1, "NSAllowsArbitraryLoads is YES but "
			     "ignored on iOS 10 / macOS 10.12 and later because "
			     "NSAllowsArbitraryLoadsForMedia, NSAllowsArbitraryLoadsInWebContent or "
			     "NSAllowsLocalNetworking is present");
	/* Rule 41: keys App Review asks a justification for (info only). */
	char review[200] = "";
	const char *keys[] = { a->arbitrary_loads == TATS_YES ? "NSAllowsArbitraryLoads" : NULL,
			       a->media == TATS_YES ? "NSAllowsArbitraryLoadsForMedia" : NULL,
			       a->web_content == TATS_YES ? "NSAllowsArbitraryLoadsInWebContent" : NULL,
			       h.entry && h.entry->allows_insecure_http == TATS_YES
				       ? "NSExceptionAllowsInsecureHTTPLoads" : NULL,
			       h.entry && h.entry->min_tls && strcmp(h.entry->min_tls, "TLSv1.2") < 0
				       ? "NSExceptionMinimumTLSVersion below TLSv1.2" : NULL };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i])
			snprintf(review + strlen(review), sizeof(review) - strlen(review), "%s%s",
				 review[0] ? ", " : "", keys[i]);
	if (review[0])
		tpolicy_note(p, r, TRUST_SEV_INFO, -1, "App Review asks for a justification of %s",
			     review);
	if (!h.entry || h.entry->requires_ct == TATS_UNSET)
		return;
	tpolicy_note(p, r, TRUST_SEV_WARNING, -1, "NSRequiresCertificateTransparency is obsolete; "
		     "Apple advises removing it");
	if (!h.requires_ct || tpolicy_path_origin(p) == TPO_SYSTEM || ctx->no_ct)
		return;
	/* Legacy behaviour (A10): verified SCTs from two current logs even for a private chain. */
	int logs = tct_current_logs(ctx, p);
	if (logs == -1)
		tpolicy_fail(p, r, 0, "NSRequiresCertificateTransparency is YES for this host and "
			     "the leaf's SCTs cannot be verified: no CT log list was given "
			     "(--ct-log-list)");
	else if (logs >= 0 && logs < 2)
		tpolicy_fail(p, r, 0, "NSRequiresCertificateTransparency is YES for this host and "
			     "the leaf has verified SCTs from %d current log%s (older systems "
			     "required 2)", logs, logs == 1 ? "" : "s");
}
