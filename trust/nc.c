/*
 * Name constraints on a path, RFC 5280 §4.2.1.10 and §6.1.3(b)(c), §6.1.4(g).
 *
 * Each CA's constraints, the anchor's included (x509-limbo and the web PKI
 * treat a trust anchor's nameConstraints as binding), are applied on their
 * own to every certificate below it.  Checking each CA separately is the same
 * as intersecting the permitted subtrees and uniting the excluded ones along
 * the path, as §6.1.4(g) does, but it lets a finding name the CA responsible.
 * The comparison primitives are in nc_match.c.
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
 *  - the extension itself: only in CA certificates; at least one subtree
 *    (webpki); minimum 0 and no maximum in every subtree (§4.2.1.10);
 *    well-formed DNS and IP (contiguous mask, 8 or 32 bytes) values; critical
 *    under the bare rfc5280 policy only, since the CA/B Forum BR §7.1.2.5.2
 *    let TLS CAs mark it non-critical (limbo: rfc5280:: vs webpki::nc::
 *    permitted-dns-match-noncritical);
 *  - every (name, constraint) comparison is counted against
 *    budgets.max_nc_checks, so a hostile hierarchy cannot make this slow.
 */
#include "nc_match.h"
#include "validate_checks.h"

#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#define NC_POLICY "rfc5280"

