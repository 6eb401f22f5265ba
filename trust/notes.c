/* Loading notes: what was skipped and why, for the caller to show. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

void tnotes_add(tnotes *t, const char *fmt, ...)
{
	if (!t)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return;
	t->v = v;
	if ((v[t->n] = strdup(buf)) != NULL)
		t->n++;
}

void tnotes_clear(tnotes *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
