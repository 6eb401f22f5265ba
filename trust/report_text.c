/*
 * Text report for people: the verdict line first, then the chain that was
 * reported, the checks of that path grouped by the policy that imposed them,
 * and (with TRUST_REPORT_EXPLAIN) the other paths and why each was dropped.
 * Lines stay within about 100 columns; long messages wrap with a hanging
 * indent.  Every string that could come from a certificate is printed with
 * control bytes escaped, so a hostile name cannot drive the terminal.
 */
#include "report_model.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 100
#define NAME_MAX_COLS 36
#define SAN_SHOWN 16

typedef struct tx {
	FILE *out;
	bool color;
	int col; /* current output column, for wrapping */
} tx;

static const char *paint(const tx *t, const char *code)
{
	return t->color ? code : "";
}
#define BOLD "\033[1m"
#define RED "\033[1;31m"
#define GREEN "\033[1;32m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* Printable copy into buf: control and non-ASCII bytes as \xNN, "..." when cut. */
static const char *clean(char *buf, size_t n, const char *s)
{
	return tescape_bytes(buf, n, s, s ? strlen(s) : 0, TESC_ASCII);
}

/* "CN=x" from an RFC 2253 one-liner whose first (most specific) RDN is CN, else all of it. */
static const char *short_name(char *buf, size_t n, const char *dn)
{
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s", dn ? dn : "");
	if (strncmp(tmp, "CN=", 3) == 0)
		for (char *p = tmp + 3; *p; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				continue;
			}
			if (*p == ',' || *p == '+') {
				*p = '\0';
				break;
			}
		}
	return clean(buf, n, tmp);
}

static void emit(tx *t, const char *s)
{
	fputs(s, t->out);
	for (; *s; s++)
		t->col = *s == '\n' ? 0 : t->col + 1;
}

static void newline(tx *t)
{
	emit(t, "\n");
}

/* Where to cut a word too long for the room left: after the last ',', '/'
 * or '&' that fits (DNs and URLs break there), else at the room itself. */
static size_t cut_at(const char *w, size_t len, size_t room)
{
	if (len <= room)
		return len;
	for (size_t i = room; i > room / 2; i--)
		if (w[i - 1] == ',' || w[i - 1] == '/' || w[i - 1] == '&')
			return i;
	return room;
}

/*
 * Words of `text` from the current column, wrapping to `indent` at WIDTH.  A
 * leading space separates the first word from what is already on the line;
 * a word longer than a whole line (a DN, a URL) is broken inside.
 */
static void wrap(tx *t, const char *text, int indent)
{
	char buf[1024];
	clean(buf, sizeof(buf), text);
	char *save = NULL;
	bool sep = text[0] == ' ';
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		int len = (int)strlen(w);
		if (sep && t->col + 1 + len > WIDTH && t->col > indent) {
			newline(t);
			fprintf(t->out, "%*s", indent, "");
			t->col = indent;
		} else if (sep) {
			emit(t, " ");
		}
		while (t->col + len > WIDTH && WIDTH - t->col > 8) {
			size_t n = cut_at(w, (size_t)len, (size_t)(WIDTH - t->col));
			char c = w[n];
			w[n] = '\0';
			emit(t, w);
			w[n] = c;
			w += n;
			len -= (int)n;
			newline(t);
			fprintf(t->out, "%*s", indent, "");
			t->col = indent;
		}
		emit(t, w);
		sep = true;
	}
}

/*
 * What goes where the name checked is shown.  Never the subject CN: a report
 * must not suggest a name was checked when none was.
 */
static const char *checked_name(char *buf, size_t n, const trust_result *r)
{
	if (trust_result_host(r))
		return clean(buf, n, trust_result_host(r));
	if (trust_result_ip(r))
		return clean(buf, n, trust_result_ip(r));
	if (strcmp(trust_result_policy(r), "tls-server") == 0)
		return "(no host name checked: give --host)";
	return NULL;
}

