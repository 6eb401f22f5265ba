/*
 * Name constraints on a path, RFC 5280 §4.2.1.10 and §6.1.3(b)(c), §6.1.4(g).
 *
 * Each CA's constraints, the anchor's included (x509-limbo and the web PKI
 * treat a trust anchor's nameConstraints as binding), are applied on their
 * own to every certificate below it.  Checking each CA separately is the same
 * as intersecting the permitted subtrees and uniting the excluded ones along
 * the path, as §6.1.4(g) does, but it lets a finding name the CA responsible.
 * The comparison primitives are in nc_match.c, the extension's structural
 * rules in nc_ext.c.
 *
 * Deliberate choices:
 *  - names checked: every SAN entry, the subject DN against directoryName
 *    constraints and subject emailAddress attributes against rfc822Name ones
 *    (§4.2.1.10).  The subject CN is never taken for a DNS name: no vector
 *    of the suite we follow needs it, and the CN is never a host name here;
 *  - self-issued certificates are exempt unless they are the leaf (§6.1.3(b));
 *  - a name form with no constraint of that form is allowed; excluded wins
 *    over permitted; one violation per (CA, certificate) is reported;
 *  - a name of a constrained form that is malformed (".example.com" as a
 *    dNSName, an 8-byte iPAddress) lies inside no subtree and fails; an
 *    undecodable SAN under any constraint fails (fail closed);
 *  - a constrained form we do not process (otherName, x400Address,
 *    ediPartyName, registeredID) appearing in a certificate below rejects it,
 *    as §4.2.1.10 demands;
 *  - the extension's own rules (criticality, at least one subtree, well-formed
 *    values) are in nc_ext.c; a CA whose extension breaks them is rejected
 *    and its constraints are not applied;
 *  - nameConstraints in an end-entity certificate rejects the path;
 *  - every (name, constraint) comparison is counted against
 *    budgets.max_nc_checks, so a hostile hierarchy cannot make this slow.
 */
#include "nc_match.h"

#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#define NC_POLICY "rfc5280"
#define NC_FORMS (GEN_RID + 1)

/* One CA's permitted or excluded subtrees grouped by name form, so that
 * finding the constraints of a name's form costs nothing per name: only the
 * counted comparisons grow with a hostile extension. */
typedef struct nc_set {
	const GENERAL_NAME **v;
	size_t off[NC_FORMS + 1]; /* form f is v[off[f] .. off[f + 1]) */
} nc_set;

typedef struct nc_run {
	tv_ctx *ctx;
	tpath *p;
	GENERAL_NAMES **sans;   /* per certificate, decoded on first use */
	signed char *san_state; /* 0 not yet, 1 decoded (NULL if absent), -1 unreadable */
	size_t ca;              /* certificate whose constraints are being applied */
	nc_set perm, excl;
	size_t names, constraints, cas;
	bool budget_out;
} nc_run;

/* One more comparison, or false (and the budget finding) when none is left. */
static bool count(nc_run *r)
{
	tbudget *b = r->ctx->budget;
	if (b->nc >= b->lim.max_nc_checks) {
		if (!r->budget_out) {
			r->budget_out = true;
			if (!b->hit)
				b->hit = TRUST_ID_BUDGET_NAME_CONSTRAINTS;
			tfinding *f = tpath_add(r->p, TRUST_ID_BUDGET_NAME_CONSTRAINTS, TRUST_SEV_ERROR, -1,
						NC_POLICY,
						"name-constraint budget spent: %ld comparisons (limit %ld)",
						b->nc, b->lim.max_nc_checks);
			tfinding_param(f, "limit", "%ld", b->lim.max_nc_checks);
		}
		return false;
	}
	b->nc++;
	return true;
}

static const char *ca_subject(const nc_run *r)
{
	return trust_cert_subject(r->p->certs[r->ca]);
}