typedef struct nc_run {
	tv_ctx *ctx;
	tpath *p;
	GENERAL_NAMES **sans;   /* per certificate, decoded on first use */
	signed char *san_state; /* 0 not yet, 1 decoded (NULL if absent), -1 unreadable */
	size_t ca;              /* certificate whose constraints are being applied */
	const NAME_CONSTRAINTS *nc;
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
				b->hit = "budget.name-constraints";
			tfinding *f = tpath_add(r->p, "budget.name-constraints", TRUST_SEV_ERROR, -1,
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

static const char *form_word(int type)
{
	switch (type) {
	case GEN_DNS: return "DNS name";
	case GEN_IPADD: return "IP address";
	case GEN_EMAIL: return "email address";
	case GEN_DIRNAME: return "directory name";
	case GEN_URI: return "URI";
	default: return "name";
	}
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

static bool has_form(const STACK_OF(GENERAL_SUBTREE) *set, int type)
{
	for (int i = 0; i < sk_GENERAL_SUBTREE_num(set); i++)
		if (sk_GENERAL_SUBTREE_value(set, i)->base->type == type)
			return true;
	return false;
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

/* "a, b, c" of the permitted constraints of one form, for messages. */
static void list_form(char *buf, size_t len, const STACK_OF(GENERAL_SUBTREE) *set, int type)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < sk_GENERAL_SUBTREE_num(set) && o + 8 < len; i++) {
		const GENERAL_NAME *b = sk_GENERAL_SUBTREE_value(set, i)->base;
		if (b->type != type)
			continue;
		char t[256];
		int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", nc_name_text(t, sizeof(t), b, true));
		o = (w < 0 || (size_t)w >= len - o) ? len - 1 : o + (size_t)w;
	}
	if (o >= len - 1 && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* One name of certificate j against r->nc: 0 ok, 1 violation, -1 budget. */
static int check_name(nc_run *r, size_t j, const GENERAL_NAME *g, const char *where)
{
	const NAME_CONSTRAINTS *nc = r->nc;
	bool perm = has_form(nc->permittedSubtrees, g->type);
	if (!perm && !has_form(nc->excludedSubtrees, g->type))
		return 0;
	r->names++;
	char name[300];
	nc_name_text(name, sizeof(name), g, false);
	nc_bytes uri_host = { "", 0 };
	if (!well_formed(g, &uri_host)) {
		bool known = g->type == GEN_DNS || g->type == GEN_IPADD || g->type == GEN_EMAIL ||
			     g->type == GEN_URI;
		tfinding *f = violation(r, known ? "rfc5280.nc.invalid-name" : "rfc5280.nc.unsupported",
					j,
					known ? "%s %s in the %s of certificate %zu is malformed, so it cannot satisfy the name constraints of certificate %zu (%s)"
					      : "%s%s in the %s of certificate %zu is a name form constrained by certificate %zu (%s) that is not processed, so the certificate is rejected (RFC 5280 §4.2.1.10)",
					known ? form_word(g->type) : "", name, where, j, r->ca, ca_subject(r));
		tfinding_param(f, "name", "%s", name);
		return 1;
	}
	const STACK_OF(GENERAL_SUBTREE) *ex = nc->excludedSubtrees;
	for (int i = 0; i < sk_GENERAL_SUBTREE_num(ex); i++) {
		const GENERAL_NAME *b = sk_GENERAL_SUBTREE_value(ex, i)->base;
		if (b->type != g->type)
			continue;
		if (!count(r))
			return -1;
		if (inside(g, b, uri_host, true)) {
			char c[300];
			nc_name_text(c, sizeof(c), b, true);
			tfinding *f = violation(r, "rfc5280.nc.excluded", j,
						"%s %s in the %s of certificate %zu is excluded by constraint %s of certificate %zu (%s)",
						form_word(g->type), name, where, j, c, r->ca, ca_subject(r));
			tfinding_param(f, "name", "%s", name);
			tfinding_param(f, "constraint", "%s", c);
			return 1;
		}
	}
	if (!perm)
		return 0;
	const STACK_OF(GENERAL_SUBTREE) *pe = nc->permittedSubtrees;
	for (int i = 0; i < sk_GENERAL_SUBTREE_num(pe); i++) {
		const GENERAL_NAME *b = sk_GENERAL_SUBTREE_value(pe, i)->base;
		if (b->type != g->type)
			continue;
		if (!count(r))
			return -1;
		if (inside(g, b, uri_host, false))
			return 0;
	}
	char list[300];
	list_form(list, sizeof(list), pe, g->type);
	tfinding *f = violation(r, "rfc5280.nc.permitted", j,
				"%s %s in the %s of certificate %zu is outside the subtrees permitted by certificate %zu (%s): %s",
				form_word(g->type), name, where, j, r->ca, ca_subject(r), list);
	tfinding_param(f, "name", "%s", name);
	tfinding_param(f, "constraint", "%s", list);
	return 1;
}

/* The SAN of certificate j, decoded once per path; false if unreadable. */
static bool sans_of(nc_run *r, size_t j, GENERAL_NAMES **out)
{
	if (r->san_state[j] == 0) {
		int crit = -1;
		r->sans[j] = X509_get_ext_d2i(r->p->certs[j]->x509, NID_subject_alt_name, &crit, NULL);
		r->san_state[j] = (!r->sans[j] && crit != -1) ? -1 : 1;
		ERR_clear_error();
	}
	*out = r->sans[j];
	return r->san_state[j] > 0;
}

/* Certificate j under r->nc: subject DN, subject emails, SAN entries. */
static int check_cert(nc_run *r, size_t j)
{
	X509_NAME *subj = X509_get_subject_name(r->p->certs[j]->x509);
	GENERAL_NAME g;
	int rc = 0;
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
		violation(r, "rfc5280.nc.invalid-name", j,
			  "the subjectAltName of certificate %zu cannot be decoded, so it cannot be checked against the name constraints of certificate %zu (%s)",
			  j, r->ca, ca_subject(r));
		return 1;
	}
	for (int k = 0; rc == 0 && k < sk_GENERAL_NAME_num(gens); k++)
		rc = check_name(r, j, sk_GENERAL_NAME_value(gens, k), "subjectAltName");
	return rc;
}

static bool subtree_ok(const GENERAL_SUBTREE *st)
{
	if (st->maximum || (st->minimum && ASN1_INTEGER_get(st->minimum) != 0))
		return false;
	const GENERAL_NAME *b = st->base;
	switch (b->type) {
	case GEN_DNS: return nc_dns_constraint_ok(nc_bytes_of(b->d.dNSName));
	case GEN_IPADD: return nc_ip_constraint_ok(b->d.iPAddress);
	case GEN_EMAIL: {
		nc_bytes c = nc_bytes_of(b->d.rfc822Name);
		return !memchr(c.s, '\0', c.n);
	}
	case GEN_URI: {
		nc_bytes c = nc_bytes_of(b->d.uniformResourceIdentifier);
		return !memchr(c.s, '\0', c.n);
	}
	default: return true;
	}
}

/* Structural rules for certificate i's extension: 0 usable, 1 rejected. */
static int check_extension(nc_run *r, size_t i, const NAME_CONSTRAINTS *nc, int crit)
{
	tpath *p = r->p;
	int bad = 0;
	if (crit == 0 && !tv_tls_profile(r->ctx)) {
		tpath_add(p, "rfc5280.nc.not-critical", TRUST_SEV_ERROR, (int)i, NC_POLICY,
			  "nameConstraints of certificate %zu is not critical (RFC 5280 §4.2.1.10: MUST be)",
			  i);
		bad = 1;
	}
	int np = sk_GENERAL_SUBTREE_num(nc->permittedSubtrees);
	int ne = sk_GENERAL_SUBTREE_num(nc->excludedSubtrees);
	np = np < 0 ? 0 : np;
	ne = ne < 0 ? 0 : ne;
	if (np + ne == 0) {
		tpath_add(p, "rfc5280.nc.empty", TRUST_SEV_ERROR, (int)i, NC_POLICY,
			  "nameConstraints of certificate %zu has neither permitted nor excluded subtrees",
			  i);
		return 1;
	}
	for (int k = 0; k < np + ne; k++) {
		const GENERAL_SUBTREE *st = k < np ? sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, k)
						   : sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, k - np);
		if (!subtree_ok(st)) {
			char c[300];
			nc_name_text(c, sizeof(c), st->base, true);
			tfinding *f = tpath_add(p, "rfc5280.nc.invalid", TRUST_SEV_ERROR, (int)i, NC_POLICY,
						"nameConstraints of certificate %zu has a malformed %s %s subtree: %s",
						i, k < np ? "permitted" : "excluded",
						form_word(st->base->type), c);
			tfinding_param(f, "constraint", "%s", c);
			return 1;
		}
	}
	r->constraints += (size_t)(np + ne);
	return bad;
}

/* Applies certificate i's constraints to the certificates below it. */
static int apply_ca(nc_run *r, size_t i, const NAME_CONSTRAINTS *nc)
{
	int worst = 0;
	r->ca = i;
	r->nc = nc;
	for (size_t j = 0; j < i; j++) {
		if (j > 0 && r->p->certs[j]->self_issued)
			continue; /* §6.1.3(b): self-issued intermediates are exempt */
		int rc = check_cert(r, j);
		if (rc < 0)
			return -1;
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

int tnc_check_path(tv_ctx *ctx, tpath *p)
{
	if (p->n == 0)
		return 0;
	int worst = 0;
	const trust_cert *leaf = p->certs[0];
	if (p->n > 1 && !leaf->is_ca && X509_get_ext_by_NID(leaf->x509, NID_name_constraints, -1) >= 0) {
		tpath_add(p, "rfc5280.nc.in-leaf", TRUST_SEV_ERROR, 0, NC_POLICY,
			  "nameConstraints appears in end-entity certificate 0 (RFC 5280 §4.2.1.10: CA certificates only)");
		worst = 1;
	}
	nc_run r = { .ctx = ctx, .p = p };
	bool any = false;
	/* From the anchor down, the order in which §6.1 processes the path. */
	for (size_t i = p->n - 1; i >= 1 && worst >= 0; i--) {
		X509 *x = p->certs[i]->x509;
		if (X509_get_ext_by_NID(x, NID_name_constraints, -1) < 0)
			continue;
		int crit = -1;
		NAME_CONSTRAINTS *nc = X509_get_ext_d2i(x, NID_name_constraints, &crit, NULL);
		any = true;
		if (!nc) {
			ERR_clear_error();
			tpath_add(p, "rfc5280.nc.malformed", TRUST_SEV_ERROR, (int)i, NC_POLICY,
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
				tpath_add(p, "rfc5280.nc.internal", TRUST_SEV_ERROR, (int)i, NC_POLICY,
					  "out of memory while checking name constraints");
				worst = 1;
				break;
			}
		}
		if (check_extension(&r, i, nc, crit) == 0) {
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
		tfinding *f = tpath_add(p, "rfc5280.nc", TRUST_SEV_PASS, -1, NC_POLICY,
					"%zu name%s checked against %zu constraint%s from %zu CA%s", r.names,
					r.names == 1 ? "" : "s", r.constraints,
					r.constraints == 1 ? "" : "s", r.cas, r.cas == 1 ? "" : "s");
		tfinding_param(f, "names", "%zu", r.names);
		tfinding_param(f, "constraints", "%zu", r.constraints);
	}
	return worst;
}
