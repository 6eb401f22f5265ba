/*
 * Validity period (RFC 5280 §6.1.3(a)(2)) of every certificate in the path,
 * the trust anchor included: RFC 5280 leaves anchor expiry to the relying
 * party, and like BoringSSL's enforce_anchor_expiry and x509-limbo's
 * rfc5280::validity::expired-root we treat an expired root as unusable.
 */
#include "validate_checks.h"

static const char *role(const tpath *p, size_t i)
{
	if (tv_is_anchor(p, i))
		return "anchor";
	return i == 0 ? "leaf" : "intermediate";
}

int tcheck_validity(tv_ctx *ctx, tpath *p)
{
	char at[40], nb[40], na[40];
	ttime_rfc3339(at, sizeof(at), ctx->at);
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		if (ctx->at >= c->not_before && ctx->at <= c->not_after)
			continue;
		ttime_rfc3339(nb, sizeof(nb), c->not_before);
		ttime_rfc3339(na, sizeof(na), c->not_after);
		tfinding *f = NULL;
		if (ctx->at > c->not_after)
			f = tpath_add(p, TRUST_ID_RFC5280_VALIDITY_EXPIRED, TRUST_SEV_ERROR, (int)i, "rfc5280",
				      "the %s expired at %s (checked at %s)", role(p, i), na, at);
		else if (ctx->at < c->not_before)
			f = tpath_add(p, TRUST_ID_RFC5280_VALIDITY_NOT_YET_VALID, TRUST_SEV_ERROR, (int)i,
				      "rfc5280", "the %s is not valid before %s (checked at %s)",
				      role(p, i), nb, at);
		bad++; /* counted even if the finding could not be stored */
		tfinding_param(f, "not-before", "%s", nb);
		tfinding_param(f, "not-after", "%s", na);
		tfinding_param(f, "at", "%s", at);
	}
	if (bad == 0) {
		tfinding *f = tpath_add(p, TRUST_ID_RFC5280_VALIDITY, TRUST_SEV_PASS, -1, "rfc5280",
					"%zu certificate%s valid at %s", p->n, p->n == 1 ? "" : "s",
					at);
		tfinding_param(f, "at", "%s", at);
	}
	return bad != 0;
}