static tfinding *violation(nc_run *r, const char *id, size_t j, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static tfinding *violation(nc_run *r, const char *id, size_t j, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tfinding *f = tpath_add(r->p, id, TRUST_SEV_ERROR, (int)j, NC_POLICY, "%s", msg);
	tfinding_param(f, "ca", "%zu", r->ca);
	return f;
}

static bool set_build(nc_set *s, const STACK_OF(GENERAL_SUBTREE) *st)
{
	int n = sk_GENERAL_SUBTREE_num(st);
	size_t count[NC_FORMS] = { 0 };
	for (int i = 0; i < n; i++) {
		int t = sk_GENERAL_SUBTREE_value(st, i)->base->type;
		count[t >= 0 && t < NC_FORMS ? t : GEN_OTHERNAME]++;
	}
	s->off[0] = 0;
	for (int f = 0; f < NC_FORMS; f++)
		s->off[f + 1] = s->off[f] + count[f];
	s->v = calloc(n > 0 ? (size_t)n : 1, sizeof(*s->v));
	if (!s->v)
		return false;
	size_t fill[NC_FORMS];
	memcpy(fill, s->off, sizeof(fill));
	for (int i = 0; i < n; i++) {
		const GENERAL_NAME *b = sk_GENERAL_SUBTREE_value(st, i)->base;
		s->v[fill[b->type >= 0 && b->type < NC_FORMS ? b->type : GEN_OTHERNAME]++] = b;
	}
	return true;
}

static size_t set_count(const nc_set *s, int type)
{
	return type >= 0 && type < NC_FORMS ? s->off[type + 1] - s->off[type] : 0;
}

static const GENERAL_NAME *set_get(const nc_set *s, int type, size_t k)
{
	return s->v[s->off[type] + k];
}

static bool well_formed(const GENERAL_NAME *g, nc_bytes *uri_host)
{
	switch (g->type) {
	case GEN_DNS: return nc_dns_name_ok(nc_bytes_of(g->d.dNSName));
	case GEN_IPADD: {
		int n = ASN1_STRING_length(g->d.iPAddress);
		return n == 4 || n == 16;
	}
	case GEN_EMAIL: return nc_email_ok(nc_bytes_of(g->d.rfc822Name));
	case GEN_URI: return nc_uri_host(nc_bytes_of(g->d.uniformResourceIdentifier), uri_host);
	case GEN_DIRNAME: return true;
	default: return false;
	}
}

/* Is the name inside `base`?  For excluded subtrees, "could it be" decides. */
static bool inside(const GENERAL_NAME *g, const GENERAL_NAME *base, nc_bytes uri_host,
		   bool excluded)
{
	switch (g->type) {
	case GEN_DNS: {
		nc_bytes n = nc_bytes_of(g->d.dNSName), c = nc_bytes_of(base->d.dNSName);
		return excluded ? nc_dns_overlaps(n, c) : nc_dns_within(n, c);
	}
	case GEN_IPADD: return nc_ip_within(g->d.iPAddress, base->d.iPAddress);
	case GEN_EMAIL:
		return nc_email_within(nc_bytes_of(g->d.rfc822Name), nc_bytes_of(base->d.rfc822Name));
	case GEN_URI: return nc_uri_within(uri_host, nc_bytes_of(base->d.uniformResourceIdentifier));
	case GEN_DIRNAME: {
		int in = nc_dn_within(g->d.directoryName, base->d.directoryName);
		return in < 0 ? excluded : in == 1; /* OpenSSL failure: fail closed */
	}
	default: return excluded;
	}
}

/* "a, b, c" of the constraints of one form, for messages. */
static void list_form(char *buf, size_t len, const nc_set *set, int type)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < set_count(set, type) && o + 8 < len; k++) {
		char t[256];
		int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
				 nc_name_text(t, sizeof(t), set_get(set, type, k), true));
		o = (w < 0 || (size_t)w >= len - o) ? len - 1 : o + (size_t)w;
	}
	if (o >= len - 1 && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* One name of certificate j against the CA's sets: 0 ok, 1 violation, -1 budget. */
static int check_name(nc_run *r, size_t j, const GENERAL_NAME *g, const char *where)
{
	size_t np = set_count(&r->perm, g->type), ne = set_count(&r->excl, g->type);
	if (np == 0 && ne == 0)
		return 0;
	r->names++;
	char name[300];
	nc_name_text(name, sizeof(name), g, false);
	nc_bytes uri_host = { "", 0 };
	if (!well_formed(g, &uri_host)) {
		bool known = g->type == GEN_DNS || g->type == GEN_IPADD || g->type == GEN_EMAIL ||
			     g->type == GEN_URI;
		tfinding *f = violation(r, known ? TRUST_ID_RFC5280_NC_INVALID_NAME : TRUST_ID_RFC5280_NC_UNSUPPORTED,
					j,
					known ? "%s %s in the %s of certificate %zu is malformed, so it cannot satisfy the name constraints of certificate %zu (%s)"
					      : "%s%s in the %s of certificate %zu is a name form constrained by certificate %zu (%s) that is not processed, so the certificate is rejected (RFC 5280 §4.2.1.10)",
					known ? nc_form_word(g->type) : "", name, where, j, r->ca, ca_subject(r));
		tfinding_param(f, "name", "%s", name);
		return 1;
	}
	for (size_t k = 0; k < ne; k++) {
		const GENERAL_NAME *b = set_get(&r->excl, g->type, k);
		if (!count(r))
			return -1;
		if (inside(g, b, uri_host, true)) {
			char c[300];
			nc_name_text(c, sizeof(c), b, true);
			tfinding *f = violation(r, TRUST_ID_RFC5280_NC_EXCLUDED, j,
						"%s %s in the %s of certificate %zu is excluded by constraint %s of certificate %zu (%s)",
						nc_form_word(g->type), name, where, j, c, r->ca, ca_subject(r));
			tfinding_param(f, "name", "%s", name);
			tfinding_param(f, "constraint", "%s", c);
			return 1;
		}
	}
	if (np == 0)
		return 0;
	for (size_t k = 0; k < np; k++) {
		const GENERAL_NAME *b = set_get(&r->perm, g->type, k);
		if (!count(r))
			return -1;
		if (inside(g, b, uri_host, false))
			return 0;
	}
	char list[300];
	list_form(list, sizeof(list), &r->perm, g->type);
	tfinding *f = violation(r, TRUST_ID_RFC5280_NC_PERMITTED, j,
				"%s %s in the %s of certificate %zu is outside the subtrees permitted by certificate %zu (%s): %s",
				nc_form_word(g->type), name, where, j, r->ca, ca_subject(r), list);
	tfinding_param(f, "name", "%s", name);
	tfinding_param(f, "constraint", "%s", list);
	return 1;
}

/* The SAN of certificate j, decoded once per path; false if unreadable. */
static bool sans_of(nc_run *r, size_t j, GENERAL_NAMES **out)
{
	if (r->san_state[j] == 0) {
		int crit = -1;
		r->sans[j] = tcert_ext_d2i(r->p->certs[j], NID_subject_alt_name, &crit);
		r->san_state[j] = (!r->sans[j] && crit != -1) ? -1 : 1;
		ERR_clear_error();
	}
	*out = r->sans[j];
	return r->san_state[j] > 0;
}

/* Certificate j under the CA's constraints: subject DN, subject emails, SAN entries. */
static int check_cert(nc_run *r, size_t j)
{
	/* GENERAL_NAME holds a non-const pointer; the name is only read. */
	X509_NAME *subj = (X509_NAME *)tcert_subject_name(r->p->certs[j]);
	GENERAL_NAME g;
	int rc = 0;
	if (!subj) {
		tpath_add(r->p, TRUST_ID_RFC5280_NC_INTERNAL, TRUST_SEV_ERROR, (int)j, NC_POLICY,
			  "out of memory while checking name constraints");
		return 1;
	}
	if (X509_NAME_entry_count(subj) > 0) {
		g.type = GEN_DIRNAME;
		g.d.directoryName = subj;
		rc = check_name(r, j, &g, "subject");
	}
	for (int i = -1; rc == 0 &&
			 (i = X509_NAME_get_index_by_NID(subj, NID_pkcs9_emailAddress, i)) >= 0;) {
		g.type = GEN_EMAIL;
		g.d.rfc822Name = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
		rc = check_name(r, j, &g, "subject");
	}
	GENERAL_NAMES *gens = NULL;
	if (rc == 0 && !sans_of(r, j, &gens)) {
		violation(r, TRUST_ID_RFC5280_NC_INVALID_NAME, j,
			  "the subjectAltName of certificate %zu cannot be decoded, so it cannot be checked against the name constraints of certificate %zu (%s)",
			  j, r->ca, ca_subject(r));
		return 1;
	}
	for (int k = 0; rc == 0 && k < sk_GENERAL_NAME_num(gens); k++)
		rc = check_name(r, j, sk_GENERAL_NAME_value(gens, k), "subjectAltName");
	return rc;
}

/* Applies certificate i's constraints to the certificates below it. */
static int apply_ca(nc_run *r, size_t i, const NAME_CONSTRAINTS *nc)
{
	int worst = 0;
	r->ca = i;
	if (!set_build(&r->perm, nc->permittedSubtrees) || !set_build(&r->excl, nc->excludedSubtrees)) {
		worst = 1;
		tpath_add(r->p, TRUST_ID_RFC5280_NC_INTERNAL, TRUST_SEV_ERROR, (int)i, NC_POLICY,
			  "out of memory while checking name constraints");
	}
	for (size_t j = 0; j < i && worst >= 0 && r->perm.v && r->excl.v; j++) {
		if (j > 0 && r->p->certs[j]->self_issued)
			continue; /* §6.1.3(b): self-issued intermediates are exempt */
		int rc = check_cert(r, j);
		worst = rc < 0 ? -1 : (rc > worst ? rc : worst);
	}
	free(r->perm.v);
	free(r->excl.v);
	r->perm.v = r->excl.v = NULL;
	return worst;
}

int tnc_check_path(tv_ctx *ctx, tpath *p)
{
	if (p->n == 0)
		return 0;
	int worst = 0;
	const trust_cert *leaf = p->certs[0];
	if (p->n > 1 && !leaf->is_ca && tcert_ext_index(leaf, NID_name_constraints, -1) >= 0) {
		tpath_add(p, TRUST_ID_RFC5280_NC_IN_LEAF, TRUST_SEV_ERROR, 0, NC_POLICY,
			  "nameConstraints appears in end-entity certificate 0 (RFC 5280 §4.2.1.10: CA certificates only)");
		worst = 1;
	}
	nc_run r = { .ctx = ctx, .p = p };
	bool any = false;
	/* From the anchor down, the order in which §6.1 processes the path. */
	for (size_t i = p->n - 1; i >= 1 && worst >= 0; i--) {
		const trust_cert *ca = p->certs[i];
		if (tcert_ext_index(ca, NID_name_constraints, -1) < 0)
			continue;
		int crit = -1;
		NAME_CONSTRAINTS *nc = tcert_ext_d2i(ca, NID_name_constraints, &crit);
		any = true;
		if (!nc) {
			ERR_clear_error();
			tpath_add(p, TRUST_ID_RFC5280_NC_MALFORMED, TRUST_SEV_ERROR, (int)i, NC_POLICY,
				  "nameConstraints of certificate %zu %s", i,
				  crit == -2 ? "appears more than once" : "cannot be decoded");
			worst = 1;
			continue;
		}
		if (!r.sans) {
			r.sans = calloc(p->n, sizeof(*r.sans));
			r.san_state = calloc(p->n, sizeof(*r.san_state));
			if (!r.sans || !r.san_state) {
				NAME_CONSTRAINTS_free(nc);
				tpath_add(p, TRUST_ID_RFC5280_NC_INTERNAL, TRUST_SEV_ERROR, (int)i, NC_POLICY,
					  "out of memory while checking name constraints");
				worst = 1;
				break;
			}
		}
		size_t nsub = 0;
		if (nc_check_extension(&nsub, ctx, p, i, nc, crit) == 0) {
			r.constraints += nsub;
			r.cas++;
			int rc = apply_ca(&r, i, nc);
			worst = rc < 0 ? -1 : (rc > worst ? rc : worst);
		} else {
			worst = worst < 0 ? worst : 1;
		}
		NAME_CONSTRAINTS_free(nc);
	}
	for (size_t j = 0; r.sans && j < p->n; j++)
		GENERAL_NAMES_free(r.sans[j]);
	free(r.sans);
	free(r.san_state);
	if (any && worst == 0) {
		tfinding *f = tpath_add(p, TRUST_ID_RFC5280_NC, TRUST_SEV_PASS, -1, NC_POLICY,
					"%zu name%s checked against %zu constraint%s from %zu CA%s", r.names,
					r.names == 1 ? "" : "s", r.constraints,
					r.constraints == 1 ? "" : "s", r.cas, r.cas == 1 ? "" : "s");
		tfinding_param(f, "names", "%zu", r.names);
		tfinding_param(f, "constraints", "%zu", r.constraints);
	}
	return worst;
}