static void anchors_line(tx *t, const trust_result *r)
{
	size_t n = trust_result_anchor_source_count(r);
	if (n == 0)
		return;
	emit(t, "  anchors:");
	for (size_t i = 0; i < n; i++) {
		const trust_anchor_source *a = trust_result_anchor_source(r, i);
		char item[1024];
		snprintf(item, sizeof(item), " %s (%s, %zu root%s)%s",
			 treport_origin_name(a->origin), a->path, a->count, a->count == 1 ? "" : "s",
			 i + 1 < n ? ";" : "");
		wrap(t, item, 4);
	}
	newline(t);
}

/* What the handshake showed, when the chain came from trustcheck --connect. */
static void connection_line(tx *t, const trust_result *r)
{
	const trust_connection *c = trust_result_connection(r);
	if (!c)
		return;
	const char *v = trust_tls_version_name(c->tls_version);
	char item[1024], cipher[128], group[64], alpn[64];
	snprintf(item, sizeof(item), " %s %s, %s%s%s; ALPN %s; sent %d intermediate%s%s; OCSP %s; "
		 "%s", v ? v : "unknown version", clean(cipher, sizeof(cipher), c->cipher ? c->cipher : "?"),
		 c->group ? clean(group, sizeof(group), c->group) : "no ephemeral group",
		 c->forward_secret > 0 ? " (forward-secret)" : "",
		 c->forward_secret == 0 ? " (no forward secrecy)" : "",
		 c->alpn ? clean(alpn, sizeof(alpn), c->alpn) : "none", c->sent_intermediates,
		 c->sent_intermediates == 1 ? "" : "s",
		 c->sent_in_order == 0 ? " out of order" : c->sent_in_order > 0 ? " in order" : "",
		 c->ocsp ? "stapled" : "not stapled",
		 c->scts ? "SCTs in the TLS extension" : "no SCTs in the TLS extension");
	emit(t, "  connection:");
	wrap(t, item, 4);
	newline(t);
}

/* "certificate 1 (CN=Fixture Intermediate)" for the certificate the headline concerns. */
static void reason_cert_text(char *buf, size_t n, const trust_result *r)
{
	int chosen = trust_result_chosen_path(r), i = trust_result_reason_cert(r);
	const trust_cert *c = chosen >= 0 && i >= 0
				      ? trust_result_path_cert(r, (size_t)chosen, (size_t)i)
				      : NULL;
	buf[0] = '\0';
	if (c) {
		char nm[256];
		snprintf(buf, n, " (certificate %d, %s)", i,
			 short_name(nm, sizeof(nm), trust_cert_subject(c)));
	}
}

/* Warnings about the leaf itself (a CA certificate given first) are too easy
 * to miss among the checks of a TRUSTED report: they follow the verdict. */
static void leaf_warnings(tx *t, const trust_result *r)
{
	int chosen = trust_result_chosen_path(r);
	for (size_t i = 0; chosen >= 0 && i < trust_result_finding_count(r, (size_t)chosen); i++) {
		const trust_finding *f = trust_result_finding(r, (size_t)chosen, i);
		if (f->severity != TRUST_SEV_WARNING || f->cert != 0)
			continue;
		char line[1024];
		snprintf(line, sizeof(line), "%s: %s", f->id, f->message);
		fprintf(t->out, "  %swarning%s ", paint(t, YELLOW), paint(t, RESET));
		t->col = 10;
		wrap(t, line, 4);
		newline(t);
	}
}

