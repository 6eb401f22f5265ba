/*
 * The search as a Graphviz DOT graph: one node per certificate the builder
 * touched, one edge per issuer candidate it tried (child -> issuer), each edge
 * classed and coloured by what happened on it, the reported chain drawn bold.
 *
 * Deliberate choices:
 *  - Node ids are "c" + the first 12 hex digits of the certificate's SHA-256,
 *    so two runs over the same inputs diff cleanly whatever order they load.
 *  - Nodes and edges are emitted in the order the builder first met them; the
 *    graph is a function of the result alone.
 *  - Every edge carries its outcome as its `class` (accepted, failed or
 *    tried, plus chosen) and every node its place (presented, pool, anchor).
 *    Graphviz copies `class` into SVG, so the HTML report can style it, and
 *    tests read the outcome without parsing colours.
 *  - Strings from certificates are escaped for DOT (quote, backslash) and
 *    their control and non-ASCII bytes written as \xNN text, so a hostile
 *    subject can neither end a DOT string nor start an HTML-like label.
 *  - The builder does not record candidates it never reached; when a budget
 *    stopped the search, one dashed "search stopped" node says so, because
 *    the graph is then known to be incomplete.
 */
#include "report_model.h"

#include <stdlib.h>
#include <string.h>

#define DOT_LABEL_MAX 160

typedef enum edge_outcome {
	EO_TRIED = 0,   /* on a rejected path, but not where it failed */
	EO_FAILED,      /* the edge on which a path was abandoned or rejected */
	EO_ACCEPTED,    /* on an accepted path */
} edge_outcome;

typedef struct dot_node {
	const trust_cert *c;
	trust_origin origin;
	const char *fail_reason; /* set when a path was rejected at this certificate itself */
} dot_node;

typedef struct dot_edge {
	size_t from, to;
	edge_outcome outcome;
	const char *reason; /* for EO_FAILED */
	bool chosen;
} dot_edge;

typedef struct dot_graph {
	dot_node *nodes;
	size_t nn, capn;
	dot_edge *edges;
	size_t ne, cape;
} dot_graph;

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

/* Index of c's node, adding it if new; (size_t)-1 on OOM. */
static size_t node_of(dot_graph *g, const trust_cert *c, trust_origin origin)
{
	for (size_t i = 0; i < g->nn; i++)
		if (memcmp(trust_cert_sha256(g->nodes[i].c), trust_cert_sha256(c), 32) == 0) {
			if (origin != TRUST_ORIGIN_NONE)
				g->nodes[i].origin = origin;
			return i;
		}
	if (!grow((void **)&g->nodes, &g->capn, g->nn, sizeof(*g->nodes)))
		return (size_t)-1;
	g->nodes[g->nn] = (dot_node){ .c = c, .origin = origin, .fail_reason = NULL };
	return g->nn++;
}

/* The edge from -> to, adding it (as EO_TRIED) if new; NULL on OOM. */
static dot_edge *edge_of(dot_graph *g, size_t from, size_t to)
{
	for (size_t i = 0; i < g->ne; i++)
		if (g->edges[i].from == from && g->edges[i].to == to)
			return &g->edges[i];
	if (!grow((void **)&g->edges, &g->cape, g->ne, sizeof(*g->edges)))
		return NULL;
	g->edges[g->ne] = (dot_edge){ .from = from, .to = to, .outcome = EO_TRIED };
	return &g->edges[g->ne++];
}

/* For a path abandoned as a loop, the index of the certificate its last one
 * would have chained back to (its issuer's name), so the cycle is drawn. */
static size_t loop_target(const trust_result *r, size_t p, size_t n, bool complete,
			  const char *reason)
{
	if (complete || n < 2 || !reason || strcmp(reason, TRUST_ID_PATH_LOOP) != 0)
		return (size_t)-1;
	const char *issuer = trust_cert_issuer(trust_result_path_cert(r, p, n - 1));
	for (size_t j = 0; issuer && j + 1 < n; j++) {
		const char *subject = trust_cert_subject(trust_result_path_cert(r, p, j));
		if (subject && strcmp(subject, issuer) == 0)
			return j;
	}
	return (size_t)-1;
}

