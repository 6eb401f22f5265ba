/*
 * Apple's structural rules for the issuing certificates and the dates of
 * every certificate (apple-policy.md rules 18 and 19).  They overlap RFC
 * 5280's, and run beside them on purpose: the report then names the Apple
 * rule a device would cite, with the remedy for it, whichever rule set the
 * reader knows.
 */
#include "policy.h"
#include "validate_checks.h"

#include <string.h>

/* A DER Name with no RDN at all: SEQUENCE, length 0. */
static bool empty_subject(const trust_cert *c)
{
	return c->subject_der_len == 2;
}

static void basic_constraints(tpath *p, const tpolicy_rule *r)
{
	size_t bad = 0;
	bool v3_anchor = p->n > 1 && p->certs[p->n - 1]->version >= 2;
	for (size_t i = 1; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		if (!tpolicy_cert_in_scope(r, p, i) || !tv_ext_reliable(c))
			continue;
		const char *why = NULL;
		if (c->version >= 2 && !c->is_ca)
			why = "is in an issuing position but its basicConstraints does not say cA TRUE";
		else if (c->version < 2 && i + 1 < p->n && v3_anchor)
			why = "is a v1 or v2 certificate in an intermediate position under a v3 anchor";
		else if (empty_subject(c))
			why = "is a CA certificate with an empty subject";
		if (!why)
			continue;
		bad++;
		tpolicy_fail(p, r, (int)i, "certificate %zu %s", i, why);
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "every issuing certificate is a v3 CA (basicConstraints cA TRUE) "
			     "with a subject");
}

static void key_usage(tpath *p, const tpolicy_rule *r)
{
	size_t bad = 0;
	for (size_t i = 1; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		if (!tpolicy_cert_in_scope(r, p, i) || !tv_ext_reliable(c) ||
		    c->ku == TCERT_KU_ABSENT || (c->ku & KU_KEY_CERT_SIGN))
			continue;
		bad++;
		tpolicy_fail(p, r, (int)i, "certificate %zu issues certificates but its keyUsage "
			     "lacks keyCertSign", i);
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "every issuing certificate's keyUsage, where present, allows "
			     "keyCertSign");
}

void tcheck_apple_ca_structure(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	if (strcmp(tpolicy_str(r, "aspect", "basic-constraints"), "key-usage") == 0)
		key_usage(p, r);
	else
		basic_constraints(p, r);
}

void tcheck_temporal_validity(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		if (!tpolicy_cert_in_scope(r, p, i))
			continue;
		char t[32];
		if (ctx->at < c->not_before) {
			tfinding *f = tpolicy_fail(p, r, (int)i, "certificate %zu is not valid until %s",
						   i, ttime_rfc3339(t, sizeof(t), c->not_before));
			tfinding_param(f, "not_before", "%s", t);
			bad++;
		} else if (ctx->at > c->not_after) {
			tfinding *f = tpolicy_fail(p, r, (int)i, "certificate %zu expired at %s", i,
						   ttime_rfc3339(t, sizeof(t), c->not_after));
			tfinding_param(f, "not_after", "%s", t);
			bad++;
		}
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "every certificate, the anchor included, is in date");
}
