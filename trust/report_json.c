/* JSON report (placeholder until the renderer lands). */
#include "internal.h"

int trust_report_json(char **out, const trust_result *r, unsigned int flags)
{
	(void)r;
	(void)flags;
	*out = NULL;
	return TRUST_EINTERNAL;
}