/* Records path p; returns false on OOM. */
static bool add_path(dot_graph *g, const trust_result *r, size_t p, bool chosen)
{
	size_t n = trust_result_path_length(r, p);
	if (n == 0)
		return true;
	bool accepted = trust_result_path_accepted(r, p) != 0;
	bool complete = trust_result_path_complete(r, p) != 0;
	const char *reason = trust_result_path_reason(r, p);
	int rc = trust_result_path_reason_cert(r, p);
	size_t loop_to = loop_target(r, p, n, complete, reason);
	size_t prev = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t cur = node_of(g, trust_result_path_cert(r, p, i),
				     trust_result_path_origin(r, p, i));
		if (cur == (size_t)-1)
			return false;
		if (i > 0) {
			dot_edge *e = edge_of(g, prev, cur);
			if (!e)
				return false;
			/* An abandoned path failed on its last edge; a complete one on the
			 * edge into the certificate its reason names. */
			bool failing = !accepted && loop_to == (size_t)-1 &&
				       (complete ? (rc > 0 && (size_t)rc == i) : i == n - 1);
			if (accepted)
				e->outcome = EO_ACCEPTED;
			else if (failing && e->outcome != EO_ACCEPTED) {
				e->outcome = EO_FAILED;
				e->reason = reason;
			}
			e->chosen = e->chosen || chosen;
		}
		prev = cur;
	}
	if (loop_to != (size_t)-1) {
		size_t back = node_of(g, trust_result_path_cert(r, p, loop_to), TRUST_ORIGIN_NONE);
		dot_edge *e = back == (size_t)-1 ? NULL : edge_of(g, prev, back);
		if (!e)
			return false;
		if (e->outcome != EO_ACCEPTED) {
			e->outcome = EO_FAILED;
			e->reason = reason;
		}
	}
	/* A complete path rejected for a leaf rule (or for the whole path) has no
	 * failing edge: the reason goes on the leaf. */
	if (!accepted && complete && rc <= 0) {
		size_t leaf = node_of(g, trust_result_path_cert(r, p, 0), TRUST_ORIGIN_NONE);
		if (leaf != (size_t)-1 && !g->nodes[leaf].fail_reason)
			g->nodes[leaf].fail_reason = reason;
	}
	return true;
}

/* Writes s as the inside of a DOT string: quote and backslash escaped, other
 * bytes outside printable ASCII as the text \xNN (escaped again for DOT). */
static void dot_text(FILE *out, const char *s, size_t max)
{
	size_t w = 0;
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (w >= max) {
			fputs("...", out);
			return;
		}
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\\\x%02x", c);
		w++;
	}
}

/* The most specific CN of an RFC 2253 one-liner, else the whole name. */
static void short_name(char *buf, size_t n, const char *dn)
{
	snprintf(buf, n, "%s", dn ? dn : "");
	if (strncmp(buf, "CN=", 3) != 0)
		return;
	memmove(buf, buf + 3, strlen(buf + 3) + 1);
	for (char *p = buf; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == ',' || *p == '+') {
			*p = '\0';
			return;
		}
	}
}

