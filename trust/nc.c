/*
 * Name constraints, RFC 5280 §4.2.1.10 and §6.1.3(b)(c) / §6.1.4(g).
 *
 * Each CA's constraints (the anchor's too, as x509-limbo and the web PKI
 * expect) are applied on their own to every certificate below it, which is
 * the same as intersecting permitted subtrees along the path.  Self-issued
 * intermediates are exempt; the leaf never is.  Names checked: every SAN entry
 * (DNS, IP, email, directory name, URI host), the subject DN against
 * directoryName constraints, and subject emailAddress attributes against
 * rfc822Name constraints.  The CN is never treated as a host name.
 *
 * Deliberate choices:
 *  - a name type with no constraint of that type is allowed (§4.2.1.10);
 *  - excluded wins over permitted;
 *  - a malformed name of a constrained type cannot lie inside any subtree,
 *    so it fails (x509-limbo nc-permits-invalid-*);
 *  - DNS constraints: "example.com" covers the name and its subdomains,
 *    ".example.com" only subdomains; wildcards and other non-LDH text in a
 *    constraint make it invalid;
 *  - iPAddress constraints must be address + contiguous mask (8 or 32 bytes);
 *  - nameConstraints must not appear in an end-entity certificate, must carry
 *    at least one subtree, and must be critical under the bare rfc5280 policy
 *    (the CA/B Forum allows non-critical for TLS, §7.1.2.5.2).
 *  - every (name, constraint) comparison is counted against
 *    budgets.max_nc_checks, so a hostile hierarchy cannot make this slow.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>

typedef struct nc_run {
	tv_ctx *ctx;
	tpath *p;
	size_t ca;      /* index of the CA whose constraints apply */
	size_t names;   /* names checked, for the summary */
	bool budget_out;
} nc_run;

static bool count(nc_run *r)
{
	tbudget *b = r->ctx->budget;
	if (b->nc >= b->lim.max_nc_checks) {
		if (!r->budget_out) {
			r->budget_out = true;
			if (!b->hit)
				b->hit = "budget.name-constraints";
			tpath_add(r->p, "budget.name-constraints", TRUST_SEV_ERROR, -1, "rfc5280",
				  "stopped after %ld name-constraint comparisons (limit %ld)", b->nc,
				  b->lim.max_nc_checks);
		}
		return false;
	}
	b->nc++;
	return true;
}

/* ---- DNS ---- */

static bool dns_syntax(const char *s, size_t n, bool constraint)
{
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0)
		return constraint; /* the empty constraint covers every name */
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '.') {
			if (label == 0 && !(constraint && i == 0))
				return false;
			label = 0;
		} else if (isalnum(ch) || ch == '-' || ch == '_' || (!constraint && ch == '*' && i == 0)) {
			label++;
		} else {
			return false;
		}
	}
	return label > 0;
}

static bool ends_with_ci(const char *s, size_t n, const char *suf, size_t m)
{
	return m <= n && strncasecmp(s + n - m, suf, m) == 0;
}

static bool dns_within(const ASN1_IA5STRING *name, const ASN1_IA5STRING *c)
{
	const char *s = (const char *)ASN1_STRING_get0_data(name);
	size_t n = (size_t)ASN1_STRING_length(name);
	const char *k = (const char *)ASN1_STRING_get0_data(c);
	size_t m = (size_t)ASN1_STRING_length(c);
	if (n && s[n - 1] == '.')
		n--;
	if (m && k[m - 1] == '.')
		m--;
	if (m == 0)
		return true;
	if (k[0] == '.')
		return n > m && ends_with_ci(s, n, k, m);
	if (n == m)
		return strncasecmp(s, k, n) == 0;
	return n > m && s[n - m - 1] == '.' && ends_with_ci(s, n, k, m);
}

/* ---- IP ---- */

static bool ip_constraint_syntax(const ASN1_OCTET_STRING *c)
{
	int len = ASN1_STRING_length(c);
	if (len != 8 && len != 32)
		return false;
	const unsigned char *mask = ASN1_STRING_get0_data(c) + len / 2;
	bool zeros = false;
	for (int i = 0; i < len / 2; i++)
		for (int bit = 7; bit >= 0; bit--) {
			bool one = (mask[i] >> bit) & 1;
			if (one && zeros)
				return false;
			if (!one)
				zeros = true;
		}
	return true;
}

static bool ip_within(const ASN1_OCTET_STRING *ip, const ASN1_OCTET_STRING *c)
{
	int n = ASN1_STRING_length(ip);
	if (ASN1_STRING_length(c) != 2 * n)
		return false;
	const unsigned char *a = ASN1_STRING_get0_data(ip);
	const unsigned char *net = ASN1_STRING_get0_data(c), *mask = net + n;
	for (int i = 0; i < n; i++)
		if ((a[i] & mask[i]) != (net[i] & mask[i]))
			return false;
	return true;
}