static void verdict(tx *t, const trust_result *r, bool quiet)
{
	char name[256];
	bool ok = trust_result_trusted(r);
	const char *shown = checked_name(name, sizeof(name), r);
	fprintf(t->out, "%s%s%s  %s%s(policy: %s)\n", paint(t, ok ? GREEN : RED),
		ok ? "TRUSTED" : "NOT TRUSTED", paint(t, RESET), shown ? shown : "",
		shown ? "  " : "", trust_result_policy(r));
	t->col = 0;
	if (quiet)
		return;
	if (!ok) {
		emit(t, "  because ");
		char line[1024], where[320];
		reason_cert_text(where, sizeof(where), r);
		snprintf(line, sizeof(line), "%s%s: %s", trust_result_reason(r), where,
			 trust_result_reason_message(r));
		wrap(t, line, 4);
		newline(t);
	}
	leaf_warnings(t, r);
	anchors_line(t, r);
	connection_line(t, r);
}

static const char *role_short(const char *role)
{
	return strcmp(role, "intermediate") == 0 ? "inter" : role;
}

static void cert_label(char *buf, size_t n, const trust_result *r, size_t p, size_t i)
{
	char nm[NAME_MAX_COLS + 8];
	short_name(nm, sizeof(nm), trust_cert_subject(trust_result_path_cert(r, p, i)));
	const char *o = treport_origin_name(trust_result_path_origin(r, p, i));
	if (o)
		snprintf(buf, n, "%s (%s)", nm, o);
	else
		snprintf(buf, n, "%s", nm);
}

static void key_text(char *buf, size_t n, const treport_certinfo *ci)
{
	if (ci->curve[0])
		snprintf(buf, n, "%s %s", ci->key_type, ci->curve);
	else if (ci->key_bits > 0 && strcmp(ci->key_type, "Ed25519") && strcmp(ci->key_type, "Ed448"))
		snprintf(buf, n, "%s %d", ci->key_type, ci->key_bits);
	else
		snprintf(buf, n, "%s", ci->key_type);
}

/* "EC P-256   ecdsa-with-SHA256  2026-11-29 .. 2027-02-27" */
static void cert_facts(char *buf, size_t n, const trust_cert *c, const treport_certinfo *ci)
{
	char key[96], nb[32], na[32];
	key_text(key, sizeof(key), ci);
	ttime_rfc3339(nb, sizeof(nb), trust_cert_not_before(c));
	ttime_rfc3339(na, sizeof(na), trust_cert_not_after(c));
	nb[10] = na[10] = '\0';
	snprintf(buf, n, "%-9s  %-17s  %s .. %s", key, ci->sig_alg, nb, na);
}

static void sans_line(tx *t, const treport_certinfo *ci)
{
	if (ci->nsans == 0)
		return;
	fprintf(t->out, "%13s", "");
	t->col = 13;
	emit(t, "SAN");
	for (size_t k = 0; k < ci->nsans && k < SAN_SHOWN; k++) {
		char item[300], up[16];
		size_t j = 0;
		for (; ci->sans[k].type[j] && j + 1 < sizeof(up); j++)
			up[j] = (char)(ci->sans[k].type[j] - ('a' <= ci->sans[k].type[j] &&
								 ci->sans[k].type[j] <= 'z' ? 32 : 0));
		up[j] = '\0';
		snprintf(item, sizeof(item), " %s:%s", up, ci->sans[k].value);
		wrap(t, item, 17);
	}
	if (ci->nsans > SAN_SHOWN) {
		char more[48];
		snprintf(more, sizeof(more), " (+%zu more)", ci->nsans - SAN_SHOWN);
		wrap(t, more, 17);
	}
	newline(t);
}

