/*
 * Name-constraint primitives, RFC 5280 §4.2.1.10: one name against one
 * subtree.  Every function works on decoded OpenSSL values and on explicit
 * lengths (an IA5String may hold a NUL, which must never shorten a name).
 *
 *  - dNSName: "example.com" covers the name and every subdomain; a leading
 *    dot (".example.com", as RFC 5280 allows for URIs and rfc822 names and
 *    webpki accepts for DNS) covers subdomains only; the empty constraint
 *    covers every name.  Comparison is ASCII case-insensitive, one trailing
 *    dot ignored.  A wildcard SAN "*.example.com" lies inside a subtree when
 *    every host it can match does (permitted), and is caught by an excluded
 *    subtree when any host it can match is (Chromium's partial match), so
 *    "*.example.com" cannot slip past an excluded "secret.example.com".
 *  - iPAddress: address and mask of the same family, compared under the mask.
 *  - rfc822Name: "user@host" is one mailbox (local part case-sensitive, RFC
 *    5321 §2.4), "host" any mailbox at that host, ".host" any mailbox in a
 *    subdomain of it.
 *  - directoryName: the constraint's RDNs are the first RDNs of the name,
 *    compared with OpenSSL's canonical form (X509_NAME_cmp: case and
 *    white-space folded, as RFC 5280 §7.1 asks).
 *  - URI: the host of the authority, like rfc822 host constraints.  A URI
 *    without an authority or with an IP-literal host cannot lie inside a DNS
 *    subtree (§4.2.1.10: the constraint applies to the host part).
 */
#include "nc_match.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <string.h>

nc_bytes nc_bytes_of(const ASN1_STRING *a)
{
	nc_bytes b = { "", 0 };
	if (a && ASN1_STRING_length(a) > 0) {
		b.s = (const char *)ASN1_STRING_get0_data(a);
		b.n = (size_t)ASN1_STRING_length(a);
	}
	return b;
}

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