/* ---- email: "user@host" exact, "host" any mailbox there, ".host" subdomains ---- */

static bool email_within(const char *s, size_t n, const ASN1_IA5STRING *c)
{
	const char *k = (const char *)ASN1_STRING_get0_data(c);
	size_t m = (size_t)ASN1_STRING_length(c);
	const char *at = memchr(s, '@', n);
	if (!at)
		return false;
	if (memchr(k, '@', m))
		return m == n && strncasecmp(s, k, n) == 0; /* RFC: local part exact; host ci */
	const char *host = at + 1;
	size_t hn = n - (size_t)(host - s);
	if (m && k[0] == '.')
		return ends_with_ci(host, hn, k, m);
	return hn == m && strncasecmp(host, k, m) == 0;
}

/* ---- directory names: the constraint's RDNs are a prefix of the name's ---- */

static bool dn_within(const X509_NAME *name, const X509_NAME *c)
{
	int cn = X509_NAME_entry_count(c);
	if (cn == 0)
		return true;
	int crdns = X509_NAME_ENTRY_set(X509_NAME_get_entry(c, cn - 1)) + 1;
	X509_NAME *prefix = X509_NAME_new();
	if (!prefix)
		return false;
	for (int i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		int set = X509_NAME_ENTRY_set(e);
		if (set >= crdns)
			break;
		bool new_rdn = i == 0 || set != X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1));
		if (!X509_NAME_add_entry(prefix, e, -1, new_rdn ? 0 : -1))
			break;
	}
	bool ok = X509_NAME_cmp(prefix, c) == 0;
	X509_NAME_free(prefix);
	return ok;
}

/* ---- URI: the host part against DNS-style constraints ---- */

