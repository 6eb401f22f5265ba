/* JSON report: the shared model (report_model.c) printed by jansson. */
#include "report_model.h"

#include <stdlib.h>
#include <string.h>

/*
 * jansson's dump ignores a failed write of an object key and goes on, so a
 * json_dumps that ran out of memory half-way can return a report with a key
 * missing.  Writing through our own buffer with a sticky failure flag makes
 * any failed write fail the whole report.
 */
typedef struct jbuf {
	char *s;
	size_t len, cap;
	bool failed;
} jbuf;

static int jbuf_write(const char *data, size_t n, void *arg)
{
	jbuf *b = arg;
	if (b->failed)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->failed = true;
			return -1;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

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
	jbuf b = { 0 };
	int rc = json_dump_callback(m, jbuf_write, &b, JSON_INDENT(2));
	json_decref(m);
	if (rc != 0 || b.failed || !b.s) {
		free(b.s);
		return TRUST_ENOMEM;
	}
	*out = b.s;
	return TRUST_OK;
}
