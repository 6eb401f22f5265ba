/*
 * trustcheck's picture formats: the path-building graph as DOT (libtrust
 * writes it), as SVG laid out by Graphviz's own library, and a
 * self-contained HTML page for CI artifacts (verdict, the SVG, the text
 * report and the JSON report; no scripts, fonts or links to fetch).
 *
 * Graphviz is linked into trustcheck only, so libtrust keeps its small set
 * of dependencies.  Everything written into the HTML page is either
 * Graphviz's SVG (which escapes label text itself) or passes through
 * html_text(), so a certificate cannot inject markup.
 */
#include "report_graph.h"

#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

/* Runs a renderer that writes to a FILE into a new heap buffer (free()). */
static int capture(char **out, size_t *len,
		   int (*fn)(FILE *, const trust_result *, const trust_chain *, unsigned int),
		   const trust_result *r, const trust_chain *chain, unsigned int flags)
{
	*out = NULL;
	*len = 0;
	FILE *m = open_memstream(out, len);
	if (!m)
		return TRUST_ENOMEM;
	int rc = fn(m, r, chain, flags);
	if (fclose(m) != 0 && rc == TRUST_OK)
		rc = TRUST_ENOMEM;
	if (rc != TRUST_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

static int text_report(FILE *out, const trust_result *r, const trust_chain *chain,
		       unsigned int flags)
{
	(void)chain;
	return trust_report_text(out, r, flags);
}

/* Lays the DOT graph out with Graphviz and renders SVG into *svg (free()). */
static int render_svg(char **svg, size_t *svg_len, const char *dot)
{
	*svg = NULL;
	*svg_len = 0;
	GVC_t *gvc = gvContext();
	if (!gvc)
		return TRUST_ENOMEM;
	int rc = TRUST_EINTERNAL;
	Agraph_t *g = agmemread(dot);
	if (g && gvLayout(gvc, g, "dot") == 0) {
		char *data = NULL;
		unsigned int n = 0;
		if (gvRenderData(gvc, g, "svg", &data, &n) == 0 && data) {
			*svg = malloc((size_t)n + 1);
			if (*svg) {
				memcpy(*svg, data, n);
				(*svg)[n] = '\0';
				*svg_len = n;
				rc = TRUST_OK;
			} else {
				rc = TRUST_ENOMEM;
			}
			gvFreeRenderData(data);
		}
		gvFreeLayout(gvc, g);
	}
	if (g)
		agclose(g);
	gvFreeContext(gvc);
	return rc;
}

/* Length of the valid UTF-8 sequence at s (of at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t need = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (need == 0 || need > n)
		return 0;
	unsigned long v = s[0] & (0x7f >> need);
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < min[need] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need;
}

/* Writes n bytes of s as HTML text: markup characters as entities, other
 * characters as numeric references, control and invalid bytes as \xNN. */
static void html_text(FILE *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		unsigned long cp;
		size_t k;
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\n':
		case '\t': fputc(c, out); break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				fputc(c, out);
			} else if (c >= 0x80 && (k = utf8_len(u + i, n - i, &cp)) > 0) {
				fprintf(out, "&#x%lx;", cp);
				i += k - 1;
			} else {
				fprintf(out, "\\x%02x", c);
			}
		}
	}
}

/* The SVG element itself, without the XML declaration and DOCTYPE before it. */
static const char *svg_element(const char *svg)
{
	const char *p = strstr(svg, "<svg");
	return p ? p : svg;
}

static const char html_style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"h1.trusted{color:#1e8449}h1.not-trusted{color:#c0392b}"
	"pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
	".graph svg{max-width:100%;height:auto}"
	"summary{cursor:pointer;font-weight:bold;margin:1em 0}";

static void write_html(FILE *out, const trust_result *r, const char *svg, const char *text,
		       size_t text_len, const char *json)
{
	bool ok = trust_result_trusted(r) != 0;
	const char *host = trust_result_host(r) ? trust_result_host(r) : trust_result_ip(r);
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n<title>trustcheck: ", out);
	fputs(ok ? "TRUSTED" : "NOT TRUSTED", out);
	if (host) {
		fputs(" ", out);
		html_text(out, host, strlen(host));
	}
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_style);
	fprintf(out, "<h1 class=\"%s\">%s", ok ? "trusted" : "not-trusted",
		ok ? "TRUSTED" : "NOT TRUSTED");
	if (host) {
		fputs(" ", out);
		html_text(out, host, strlen(host));
	}
	fputs("</h1>\n", out);
	if (!ok) {
		const char *why = trust_result_reason_message(r);
		fputs("<p class=\"reason\"><code>", out);
		html_text(out, trust_result_reason(r), strlen(trust_result_reason(r)));
		fputs("</code>: ", out);
		html_text(out, why ? why : "", why ? strlen(why) : 0);
		fputs("</p>\n", out);
	}
	fputs("<h2>Paths the builder tried</h2>\n<div class=\"graph\">\n", out);
	fputs(svg_element(svg), out);
	fputs("</div>\n<h2>Report</h2>\n<pre class=\"text-report\">", out);
	html_text(out, text, text_len);
	fputs("</pre>\n<details>\n<summary>JSON report</summary>\n<pre class=\"json-report\">", out);
	html_text(out, json, strlen(json));
	fputs("</pre>\n</details>\n</body>\n</html>\n", out);
}

int tc_report_graph(FILE *out, const trust_result *r, const trust_chain *chain, tc_format fmt,
		    unsigned int flags)
{
	if (fmt == TC_FORMAT_DOT)
		return trust_report_dot(out, r, chain, flags);

	char *dot = NULL, *svg = NULL, *text = NULL, *json = NULL;
	size_t dot_len = 0, svg_len = 0, text_len = 0;
	int rc = capture(&dot, &dot_len, trust_report_dot, r, chain, flags);
	if (rc == TRUST_OK)
		rc = render_svg(&svg, &svg_len, dot);
	if (rc == TRUST_OK && fmt == TC_FORMAT_SVG) {
		fwrite(svg, 1, svg_len, out);
	} else if (rc == TRUST_OK) {
		/* The page is read later, elsewhere: give it every path, no colour codes. */
		rc = capture(&text, &text_len, text_report, r, chain, flags | TRUST_REPORT_EXPLAIN);
		if (rc == TRUST_OK)
			rc = trust_report_json(&json, r, flags | TRUST_REPORT_EXPLAIN);
		if (rc == TRUST_OK)
			write_html(out, r, svg, text, text_len, json);
	}
	free(dot);
	free(svg);
	free(text);
	trust_free(json);
	return rc;
}
