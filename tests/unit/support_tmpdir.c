#include "support_tmpdir.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

void st_rmtree(const char *dir)
{
	char cmd[4200];
	/* The directory names come from mkdtemp templates: no quote to escape. */
	ck_assert_int_lt(snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir), (int)sizeof cmd);
	ck_assert_int_eq(system(cmd), 0);
}
