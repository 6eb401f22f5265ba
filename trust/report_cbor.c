/* CBOR report (placeholder until the renderer lands). */
#include "internal.h"

int trust_report_cbor(unsigned char **out, size_t *len, const trust_result *r, unsigned int flags)
{
	(void)r;
	(void)flags;
	*out = NULL;
	*len = 0;
	return TRUST_EINTERNAL;
}