static bool uri_host(const ASN1_IA5STRING *u, char *out, size_t len)
{
	const char *s = (const char *)ASN1_STRING_get0_data(u);
	size_t n = (size_t)ASN1_STRING_length(u);
	const char *p = memchr(s, ':', n);
	if (!p || (size_t)(p - s) + 3 > n || p[1] != '/' || p[2] != '/')
		return false;
	p += 3;
	const char *end = s + n;
	const char *q = p;
	while (q < end && *q != '/' && *q != ':' && *q != '?' && *q != '#')
		q++;
	const char *at = memchr(p, '@', (size_t)(q - p));
	if (at)
		p = at + 1;
	if (q == p || (size_t)(q - p) >= len)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

static bool uri_within(const ASN1_IA5STRING *u, const ASN1_IA5STRING *c)
{
	char host[256];
	if (!uri_host(u, host, sizeof(host)))
		return false;
	const char *k = (const char *)ASN1_STRING_get0_data(c);
	size_t m = (size_t)ASN1_STRING_length(c), n = strlen(host);
	if (m && k[0] == '.')
		return ends_with_ci(host, n, k, m);
	return n == m && strncasecmp(host, k, m) == 0;
}

/* ---- one name against one subtree set ---- */

typedef enum { OUTSIDE = 0, INSIDE = 1, NO_CONSTRAINT = 2, STOP = 3 } verdict;

static verdict match_set(nc_run *r, int type, const void *name, size_t name_len,
			 const STACK_OF(GENERAL_SUBTREE) *set)
{
	verdict v = NO_CONSTRAINT;
	for (int i = 0; set && i < sk_GENERAL_SUBTREE_num(set); i++) {
		const GENERAL_NAME *base = sk_GENERAL_SUBTREE_value(set, i)->base;
		if (base->type != type)
			continue;
		if (!count(r))
			return STOP;
		v = OUTSIDE;
		bool in = false;
		switch (type) {
		case GEN_DNS: in = dns_within(name, base->d.dNSName); break;
		case GEN_IPADD: in = ip_within(name, base->d.iPAddress); break;
		case GEN_EMAIL: in = email_within(name, name_len, base->d.rfc822Name); break;
		case GEN_DIRNAME: in = dn_within(name, base->d.directoryName); break;
		case GEN_URI: in = uri_within(name, base->d.uniformResourceIdentifier); break;
		default: break;
		}
		if (in)
			return INSIDE;
	}
	return v;
}

static const char *type_word(int type)
{
	switch (type) {
	case GEN_DNS: return "DNS";
	case GEN_IPADD: return "IP";
	case GEN_EMAIL: return "email";
	case GEN_DIRNAME: return "directory name";
	case GEN_URI: return "URI";
	default: return "name";
	}
}

static bool has_type(const STACK_OF(GENERAL_SUBTREE) *set, int type)
{
	for (int i = 0; set && i < sk_GENERAL_SUBTREE_num(set); i++)
		if (sk_GENERAL_SUBTREE_value(set, i)->base->type == type)
			return true;
	return false;
}

/* Returns 0 ok, 1 violation, -1 budget. */
static int check_name(nc_run *r, const NAME_CONSTRAINTS *nc, size_t j, int type, const void *name,
		      size_t name_len, const char *shown, bool well_formed)
{
	if (!has_type(nc->permittedSubtrees, type) && !has_type(nc->excludedSubtrees, type))
		return 0;
	r->names++;
	if (!well_formed) {
		tfinding *f = tpath_add(r->p, "rfc5280.nc.invalid-name", TRUST_SEV_ERROR, (int)j,
					"rfc5280",
					"%s %s is malformed, so it cannot satisfy the name constraints of certificate %zu",
					type_word(type), shown, r->ca);
		tfinding_param(f, "ca", "%zu", r->ca);
		return 1;
	}
	verdict ex = match_set(r, type, name, name_len, nc->excludedSubtrees);
	if (ex == STOP)
		return -1;
	if (ex == INSIDE) {
		tfinding *f = tpath_add(r->p, "rfc5280.nc.excluded", TRUST_SEV_ERROR, (int)j, "rfc5280",
					"%s %s is excluded by the name constraints of %s", type_word(type),
					shown, trust_cert_subject(r->p->certs[r->ca]));
		tfinding_param(f, "name", "%s", shown);
		tfinding_param(f, "ca", "%zu", r->ca);
		return 1;
	}
	verdict pe = match_set(r, type, name, name_len, nc->permittedSubtrees);
	if (pe == STOP)
		return -1;
	if (pe == OUTSIDE) {
		tfinding *f = tpath_add(r->p, "rfc5280.nc.permitted", TRUST_SEV_ERROR, (int)j, "rfc5280",
					"%s %s is outside the subtrees permitted by %s", type_word(type),
					shown, trust_cert_subject(r->p->certs[r->ca]));
		tfinding_param(f, "name", "%s", shown);
		tfinding_param(f, "ca", "%zu", r->ca);
		return 1;
	}
	return 0;
}

static int check_general_name(nc_run *r, const NAME_CONSTRAINTS *nc, size_t j, const GENERAL_NAME *g)
{
	char shown[300];
	switch (g->type) {
	case GEN_DNS: {
		const ASN1_IA5STRING *s = g->d.dNSName;
		snprintf(shown, sizeof(shown), "%.*s", ASN1_STRING_length(s),
			 (const char *)ASN1_STRING_get0_data(s));
		bool ok = dns_syntax((const char *)ASN1_STRING_get0_data(s),
				     (size_t)ASN1_STRING_length(s), false);
		return check_name(r, nc, j, GEN_DNS, s, 0, shown, ok);
	}
	case GEN_IPADD: {
		int len = ASN1_STRING_length(g->d.iPAddress);
		snprintf(shown, sizeof(shown), "(%d-byte address)", len);
		return check_name(r, nc, j, GEN_IPADD, g->d.iPAddress, 0, shown, len == 4 || len == 16);
	}
	case GEN_EMAIL: {
		const ASN1_IA5STRING *s = g->d.rfc822Name;
		snprintf(shown, sizeof(shown), "%.*s", ASN1_STRING_length(s),
			 (const char *)ASN1_STRING_get0_data(s));
		return check_name(r, nc, j, GEN_EMAIL, shown, strlen(shown), shown,
				  strchr(shown, '@') != NULL);
	}
	case GEN_DIRNAME:
		X509_NAME_oneline(g->d.directoryName, shown, sizeof(shown));
		return check_name(r, nc, j, GEN_DIRNAME, g->d.directoryName, 0, shown, true);
	case GEN_URI: {
		const ASN1_IA5STRING *s = g->d.uniformResourceIdentifier;
		char host[256];
		snprintf(shown, sizeof(shown), "%.*s", ASN1_STRING_length(s),
			 (const char *)ASN1_STRING_get0_data(s));
		return check_name(r, nc, j, GEN_URI, s, 0, shown, uri_host(s, host, sizeof(host)));
	}
	default:
		return 0;
	}
}

/* Subject DN and its emailAddress attributes (§4.2.1.10: both are constrained). */
static int check_subject(nc_run *r, const NAME_CONSTRAINTS *nc, size_t j, X509 *x)
{
	const X509_NAME *subj = X509_get_subject_name(x);
	int worst = 0;
	if (X509_NAME_entry_count(subj) > 0) {
		char shown[300];
		X509_NAME_oneline(subj, shown, sizeof(shown));
		worst = check_name(r, nc, j, GEN_DIRNAME, subj, 0, shown, true);
		if (worst < 0)
			return worst;
	}
	for (int i = -1; (i = X509_NAME_get_index_by_NID(subj, NID_pkcs9_emailAddress, i)) >= 0;) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
		char shown[300];
		snprintf(shown, sizeof(shown), "%.*s", ASN1_STRING_length(v),
			 (const char *)ASN1_STRING_get0_data(v));
		int rc = check_name(r, nc, j, GEN_EMAIL, shown, strlen(shown), shown,
				    strchr(shown, '@') != NULL);
		if (rc < 0)
			return rc;
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

/* Structural rules for certificate i's extension; returns 1 if it is unusable. */
static int check_extension(nc_run *r, size_t i, const NAME_CONSTRAINTS *nc, int crit)
{
	tpath *p = r->p;
	int bad = 0;
	if (crit == 0 && !r->ctx->rules.check_names && r->ctx->rules.eku_nid == NID_undef) {
		tpath_add(p, "rfc5280.nc.not-critical", TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "nameConstraints must be critical (RFC 5280 §4.2.1.10)");
		bad = 1;
	}
	int np = nc->permittedSubtrees ? sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) : 0;
	int ne = nc->excludedSubtrees ? sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) : 0;
	if (np == 0 && ne == 0) {
		tpath_add(p, "rfc5280.nc.empty", TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "nameConstraints has neither permitted nor excluded subtrees");
		return 1;
	}
	for (int k = 0; k < np + ne; k++) {
		const GENERAL_SUBTREE *st = k < np ? sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, k)
						   : sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, k - np);
		const GENERAL_NAME *b = st->base;
		bool ok = true;
		if (b->type == GEN_DNS)
			ok = dns_syntax((const char *)ASN1_STRING_get0_data(b->d.dNSName),
					(size_t)ASN1_STRING_length(b->d.dNSName), true);
		else if (b->type == GEN_IPADD)
			ok = ip_constraint_syntax(b->d.iPAddress);
		if (!ok) {
			tpath_add(p, "rfc5280.nc.invalid", TRUST_SEV_ERROR, (int)i, "rfc5280",
				  "a %s name constraint is malformed", type_word(b->type));
			return 1;
		}
	}
	return bad;
}

