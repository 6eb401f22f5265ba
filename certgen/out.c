/* Output helpers: one-line errors on stderr, quiet/json-aware messages on stdout. */
#include "certgen.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Messages echo names, paths and arguments: control characters in them are
 * written as \xHH so a hostile file name cannot drive the terminal (newlines
 * are kept only where the message itself has them: cg_say).
 */
static void emit(FILE *f, const char *prefix, bool keep_newlines, const char *fmt, va_list ap)
{
	char buf[8192];
	vsnprintf(buf, sizeof buf, fmt, ap);
	fputs(prefix, f);
	for (const unsigned char *p = (const unsigned char *)buf; *p; p++) {
		bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
		if ((*p < 0x20 && !(keep_newlines && *p == '\n')) || *p == 0x7F || c1)
			fprintf(f, "\\x%02x", c1 ? *++p : *p);
		else
			fputc(*p, f);
	}
	if (!keep_newlines)
		fputc('\n', f);
}

int cg_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(stderr, "certgen: ", false, fmt, ap);
	va_end(ap);
	return code;
}

void cg_warn(const cg_opts *o, const char *fmt, ...)
{
	if (o && o->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit(stderr, "certgen: warning: ", false, fmt, ap);
	va_end(ap);
}

void cg_say(const cg_opts *o, const char *fmt, ...)
{
	if (o && (o->quiet || o->json))
		return;
	va_list ap;
	va_start(ap, fmt);
	emit(stdout, "", true, fmt, ap);
	va_end(ap);
}

bool cg_want_help(const cg_cmd *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(c->help, stdout);
			return true;
		}
	}
	return false;
}

bool cg_parse_long(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return false;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

void cg_print_json(void *json)
{
	json_t *j = json;
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s) {
		puts(s);
		free(s);
	}
	json_decref(j);
}

char *cg_hex(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char *s = malloc(2 * n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

int cg_optval(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cg_fail(CG_USAGE, "%s needs a value (see --help)", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int cg_bad_option(const char *cmd, const char *arg)
{
	return cg_fail(CG_USAGE, "%s: unknown option '%s'; 'certgen %s --help' lists the options", cmd,
		       arg, cmd);
}

/* Characters a shell leaves alone: a path made only of these needs no quotes. */
static bool shell_plain(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+:=@,%", *p))
			return false;
	return true;
}

const char *cg_shq(char *buf, size_t n, const char *s)
{
	if (shell_plain(s)) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	size_t j = 0;
	if (j + 1 < n)
		buf[j++] = '\'';
	for (const char *p = s; *p && j + 5 < n; p++) {
		if (*p == '\'') {
			memcpy(buf + j, "'\\''", 4);
			j += 4;
		} else {
			buf[j++] = *p;
		}
	}
	if (j + 1 < n)
		buf[j++] = '\'';
	buf[j < n ? j : n - 1] = '\0';
	return buf;
}

const char *cg_cmd_prefix(const cg_opts *o)
{
	static char buf[4200];
	char q[4096];
	if (strcmp(o->dir, CG_DEFAULT_DIR) == 0)
		return "certgen";
	snprintf(buf, sizeof buf, "certgen --dir %s", cg_shq(q, sizeof q, o->dir));
	return buf;
}

int cg_out_only(const char *cmd, int argc, char **argv, const char **out)
{
	for (int i = 1; i < argc; i++) {
		int m = cg_optval(argc, argv, &i, "--out", out);
		if (m < 0)
			return CG_USAGE;
		if (m == 0)
			return cg_bad_option(cmd, argv[i]);
	}
	return CG_OK;
}
