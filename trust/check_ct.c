/*
 * Apple's CT policy over verified SCTs (apple-policy.md rule 17, rule kind
 * "sct-count"; which chains it covers is the rule's scope, rule 16).
 *
 * Compliant when at least 2 SCTs from distinct once- or currently-approved
 * logs count, at least one from an RFC 6962 log, and either
 *  (a) 2 from distinct currently approved logs, one of them delivered in the
 *      TLS extension or an OCSP response, or
 *  (b) embedded SCTs from N distinct logs, one of them currently approved,
 *      N by the leaf's lifetime; for leaves from 2021-04-21 at most 1 log per
 *      operator counts up to 180 days, at most 2 beyond ([CTP], A13).
 * "Currently approved" is qualified, usable or read-only; a retired log
 * counts only for embedded SCTs dated before its retirement and only if the
 * issuance time (the earliest SCT from a current log) is too.
 *
 * Without a log list the SCTs cannot be verified and the rule fails: trustd
 * applies CT only with a current log list, but trustcheck cannot know the
 * device's list, and counting unverified SCTs could call a chain trusted
 * that a device rejects.  --ct off (TRUST_EVAL_NO_CT) is the way to skip CT.
 */
#include "ct.h"
#include "policy.h"

#include <limits.h>
#include <stdlib.h>
#include <time.h>

#define DAY 86400
#define CT_CUTOVER 1618963200 /* 2021-04-21T00:00:00Z */

/* Calendar months from a to b (whole months that fit). */
static int months_between(int64_t a, int64_t b)
{
	struct tm tm;
	time_t ta = (time_t)a;
	if (!gmtime_r(&ta, &tm))
		return 0;
	int m = 0;
	for (; m < 1200; m++) {
		struct tm t2 = tm;
		t2.tm_mon += m + 1;
		if ((int64_t)timegm(&t2) > b)
			break;
	}
	return m;
}

/* How many embedded SCTs from distinct logs a leaf of this lifetime needs. */
static int scts_needed(const trust_cert *c)
{
	int64_t span = c->not_after - c->not_before + 1;
	int64_t days = (span + DAY - 1) / DAY;
	if (c->not_before >= CT_CUTOVER)
		return days <= 180 ? 2 : days <= 825 ? 3 : 4;
	int months = months_between(c->not_before, c->not_after);
	return months < 15 ? 2 : months <= 27 ? 3 : months <= 39 ? 4 : 5;
}

/* Logs of one operator that count towards (b). */
static int per_operator_cap(const trust_cert *c)
{
	if (c->not_before < CT_CUTOVER)
		return INT_MAX;
	return (c->not_after - c->not_before + 1 + DAY - 1) / DAY <= 180 ? 1 : 2;
}

/* One distinct log among the counted SCTs. */
typedef struct seen_log {
	const tct_log *log;
	bool embedded, delivered;
} seen_log;

typedef struct tally {
	int counted_logs;      /* distinct once- or currently-approved logs */
	int current_logs;
	bool delivered_current;
	bool embedded_current;
	int embedded_logs;     /* distinct logs with an embedded SCT, after the operator cap */
	int delivered_logs;    /* distinct logs with an SCT from TLS or OCSP */
	bool rfc6962;
	int scts, valid;       /* every SCT seen, and those that verified */
} tally;

static int count(const tct_scts *s, const trust_cert *leaf, tally *t)
{
	memset(t, 0, sizeof *t);
	t->scts = (int)s->n;
	uint64_t issued = UINT64_MAX;
	for (size_t i = 0; i < s->n; i++) {
		t->valid += s->v[i].status == TCT_VALID;
		if (s->v[i].status == TCT_VALID && tct_log_current(s->v[i].log) &&
		    s->v[i].timestamp_ms < issued)
			issued = s->v[i].timestamp_ms;
	}
	seen_log *seen = s->n ? calloc(s->n, sizeof *seen) : NULL;
	if (s->n && !seen)
		return -1;
	size_t nseen = 0;
	for (size_t i = 0; i < s->n; i++) {
		const tct_sct *c = &s->v[i];
		if (c->status != TCT_VALID)
			continue;
		bool current = tct_log_current(c->log);
		bool embedded = c->origin == TCT_EMBEDDED;
		if (!current && !(c->log->state == TCT_RETIRED && embedded &&
				  issued != UINT64_MAX && (int64_t)(issued / 1000) < c->log->state_at))
			continue;
		size_t k = 0;
		while (k < nseen && seen[k].log != c->log)
			k++;
		if (k == nseen)
			seen[nseen++].log = c->log;
		seen[k].embedded |= embedded;
		seen[k].delivered |= !embedded;
	}
	int cap = per_operator_cap(leaf);
	for (size_t k = 0; k < nseen; k++) {
		const tct_log *l = seen[k].log;
		bool current = tct_log_current(l);
		t->counted_logs++;
		t->current_logs += current;
		t->delivered_current |= current && seen[k].delivered;
		t->embedded_current |= current && seen[k].embedded;
		t->rfc6962 |= l->rfc6962;
		t->delivered_logs += seen[k].delivered;
		if (!seen[k].embedded)
			continue;
		int before = 0; /* earlier embedded logs of the same operator */
		for (size_t j = 0; j < k; j++)
			before += seen[j].embedded && seen[j].log->operator_index == l->operator_index;
		t->embedded_logs += before < cap;
	}
	free(seen);
	return 0;
}

