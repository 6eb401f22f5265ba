/* Line and column of a value in a policy file's text (policy_locate.c). */
#ifndef TRUST_POLICY_LOCATE_H
#define TRUST_POLICY_LOCATE_H

#include "internal.h"

/* One step of a key path: an object member (key) or an array element (key NULL). */
typedef struct tpol_step {
	const char *key;
	size_t index;
} tpol_step;

/*
 * 1-based line and column of the value at `path` (or of its key when at_key)
 * in text that jansson accepted; stops at the deepest step it can follow.
 */
TRUST_HIDDEN void tpol_locate(const char *text, size_t len, const tpol_step *path, size_t depth,
			      bool at_key, int *line, int *col);

#endif
