/*
 * RFC 5280 §6 validation of one complete candidate path: the coordinator.
 *
 * The path builder has already checked every edge's name chaining and
 * signature (§6.1.3(a)(1) and (a)(4)); here each remaining rule runs in turn
 * and adds its findings.  Every check runs even after a failure, so the report
 * lists all the problems of a path rather than the first one only.
 */
#include "validate_checks.h"
#include "policy.h"
#include "ct.h"

/*
 * Fail closed: a path is rejected if any check says so, if any error finding
 * was added (whichever check added it), or if a check failed internally
 * (p->broken).  A check that could not run never counts as a pass.
 */
int tvalidate_path(tv_ctx *ctx, tpath *p)
{
	if (p->n == 0)
		return 1;
	size_t before = tv_error_count(p);
	int rejected = 0;

	rejected |= tcheck_validity(ctx, p);
	rejected |= tcheck_algorithms(ctx, p);
	rejected |= tcheck_fields(ctx, p);
	rejected |= tcheck_extensions(ctx, p);
	rejected |= tcheck_ca(ctx, p);
	if (ctx->rules.eku_nid != NID_undef)
		rejected |= tcheck_eku(ctx, p);
	if (ctx->rules.webpki)
		rejected |= tcheck_webpki(ctx, p);
	rejected |= tcheck_revocation(ctx, p);
	rejected |= tcheck_leaf_role(ctx, p);
	rejected |= tcheck_ct(ctx, p);
	int nc = tnc_check_path(ctx, p);
	if (nc < 0)
		return -1;
	rejected |= nc;
	if (ctx->rules.check_names)
		rejected |= tnames_check_leaf(ctx, p);
	/* Overlay rules last: they tighten what the base rules accepted. */
	tpolicy_apply(ctx, p);

	return (rejected || tv_error_count(p) > before || p->broken) ? 1 : 0;
}
