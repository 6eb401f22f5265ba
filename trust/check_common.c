/*
 * Helpers shared by the rule checks (check_*.c), kept here so validate.c
 * only coordinates and no check file calls into another.  (Times are
 * formatted by time_fmt.c, signatures checked by sigcheck.c.)
 */
#include "validate_checks.h"

#include <string.h>
#include <time.h>

size_t tv_error_count(const tpath *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nf; i++)
		if (p->f[i].pub.severity == TRUST_SEV_ERROR)
			n++;
	return n;
}
