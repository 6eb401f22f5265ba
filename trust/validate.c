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

int tvalidate_path(tv_ctx *ctx, tpath *p)
{
	if (p->n == 0)
		return 1;
	size_t before = tv_error_count(p);

	tcheck_validity(ctx, p);
	tcheck_algorithms(ctx, p);
	tcheck_fields(ctx, p);
	tcheck_extensions(ctx, p);
	tcheck_ca(ctx, p);
	if (ctx->rules.eku_nid != NID_undef)
		tcheck_eku(ctx, p);
	if (ctx->rules.webpki)
		tcheck_webpki(ctx, p);
	tcheck_revocation(ctx, p);
	tcheck_leaf_role(ctx, p);

	/* Name constraints and host names live in their own files; their return
	 * values count too, in case a rejection carries no error finding. */
	int nc = tnc_check_path(ctx, p);
	if (nc < 0)
		return -1;
	int names = ctx->rules.check_names ? tnames_check_leaf(ctx, p) : 0;
	/* Overlay rules last: they tighten what the base rules accepted. */
	tpolicy_apply(ctx, p);

	return (tv_error_count(p) > before || nc > 0 || names > 0) ? 1 : 0;
}
