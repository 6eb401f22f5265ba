/* Text report (placeholder until the renderer lands). */
#include "internal.h"

int trust_report_text(FILE *out, const trust_result *r, unsigned int flags)
{
	(void)flags;
	fprintf(out, "%s  %s\n", trust_result_trusted(r) ? "TRUSTED" : "NOT TRUSTED",
		trust_result_reason(r));
	return TRUST_OK;
}