int tnc_check_path(tv_ctx *ctx, tpath *p)
{
	nc_run r = { .ctx = ctx, .p = p };
	int worst = 0;
	size_t cas = 0;
	if (p->n && X509_get_ext_by_NID(p->certs[0]->x509, NID_name_constraints, -1) >= 0 &&
	    p->n > 1) {
		tpath_add(p, "rfc5280.nc.in-leaf", TRUST_SEV_ERROR, 0, "rfc5280",
			  "nameConstraints may appear only in CA certificates");
		worst = 1;
	}
	for (size_t i = 1; i < p->n; i++) {
		X509 *ca = p->certs[i]->x509;
		int crit = -1;
		NAME_CONSTRAINTS *nc = X509_get_ext_d2i(ca, NID_name_constraints, &crit, NULL);
		if (!nc) {
			if (crit >= 0) {
				ERR_clear_error();
				tpath_add(p, "rfc5280.nc.malformed", TRUST_SEV_ERROR, (int)i, "rfc5280",
					  "nameConstraints cannot be decoded");
				worst = 1;
			}
			continue;
		}
		cas++;
		r.ca = i;
		if (check_extension(&r, i, nc, crit)) {
			worst = 1;
			NAME_CONSTRAINTS_free(nc);
			continue;
		}
		for (size_t j = 0; j < i && worst >= 0; j++) {
			if (j > 0 && p->certs[j]->self_issued)
				continue; /* §6.1.4(b): self-issued intermediates are exempt */
			X509 *x = p->certs[j]->x509;
			int rc = check_subject(&r, nc, j, x);
			GENERAL_NAMES *gens = rc >= 0 ? X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL)
						      : NULL;
			for (int g = 0; rc >= 0 && gens && g < sk_GENERAL_NAME_num(gens); g++) {
				int grc = check_general_name(&r, nc, j, sk_GENERAL_NAME_value(gens, g));
				rc = grc < 0 ? grc : (grc > rc ? grc : rc);
			}
			GENERAL_NAMES_free(gens);
			if (rc < 0)
				worst = -1;
			else if (rc > worst)
				worst = rc;
		}
		NAME_CONSTRAINTS_free(nc);
		if (worst < 0)
			return -1;
	}
	if (cas && worst == 0) {
		tfinding *f = tpath_add(p, "rfc5280.nc", TRUST_SEV_PASS, -1, "rfc5280",
					"%zu names within the constraints of %zu CA%s", r.names, cas,
					cas == 1 ? "" : "s");
		tfinding_param(f, "names", "%zu", r.names);
	}
	return worst;
}