static void chain_section(tx *t, const trust_result *r, size_t p)
{
	size_t n = trust_result_path_length(r, p);
	fprintf(t->out, "\n%schain%s (path %zu of %zu tried)\n", paint(t, BOLD), paint(t, RESET),
		p + 1, trust_result_path_count(r));
	if (n == 0)
		fprintf(t->out, "  (no certificates: the search stopped before it began)\n");
	int namew = 4, factw = 0;
	for (size_t i = 0; i < n; i++) {
		char label[NAME_MAX_COLS + 32], facts[256];
		cert_label(label, sizeof(label), r, p, i);
		if ((int)strlen(label) > namew)
			namew = (int)strlen(label);
		treport_certinfo ci = { 0 };
		if (treport_certinfo_get(&ci, trust_result_path_cert(r, p, i)) == TRUST_OK) {
			cert_facts(facts, sizeof(facts), trust_result_path_cert(r, p, i), &ci);
			if ((int)strlen(facts) > factw)
				factw = (int)strlen(facts);
		}
		treport_certinfo_cleanup(&ci);
	}
	/* Too wide for one line (a long name, an RSA signature name): the facts
	 * of every row go on a line of their own, under the name. */
	bool split = 13 + namew + 2 + factw > WIDTH;
	for (size_t i = 0; i < n; i++) {
		const trust_cert *c = trust_result_path_cert(r, p, i);
		treport_certinfo ci = { 0 };
		char label[NAME_MAX_COLS + 32];
		cert_label(label, sizeof(label), r, p, i);
		if (treport_certinfo_get(&ci, c) != TRUST_OK) {
			fprintf(t->out, "  %-2zu %-7s %s  (details unavailable)\n", i,
				role_short(treport_role(r, p, i)), label);
			treport_certinfo_cleanup(&ci);
			continue;
		}
		char facts[256];
		cert_facts(facts, sizeof(facts), c, &ci);
		fprintf(t->out, "  %-2zu %-7s %-*s%s%s\n", i, role_short(treport_role(r, p, i)),
			split ? 0 : namew, label, split ? "\n             " : "  ", facts);
		t->col = 0;
		sans_line(t, &ci);
		if (i + 1 == n && !trust_result_path_complete(r, p)) {
			char iss[768];
			snprintf(iss, sizeof(iss), "issuer %s (the path stops here)",
				 trust_cert_issuer(c));
			fprintf(t->out, "%13s", "");
			t->col = 13;
			wrap(t, iss, 17);
			newline(t);
		}
		treport_certinfo_cleanup(&ci);
	}
}

static void finding_line(tx *t, const trust_finding *f, int idw)
{
	static const char *const label[] = { "ok", "info", "warn", "FAIL" };
	static const char *const colour[] = { GREEN, "", YELLOW, RED };
	int s = f->severity >= TRUST_SEV_PASS && f->severity <= TRUST_SEV_ERROR ? (int)f->severity
										 : 3;
	char id[128];
	clean(id, sizeof(id), f->id);
	fprintf(t->out, "  %s%-4s%s  %-*s  ", paint(t, colour[s]), label[s], paint(t, RESET), idw,
		id);
	t->col = 2 + 4 + 2 + (idw > (int)strlen(id) ? idw : (int)strlen(id)) + 2;
	int indent = t->col < 48 ? t->col : 8;
	wrap(t, f->message, indent);
	if (f->policy && strcmp(f->policy, "rfc5280") != 0) {
		char tag[80];
		snprintf(tag, sizeof(tag), "  [%s]", f->policy);
		fputs(paint(t, DIM), t->out);
		wrap(t, tag, indent);
		fputs(paint(t, RESET), t->out);
	}
	newline(t);
	/* The remedy sits under a failure or warning, where the reader is looking. */
	if (f->remedy && f->severity >= TRUST_SEV_WARNING) {
		fprintf(t->out, "%*s", indent, "");
		t->col = indent;
		emit(t, "fix: ");
		wrap(t, f->remedy, indent + 5);
		newline(t);
	}
}

static bool seen_policy(const trust_result *r, size_t p, size_t upto, const char *policy)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(trust_result_finding(r, p, i)->policy, policy) == 0)
			return true;
	return false;
}