/* Short words for the outcomes people look for in the picture. */
static const char *reason_label(const char *id)
{
	static const struct {
		const char *prefix, *label;
	} map[] = {
		{ TRUST_ID_RFC5280_SIGNATURE, "signature invalid" },
		{ TRUST_ID_RFC5280_VALIDITY_EXPIRED, "expired" },
		{ TRUST_ID_RFC5280_VALIDITY_NOT_YET_VALID, "not yet valid" },
		{ TRUST_ID_PATH_LOOP, "loop" },
		{ TRUST_ID_PATH_NO_ISSUER, "no issuer" },
		{ "budget.", "budget stopped" },
		{ "names.", "name mismatch" },
		{ TRUST_ID_RFC5280_NC, "name constraints" },
		{ "revocation.", "revoked" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (id && strncmp(id, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].label;
	return id ? id : "rejected";
}

static const char *outcome_class(edge_outcome o)
{
	return o == EO_ACCEPTED ? "accepted" : o == EO_FAILED ? "failed" : "tried";
}

static void node_id(char *buf, const trust_cert *c)
{
	treport_hex(buf, trust_cert_sha256(c), 6);
}

static bool presented(const trust_chain *chain, const trust_cert *c)
{
	for (size_t i = 0; chain && i < trust_chain_count(chain); i++)
		if (memcmp(trust_cert_sha256(trust_chain_cert(chain, i)), trust_cert_sha256(c), 32) == 0)
			return true;
	return false;
}

static void write_node(FILE *out, const dot_node *nd, const trust_chain *chain)
{
	char id[16], name[DOT_LABEL_MAX], nb[32], na[32];
	treport_certinfo ci = { 0 };
	node_id(id, nd->c);
	short_name(name, sizeof(name), trust_cert_subject(nd->c));
	ttime_rfc3339(nb, sizeof(nb), trust_cert_not_before(nd->c));
	ttime_rfc3339(na, sizeof(na), trust_cert_not_after(nd->c));
	nb[10] = na[10] = '\0'; /* dates only */
	bool have_ci = treport_certinfo_get(&ci, nd->c) == TRUST_OK;
	const char *where = nd->origin != TRUST_ORIGIN_NONE ? "anchor"
			    : presented(chain, nd->c)     ? "presented"
							  : "pool";

	fprintf(out, "  \"c%s\" [label=\"", id);
	dot_text(out, name, DOT_LABEL_MAX);
	fputs("\\n", out);
	if (have_ci && ci.curve[0])
		fprintf(out, "%s %s", ci.key_type, ci.curve);
	else if (have_ci && ci.key_bits)
		fprintf(out, "%s %d", ci.key_type, ci.key_bits);
	else
		fputs(have_ci ? ci.key_type : "key unknown", out);
	fprintf(out, "\\n%s .. %s\\n", nb, na);
	if (nd->origin != TRUST_ORIGIN_NONE)
		fprintf(out, "anchor (%s)", treport_origin_name(nd->origin));
	else
		fputs(where, out);
	if (nd->fail_reason) {
		fputs("\\nrejected: ", out);
		dot_text(out, nd->fail_reason, DOT_LABEL_MAX);
	}
	fprintf(out, "\", class=\"%s\"", where);
	if (nd->origin == TRUST_ORIGIN_SYSTEM)
		fputs(", shape=box, style=\"rounded,filled\", fillcolor=\"#dbe9ff\"", out);
	else if (nd->origin == TRUST_ORIGIN_USER)
		fputs(", shape=box, style=\"rounded,filled\", fillcolor=\"#fff2c6\"", out);
	else if (strcmp(where, "pool") == 0)
		fputs(", shape=box, style=dashed", out);
	else
		fputs(", shape=box", out);
	if (nd->fail_reason)
		fputs(", color=\"#c0392b\"", out);
	fputs("];\n", out);
	treport_certinfo_cleanup(&ci);
}

static void write_edge(FILE *out, const dot_graph *g, const dot_edge *e)
{
	char from[16], to[16];
	node_id(from, g->nodes[e->from].c);
	node_id(to, g->nodes[e->to].c);
	static const char *color[] = { [EO_TRIED] = "#7f8c8d", [EO_FAILED] = "#c0392b",
				       [EO_ACCEPTED] = "#1e8449" };
	fprintf(out, "  \"c%s\" -> \"c%s\" [class=\"%s%s\", color=\"%s\"", from, to,
		outcome_class(e->outcome), e->chosen ? " chosen" : "", color[e->outcome]);
	if (e->outcome == EO_FAILED) {
		fputs(", fontcolor=\"#c0392b\", label=\"", out);
		dot_text(out, reason_label(e->reason), DOT_LABEL_MAX);
		fputs("\"", out);
	} else if (e->outcome == EO_TRIED) {
		fputs(", style=dashed", out);
	}
	if (e->chosen)
		fputs(", penwidth=3", out);
	fputs("];\n", out);
}

int trust_report_dot(FILE *out, const trust_result *r, const trust_chain *presented_chain,
		     unsigned int flags)
{
	(void)flags;
	if (!out || !r)
		return TRUST_EUSAGE;
	dot_graph g = { 0 };
	int rc = TRUST_OK;
	int chosen = trust_result_chosen_path(r);
	/* The chosen path first, so its certificates lead the node list. */
	if (chosen >= 0 && !add_path(&g, r, (size_t)chosen, true))
		rc = TRUST_ENOMEM;
	for (size_t p = 0; rc == TRUST_OK && p < trust_result_path_count(r); p++)
		if ((int)p != chosen && !add_path(&g, r, p, false))
			rc = TRUST_ENOMEM;
	if (rc != TRUST_OK)
		goto done;

	fputs("digraph trust {\n", out);
	fputs("  graph [rankdir=BT, fontname=\"Helvetica\", label=\"", out);
	dot_text(out, trust_result_trusted(r) ? "TRUSTED" : "NOT TRUSTED", 16);
	if (!trust_result_trusted(r)) {
		fputs(": ", out);
		dot_text(out, trust_result_reason(r), DOT_LABEL_MAX);
	}
	fputs("\", labelloc=t];\n", out);
	fputs("  node [fontname=\"Helvetica\", fontsize=10];\n", out);
	fputs("  edge [fontname=\"Helvetica\", fontsize=9];\n", out);
	for (size_t i = 0; i < g.nn; i++)
		write_node(out, &g.nodes[i], presented_chain);
	for (size_t i = 0; i < g.ne; i++)
		write_edge(out, &g, &g.edges[i]);

	const char *hit = trust_result_budget_hit(r);
	if (hit) {
		fputs("  \"stopped\" [label=\"search stopped: ", out);
		dot_text(out, hit, DOT_LABEL_MAX);
		fputs("\", shape=note, style=dashed, class=\"search-stopped\"];\n", out);
	}
	fputs("}\n", out);
	if (ferror(out))
		rc = TRUST_EIO;
done:
	free(g.nodes);
	free(g.edges);
	return rc;
}