/* Verifies and counts the leaf's SCTs; -1 when that failed (finding added). */
static int verify_and_count(tv_ctx *ctx, tpath *p, tally *t)
{
	tct_scts s;
	if (tct_verify_path(ctx, p, false, &s) != 0)
		return -1;
	int rc = count(&s, p->certs[0], t);
	tct_scts_free(&s);
	if (rc != 0)
		tpath_fail_internal(p, 0, "counting the leaf's SCTs");
	return rc;
}

/* The failure for a chain whose SCTs cannot be verified: no log list. */
static void no_log_list(tv_ctx *ctx, tpath *p, const tpolicy_rule *r, int need)
{
	int have = tct_count_unverified(ctx, p);
	tfinding *f = have
		? tpolicy_fail(p, r, 0, "the leaf's %d SCT%s cannot be verified: no CT log list "
			       "was given (--ct-log-list), so Apple's CT policy cannot be checked",
			       have, have == 1 ? "" : "s")
		: tpolicy_fail(p, r, 0, "the leaf carries no SCTs (embedded, TLS or OCSP); "
			       "Apple's CT policy needs %d", need);
	tfinding_param(f, "scts", "%d", have);
	tfinding_param(f, "verified", "%s", "no log list");
	tfinding_param(f, "required", "%d", need);
}

void tcheck_sct_count(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	const trust_cert *c = p->certs[0];
	if (ctx->no_ct) {
		tpolicy_note(p, r, TRUST_SEV_INFO, 0, "Certificate Transparency was not checked "
			     "(--ct off)");
		return;
	}
	if (c->not_after < ctx->at)
		return; /* trustd skips CT for an expired leaf; expiry is reported anyway */
	int need = scts_needed(c), cap = per_operator_cap(c);
	if (!ctx->ct_logs) {
		no_log_list(ctx, p, r, need);
		return;
	}
	tally t;
	if (verify_and_count(ctx, p, &t) != 0)
		return;
	bool a = t.current_logs >= 2 && t.delivered_current;
	bool b = t.embedded_current && t.embedded_logs >= need;
	char capt[48] = "";
	if (cap != INT_MAX)
		snprintf(capt, sizeof capt, ", at most %d per operator", cap);
	tfinding *f;
	if (t.counted_logs >= 2 && (a || b) && t.rfc6962) {
		f = a && !b ? tpolicy_note(p, r, TRUST_SEV_PASS, 0, "Apple's CT policy is met: "
					   "verified SCTs from %d distinct logs, %d of them delivered in "
					   "TLS or OCSP", t.counted_logs, t.delivered_logs)
			    : tpolicy_note(p, r, TRUST_SEV_PASS, 0, "Apple's CT policy is met: "
					   "verified embedded SCTs from %d distinct logs%s (%d needed "
					   "for this lifetime)", t.embedded_logs, capt, need);
	} else {
		const char *why = t.counted_logs >= 2 && (a || b)
			? "; none of them is from an RFC 6962 log (a static-ct-api log alone is "
			  "not enough)"
			: "";
		f = tpolicy_fail(p, r, 0, "Apple's CT policy is not met: %d of the leaf's %d SCTs "
				 "verified from a log that could issue them, from %d distinct logs; "
				 "it needs embedded SCTs from %d distinct logs%s (one currently "
				 "approved), or 2 from current logs with one delivered in TLS or "
				 "OCSP%s", t.valid, t.scts, t.counted_logs, need, capt, why);
	}
	tfinding_param(f, "scts", "%d", t.scts);
	tfinding_param(f, "verified", "%d", t.valid);
	tfinding_param(f, "logs", "%d", t.counted_logs);
	tfinding_param(f, "embedded_logs", "%d", t.embedded_logs);
	tfinding_param(f, "required", "%d", need);
}

int tct_current_logs(tv_ctx *ctx, tpath *p)
{
	if (!ctx->ct_logs)
		return -1;
	tally t;
	return verify_and_count(ctx, p, &t) == 0 ? t.current_logs : -2;
}
