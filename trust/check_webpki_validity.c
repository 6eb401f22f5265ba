/*
 * validity-schedule: CA/B Forum ballot SC-081's maximum validity for a
 * subscriber certificate, by issuance date (taken as the leaf's notBefore):
 *
 *   issued before 2026-03-15          398 days
 *   2026-03-15 .. before 2027-03-15   200 days
 *   2027-03-15 .. before 2029-03-15   100 days
 *   from 2029-03-15                    47 days
 *
 * Validity counts as the BRs define it (§6.3.2): notBefore through notAfter
 * inclusive, so notAfter - notBefore + 1 seconds, and any part of a day is
 * one more day.  Exactly 398 x 86,400 s between the two fields is therefore
 * 399 days.  Exactly the maximum warns: the BRs say it SHOULD NOT exceed one
 * day less.  webpki.json scopes the rule to the leaf of system-anchored
 * chains; private roots and user-installed anchors are not governed by the BRs.
 */
#include "policy.h"
#include "validate_checks.h"

static const struct {
	int64_t from; /* notBefore at or after this */
	int64_t days;
} schedule[] = {
	{ 1868227200, 47 },  /* 2029-03-15T00:00:00Z */
	{ 1805068800, 100 }, /* 2027-03-15T00:00:00Z */
	{ 1773532800, 200 }, /* 2026-03-15T00:00:00Z */
	{ INT64_MIN, 398 },
};

static int64_t max_days_for(int64_t issued)
{
	size_t i = 0;
	while (issued < schedule[i].from)
		i++;
	return schedule[i].days;
}

void tcheck_validity_schedule(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	for (size_t i = 0; i < p->n; i++) {
		const trust_cert *c = p->certs[i];
		int64_t span = c->not_after - c->not_before;
		if (!tpolicy_cert_in_scope(r, p, i) || span < 0)
			continue; /* inverted dates: check_validity.c rejects them */
		int64_t days = (span + 1 + 86399) / 86400;
		int64_t max = max_days_for(c->not_before);
		char issued[32];
		ttime_rfc3339(issued, sizeof(issued), c->not_before);
		tfinding *f;
		if (days > max)
			f = tpolicy_fail(p, r, (int)i,
					 "valid for %lld days; a certificate issued %s may be valid "
					 "for at most %lld (CA/B BR 6.3.2, SC-081)",
					 (long long)days, issued, (long long)max);
		else if (days == max)
			f = tpolicy_note(p, r, TRUST_SEV_WARNING, (int)i,
					 "valid for %lld days, the maximum for a certificate issued "
					 "%s; the BRs recommend at most %lld",
					 (long long)days, issued, (long long)(max - 1));
		else
			f = tpolicy_note(p, r, TRUST_SEV_PASS, (int)i,
					 "valid for %lld days, within the %lld allowed for its "
					 "issuance date", (long long)days, (long long)max);
		tfinding_param(f, "days", "%lld", (long long)days);
		tfinding_param(f, "maximum", "%lld", (long long)max);
		tfinding_param(f, "issued", "%s", issued);
	}
}