/* Findings of path p, grouped by policy in order of first appearance. */
static void checks_section(tx *t, const trust_result *r, size_t p)
{
	size_t nf = trust_result_finding_count(r, p);
	if (nf == 0)
		return;
	int idw = 0;
	for (size_t i = 0; i < nf; i++) {
		int len = (int)strlen(trust_result_finding(r, p, i)->id);
		if (len > idw)
			idw = len;
	}
	if (idw > 34)
		idw = 34;
	fprintf(t->out, "\n%schecks%s\n", paint(t, BOLD), paint(t, RESET));
	for (size_t g = 0; g < nf; g++) {
		const char *policy = trust_result_finding(r, p, g)->policy;
		if (seen_policy(r, p, g, policy))
			continue;
		for (size_t i = g; i < nf; i++) {
			const trust_finding *f = trust_result_finding(r, p, i);
			if (strcmp(f->policy, policy) == 0)
				finding_line(t, f, idw);
		}
	}
}

static const char *first_error(const trust_result *r, size_t p)
{
	for (size_t i = 0; i < trust_result_finding_count(r, p); i++) {
		const trust_finding *f = trust_result_finding(r, p, i);
		if (f->severity == TRUST_SEV_ERROR)
			return f->message;
	}
	return NULL;
}

static void explain_section(tx *t, const trust_result *r, int chosen)
{
	size_t np = trust_result_path_count(r);
	if (np > (chosen >= 0 ? 1u : 0u))
		fprintf(t->out, "\n%sother paths%s (--explain)\n", paint(t, BOLD), paint(t, RESET));
	for (size_t p = 0; p < np; p++) {
		if ((int)p == chosen)
			continue;
		size_t n = trust_result_path_length(r, p);
		char top[NAME_MAX_COLS + 32] = "(empty)";
		if (n)
			cert_label(top, sizeof(top), r, p, n - 1);
		char head[NAME_MAX_COLS + 256], at[32] = "";
		if (trust_result_path_reason_cert(r, p) >= 0)
			snprintf(at, sizeof(at), " at %d", trust_result_path_reason_cert(r, p));
		snprintf(head, sizeof(head), "path %zu: %s %s: %s%s", p + 1,
			 trust_result_path_complete(r, p) ? "via" : "stopped at", top,
			 trust_result_path_reason(r, p), at);
		t->col = 0;
		emit(t, "  ");
		wrap(t, head, 6);
		newline(t);
		const char *msg = first_error(r, p);
		if (msg) {
			fprintf(t->out, "%6s", "");
			t->col = 6;
			wrap(t, msg, 6);
			newline(t);
		}
	}
	const char *hit = trust_result_budget_hit(r);
	char line[512];
	snprintf(line, sizeof(line),
		 "search: %" PRId64 " signatures checked, %" PRId64 " from cache, %" PRId64
		 " issuer appends, %" PRId64 " paths validated, %" PRId64
		 " name-constraint checks%s%s",
		 trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED),
		 trust_result_stat(r, TRUST_STAT_SIGNATURE_CACHE_HITS),
		 trust_result_stat(r, TRUST_STAT_APPENDS), trust_result_stat(r, TRUST_STAT_PATHS_TRIED),
		 trust_result_stat(r, TRUST_STAT_NC_CHECKS), hit ? "; budget hit: " : "",
		 hit ? hit : "");
	newline(t);
	wrap(t, line, 8);
	newline(t);
}

int trust_report_text(FILE *out, const trust_result *r, unsigned int flags)
{
	if (!out || !r)
		return TRUST_EUSAGE;
	tx t = { out, (flags & TRUST_REPORT_COLOR) != 0, 0 };
	verdict(&t, r, (flags & TRUST_REPORT_QUIET) != 0);
	if (!(flags & TRUST_REPORT_QUIET)) {
		int chosen = trust_result_chosen_path(r);
		if (chosen >= 0) {
			chain_section(&t, r, (size_t)chosen);
			checks_section(&t, r, (size_t)chosen);
		}
		if (flags & TRUST_REPORT_EXPLAIN)
			explain_section(&t, r, chosen);
	}
	return ferror(out) ? TRUST_EIO : TRUST_OK;
}
