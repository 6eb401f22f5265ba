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
	/* Dumped into a malloc'd buffer, not jansson's allocator: trust_free is free. */
	size_t n = json_dumpb(m, NULL, 0, JSON_INDENT(2));
	char *buf = n ? malloc(n + 1) : NULL;
	if (buf && json_dumpb(m, buf, n, JSON_INDENT(2)) == n) {
		buf[n] = '\0';
		*out = buf;
	} else {
		free(buf);
	}
	json_decref(m);
	return *out ? TRUST_OK : TRUST_ENOMEM;
}
