/* JSON report: the shared model (report_model.c) printed by jansson. */
#include "report_model.h"

#include <stdlib.h>

int trust_report_json(char **out, const trust_result *r, unsigned int flags)
{
	(void)flags; /* the data report always carries every recorded path */
	if (!out)
		return TRUST_EUSAGE;
	*out = NULL;
	if (!r)
		return TRUST_EUSAGE;
	json_t *m = treport_model(r);
	if (!m)
		return TRUST_ENOMEM;
	*out = json_dumps(m, JSON_INDENT(2));
	json_decref(m);
	return *out ? TRUST_OK : TRUST_ENOMEM;
}
