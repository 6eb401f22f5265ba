/* RFC 5280 §6 path validation (placeholder until the validator lands). */
#include "internal.h"

int tvalidate_path(tv_ctx *ctx, tpath *p)
{
	(void)ctx;
	(void)p;
	return 1;
}
