/*
 * certgen list --format dot: the state's hierarchy as a Graphviz graph, drawn
 * like trustcheck's --format dot (child -> issuer).  Roots are filled boxes,
 * cross-signs are tied to the CA whose key they certify by a dotted "same
 * key" line, issuers outside the directory (cross --issuer OTHER/) are
 * dashed, revoked certificates are red with their reason, and superseded
 * ones (with --all) dashed and grey.  Node ids are the serial numbers, so two
 * listings of the same state diff cleanly.
 */
#include "certgen.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* s inside a DOT string: quote and backslash escaped, control bytes as \xNN text. */
static void dot_text(const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\\\x%02x", c);
		else
			putchar(c);
	}
}

/* Index of the entry an issuer name means: the current holder of the name, else its last holder. */
static long issuer_index(const cg_state *st, const char *name, bool all)
{
	long last = -1;
	for (size_t i = 0; i < st->n; i++) {
		if (strcmp(st->e[i].name, name) != 0 || (!all && st->e[i].superseded))
			continue;
		if (!st->e[i].superseded)
			return (long)i;
		last = (long)i;
	}
	return last;
}

static void node(const cg_entry *e, int64_t now)
{
	char t[32];
	ttime_rfc3339(t, sizeof t, e->not_after);
	t[10] = '\0';
	printf("  \"s%s\" [label=\"", e->serial);
	dot_text(e->name);
	printf("\\n%s\\nexpires %s", e->kind, t);
	if (e->revoked) {
		printf("\\nREVOKED (");
		dot_text(e->reason);
		printf(")");
	} else if (e->superseded) {
		printf("\\nsuperseded");
	} else if (e->not_after < now) {
		printf("\\nexpired");
	}
	printf("\", class=\"%s\"", e->kind);
	if (strcmp(e->kind, "root") == 0)
		printf(", shape=box, style=\"rounded,filled\", fillcolor=\"#fff2c6\"");
	else if (strcmp(e->kind, "intermediate") == 0 || strcmp(e->kind, "cross") == 0)
		printf(", shape=box%s", e->superseded ? ", style=dashed" : "");
	else
		printf(", shape=ellipse%s", e->superseded ? ", style=dashed" : "");
	if (e->revoked)
		printf(", color=\"#c0392b\", fontcolor=\"#c0392b\"");
	else if (e->superseded || e->not_after < now)
		printf(", color=\"#7f8c8d\", fontcolor=\"#7f8c8d\"");
	printf("];\n");
}

void cg_list_dot(const cg_state *st, bool all)
{
	int64_t now = ttime_now();
	printf("digraph certgen {\n  graph [rankdir=BT, fontname=\"Helvetica\"];\n"
	       "  node [fontname=\"Helvetica\", fontsize=10];\n"
	       "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	for (size_t i = 0; i < st->n; i++)
		if (all || !st->e[i].superseded)
			node(&st->e[i], now);
	for (size_t i = 0; i < st->n; i++) {
		const cg_entry *e = &st->e[i];
		if ((!all && e->superseded) || !e->issuer[0])
			continue;
		long j = issuer_index(st, e->issuer, all);
		if (j >= 0) {
			printf("  \"s%s\" -> \"s%s\";\n", e->serial, st->e[j].serial);
		} else {
			/* An issuer outside this directory (cross --issuer OTHER/). */
			printf("  \"x");
			dot_text(e->issuer);
			printf("\" [label=\"");
			dot_text(e->issuer);
			printf("\\n(another directory)\", shape=box, style=dashed, class=\"external\"];\n");
			printf("  \"s%s\" -> \"x", e->serial);
			dot_text(e->issuer);
			printf("\";\n");
		}
		/* A cross-sign NAME-by-OTHER certifies the key of CA NAME. */
		const char *by = strcmp(e->kind, "cross") == 0 ? strstr(e->name, "-by-") : NULL;
		if (by) {
			char base[256];
			snprintf(base, sizeof base, "%.*s", (int)(by - e->name), e->name);
			long k = issuer_index(st, base, all);
			if (k >= 0)
				printf("  \"s%s\" -> \"s%s\" [style=dotted, dir=none, label=\"same key\", "
				       "class=\"same-key\"];\n", e->serial, st->e[k].serial);
		}
	}
	printf("}\n");
}