static bool eq_ci(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static bool ends_with_ci(nc_bytes s, nc_bytes suffix)
{
	return suffix.n <= s.n && eq_ci(s.s + s.n - suffix.n, suffix.s, suffix.n);
}

static nc_bytes strip_dot(nc_bytes b)
{
	if (b.n && b.s[b.n - 1] == '.')
		b.n--;
	return b;
}

static bool ldh(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* LDH labels of 1..63 bytes, 253 in all; `from` skips a checked prefix. */
static bool labels_ok(nc_bytes b, size_t from)
{
	if (b.n > 253 || from >= b.n)
		return false;
	size_t label = 0;
	for (size_t i = from; i < b.n; i++) {
		if (b.s[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (!ldh((unsigned char)b.s[i]) || ++label > 63) {
			return false;
		}
	}
	return label > 0;
}

bool nc_dns_name_ok(nc_bytes name)
{
	name = strip_dot(name);
	bool wild = name.n >= 2 && name.s[0] == '*' && name.s[1] == '.';
	return labels_ok(name, wild ? 2 : 0);
}

bool nc_dns_constraint_ok(nc_bytes c)
{
	c = strip_dot(c);
	if (c.n == 0)
		return true;
	return labels_ok(c, c.s[0] == '.' ? 1 : 0);
}

bool nc_dns_within(nc_bytes name, nc_bytes c)
{
	name = strip_dot(name);
	c = strip_dot(c);
	if (c.n == 0)
		return true;
	if (c.s[0] == '.')
		return name.n > c.n && ends_with_ci(name, c);
	if (name.n == c.n)
		return eq_ci(name.s, c.s, c.n);
	return name.n > c.n && name.s[name.n - c.n - 1] == '.' && ends_with_ci(name, c);
}

bool nc_dns_overlaps(nc_bytes name, nc_bytes c)
{
	if (nc_dns_within(name, c))
		return true;
	name = strip_dot(name);
	c = strip_dot(c);
	if (name.n < 2 || name.s[0] != '*' || c.n == 0 || c.s[0] == '.')
		return false;
	/* "*.rest" can stand for the constraint itself when the constraint is
	 * one label followed by rest: "*.example.com" vs "secret.example.com". */
	const char *dot = memchr(c.s, '.', c.n);
	if (!dot)
		return false;
	nc_bytes parent = { dot + 1, c.n - (size_t)(dot + 1 - c.s) };
	nc_bytes rest = { name.s + 2, name.n - 2 };
	return parent.n == rest.n && eq_ci(parent.s, rest.s, rest.n);
}

bool nc_ip_constraint_ok(const ASN1_OCTET_STRING *c)
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
			zeros = zeros || !one;
		}
	return true;
}

bool nc_ip_within(const ASN1_OCTET_STRING *ip, const ASN1_OCTET_STRING *c)
{
	int n = ASN1_STRING_length(ip);
	if (n <= 0 || ASN1_STRING_length(c) != 2 * n)
		return false;
	const unsigned char *a = ASN1_STRING_get0_data(ip);
	const unsigned char *net = ASN1_STRING_get0_data(c), *mask = net + n;
	for (int i = 0; i < n; i++)
		if ((a[i] & mask[i]) != (net[i] & mask[i]))
			return false;
	return true;
}

bool nc_email_ok(nc_bytes m)
{
	if (m.n == 0 || memchr(m.s, '\0', m.n))
		return false;
	const char *at = memchr(m.s, '@', m.n);
	if (!at || at == m.s || at == m.s + m.n - 1)
		return false;
	return memchr(at + 1, '@', m.n - (size_t)(at + 1 - m.s)) == NULL;
}

bool nc_email_within(nc_bytes m, nc_bytes c)
{
	const char *at = memchr(m.s, '@', m.n);
	if (!at)
		return false;
	nc_bytes host = { at + 1, m.n - (size_t)(at + 1 - m.s) };
	const char *cat = c.n ? memchr(c.s, '@', c.n) : NULL;
	if (cat) {
		size_t local = (size_t)(at - m.s), clocal = (size_t)(cat - c.s);
		nc_bytes chost = { cat + 1, c.n - clocal - 1 };
		return local == clocal && memcmp(m.s, c.s, local) == 0 && host.n == chost.n &&
		       eq_ci(host.s, chost.s, host.n);
	}
	if (c.n && c.s[0] == '.')
		return host.n > c.n && ends_with_ci(host, c);
	return host.n == c.n && eq_ci(host.s, c.s, c.n);
}

int nc_dn_within(const X509_NAME *name, const X509_NAME *c)
{
	int centries = X509_NAME_entry_count(c);
	if (centries == 0)
		return 1;
	int crdns = X509_NAME_ENTRY_set(X509_NAME_get_entry(c, centries - 1)) + 1;
	X509_NAME *prefix = X509_NAME_new();
	if (!prefix)
		return -1;
	int prev = -1;
	for (int i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		int set = X509_NAME_ENTRY_set(e);
		if (set >= crdns)
			break;
		/* loc -1 appends; set 0 opens a new RDN, -1 joins the previous one */
		if (!X509_NAME_add_entry(prefix, e, -1, set == prev ? -1 : 0)) {
			X509_NAME_free(prefix);
			return -1;
		}
		prev = set;
	}
	int cmp = X509_NAME_cmp(prefix, c);
	X509_NAME_free(prefix);
	if (cmp == -2)
		return -1;
	return cmp == 0;
}

bool nc_uri_host(nc_bytes u, nc_bytes *host)
{
	if (u.n == 0 || memchr(u.s, '\0', u.n))
		return false;
	const char *end = u.s + u.n;
	const char *colon = memchr(u.s, ':', u.n);
	if (!colon || colon == u.s || end - colon < 3 || colon[1] != '/' || colon[2] != '/')
		return false;
	const char *a = colon + 3, *ae = a;
	while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
		ae++;
	for (const char *q = a; q < ae; q++) /* userinfo ends at the last "@" */
		if (*q == '@')
			a = q + 1;
	if (a < ae && *a == '[')
		return false; /* IP literal: not a DNS host */
	const char *he = a;
	while (he < ae && *he != ':')
		he++;
	nc_bytes h = { a, (size_t)(he - a) };
	if (!labels_ok(strip_dot(h), 0))
		return false;
	*host = h;
	return true;
}

bool nc_uri_within(nc_bytes host, nc_bytes c)
{
	host = strip_dot(host);
	if (c.n && c.s[0] == '.')
		return host.n > c.n && ends_with_ci(host, c);
	return host.n == c.n && eq_ci(host.s, c.s, c.n);
}

const char *nc_form_word(int type)
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

/* Printable copy: bytes outside 0x21..0x7e become \xHH, so a NUL is visible. */
static const char *printable(char *buf, size_t len, nc_bytes b)
{
	return tescape_bytes(buf, len, b.s, b.n, TESC_ASCII | TESC_SPACE);
}

static int prefix_bits(const unsigned char *mask, int n)
{
	int bits = 0;
	for (int i = 0; i < n; i++)
		for (int b = 7; b >= 0; b--)
			bits += (mask[i] >> b) & 1;
	return bits;
}

static const char *ip_text(char *buf, size_t len, const ASN1_OCTET_STRING *a, bool constraint)
{
	const unsigned char *d = ASN1_STRING_get0_data(a);
	int n = ASN1_STRING_length(a);
	int alen = constraint ? n / 2 : n;
	char addr[INET6_ADDRSTRLEN];
	if ((constraint && n % 2) || (alen != 4 && alen != 16) ||
	    !inet_ntop(alen == 4 ? AF_INET : AF_INET6, d, addr, sizeof(addr))) {
		snprintf(buf, len, "(%d-byte %s)", n, constraint ? "constraint" : "address");
		return buf;
	}
	if (constraint)
		snprintf(buf, len, "%s/%d", addr, prefix_bits(d + alen, alen));
	else
		snprintf(buf, len, "%s", addr);
	return buf;
}

const char *nc_dn_text(char *buf, size_t len, const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	int w = b ? X509_NAME_print_ex(b, n, 0, TRUST_DN_FLAGS) : -1;
	int got = w >= 0 ? BIO_read(b, buf, (int)len - 1) : -1;
	BIO_free(b);
	buf[got > 0 ? got : 0] = '\0';
	if (got <= 0)
		snprintf(buf, len, "(empty name)");
	return buf;
}

const char *nc_name_text(char *buf, size_t len, const GENERAL_NAME *g, bool constraint)
{
	switch (g->type) {
	case GEN_DNS:
		if (constraint && ASN1_STRING_length(g->d.dNSName) == 0)
			return snprintf(buf, len, "(every DNS name)"), buf;
		return printable(buf, len, nc_bytes_of(g->d.dNSName));
	case GEN_EMAIL:
		return printable(buf, len, nc_bytes_of(g->d.rfc822Name));
	case GEN_URI:
		return printable(buf, len, nc_bytes_of(g->d.uniformResourceIdentifier));
	case GEN_IPADD:
		return ip_text(buf, len, g->d.iPAddress, constraint);
	case GEN_DIRNAME:
		return nc_dn_text(buf, len, g->d.directoryName);
	case GEN_OTHERNAME:
		return snprintf(buf, len, "(otherName)"), buf;
	case GEN_X400:
		return snprintf(buf, len, "(x400Address)"), buf;
	case GEN_EDIPARTY:
		return snprintf(buf, len, "(ediPartyName)"), buf;
	case GEN_RID:
		return snprintf(buf, len, "(registeredID)"), buf;
	default:
		return snprintf(buf, len, "(unknown name form)"), buf;
	}
}
