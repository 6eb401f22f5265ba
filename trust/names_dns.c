/*
 * DNS host names: normalising the reference name and matching it against a
 * SAN dNSName (the presented identifier).  Deliberate choices, after RFC 6125
 * §6.4 and the CA/Browser Forum Baseline Requirements as browsers apply them:
 *
 *  - only SAN dNSName is consulted, never the subject CN (RFC 6125 §6.4.4
 *    allows the CN only without a SAN; CABF BR §7.1.4.3 makes the SAN
 *    authoritative; Chromium, Go and rustls never read the CN);
 *  - comparison is ASCII case-insensitive (RFC 6125 §6.4.1, RFC 4343);
 *  - one trailing dot on the reference or the pattern is ignored: the
 *    absolute and relative spellings name the same host;
 *  - the reference name goes to A-labels with libidn2 (IDNA 2008, UTS #46
 *    non-transitional, as browsers resolve "ß"), so U-labels and A-labels
 *    compare as bytes (RFC 6125 §6.4.2);
 *  - a presented name must be LDH ASCII: RFC 5280 §7.2 carries IDNs as
 *    A-labels in an IA5String, so raw UTF-8, NUL bytes, spaces and empty
 *    labels make a pattern that matches nothing;
 *  - "_" is accepted in labels: real hosts use it (SRV-style names) and
 *    every browser matches it;
 *  - a wildcard is "*" as the WHOLE left-most label only (RFC 6125 §6.4.3
 *    rules 1-2, CABF BR §1.6.1 "Wildcard Domain Name"): "f*o.example.com",
 *    "*oo.example.com", "xn--*-abc.example.com" and "foo.*.example.com" are
 *    rejected outright, which also keeps a wildcard out of any A-label
 *    (RFC 6125 §6.4.3 rule 3);
 *  - "*" stands for exactly one non-empty label (RFC 6125 §6.4.3 rule 2), so
 *    "*.example.com" matches neither "example.com" nor "a.b.example.com";
 *  - at least two labels after the wildcard ("*.com" never matches), and
 *    never a wildcard whose remainder is a public suffix ("*.co.uk"), checked
 *    against the ICANN section of libpsl's built-in list (CABF BR §3.2.2.6).
 *    The private section (github.io, herokuapp.com, ...) is not consulted:
 *    those registries get wildcard certificates legitimately, and Chromium
 *    likewise excludes private registries from this rule.
 */
#include "internal.h"

#include <idn2.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#define DNS_MAX_NAME 253
#define DNS_MAX_LABEL 63

static bool ldh(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

static char ascii_lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

/*
 * Lower-cased copy of s[0..len) with one trailing dot removed into `out`;
 * false unless it is a sequence of LDH labels of 1..63 bytes (253 in all).
 * With `wildcard`, the first label may be exactly "*".  Into the caller's
 * buffer, so that matching cannot fail for want of memory.
 */
static bool canonical(char out[DNS_MAX_NAME + 1], const char *s, size_t len, bool wildcard)
{
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_MAX_NAME)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (ldh(ch)) {
			if (++label > DNS_MAX_LABEL)
				return false;
		} else if (ch == '*' && wildcard && i == 0 && (len == 1 || s[1] == '.')) {
			label = 1;
		} else {
			return false;
		}
		out[i] = ascii_lower((char)ch);
	}
	out[len] = '\0';
	return label != 0;
}

/* A-label form of a host with non-ASCII characters into `out`; false with *rc
 * set when libidn2 refuses it. */
static bool to_a_labels(char out[DNS_MAX_NAME + 1], const char *host, int *rc)
{
	char *ascii = NULL;
	/* UTS #46 non-transitional first (what browsers resolve); transitional
	 * only rescues names the strict profile refuses, such as ones with
	 * symbols IDNA 2008 disallows but registries accepted under IDNA 2003. */
	*rc = idn2_to_ascii_8z(host, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (*rc != IDN2_OK)
		*rc = idn2_to_ascii_8z(host, &ascii, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
	if (*rc != IDN2_OK)
		return false;
	bool ok = canonical(out, ascii, strlen(ascii), false);
	idn2_free(ascii);
	return ok;
}

int tnames_normalize_host(char **out, const char *host, trust_error *err)
{
	*out = NULL;
	if (!host || !*host)
		return terr_set(err, TRUST_EUSAGE, "host name is empty");
	size_t len = strlen(host);
	if (len > 1024)
		return terr_set(err, TRUST_EUSAGE, "host name is longer than 1024 bytes");
	/* An IP literal given as the host ("192.0.2.1", "[2001:db8::1]" as URLs
	 * write it) is matched against iPAddress entries (names_check.c), as Go's
	 * VerifyHostname does; it is kept without brackets. */
	unsigned char ipbuf[16];
	size_t iplen;
	if (tnames_parse_ip(ipbuf, &iplen, host) == 0) {
		bool bracketed = host[0] == '[';
		*out = bracketed ? strndup(host + 1, len - 2) : strdup(host);
		return *out ? TRUST_OK : terr_set(err, TRUST_ENOMEM, "out of memory");
	}
	/* Plain ASCII needs no IDNA mapping, only the LDH check: this keeps
	 * libidn2's Unicode normalisation off the per-handshake path. */
	bool ascii_only = true;
	for (size_t i = 0; i < len && ascii_only; i++)
		ascii_only = (unsigned char)host[i] < 0x80;
	int rc = IDN2_OK;
	char name[DNS_MAX_NAME + 1];
	bool ok = ascii_only ? canonical(name, host, len, false) : to_a_labels(name, host, &rc);
	if (rc == IDN2_MALLOC)
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	if (rc != IDN2_OK)
		return terr_set(err, TRUST_EUSAGE, "host name '%s' is not a valid IDN (%s)", host,
				idn2_strerror(rc));
	if (!ok)
		return terr_set(err, TRUST_EUSAGE,
				"host name '%s' is not a DNS name (empty label or invalid character)",
				host);
	if (!(*out = strdup(name)))
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	return TRUST_OK;
}

/* May "*.rest" be used?  Two or more labels, and rest not an ICANN public suffix. */
static bool wildcard_allowed(const char *rest)
{
	if (!strchr(rest, '.'))
		return false;
	const psl_ctx_t *psl = psl_builtin();
	if (!psl)
		return true; /* built without a list: the two-label rule still holds */
	return !psl_is_public_suffix2(psl, rest, PSL_TYPE_ICANN);
}

bool tnames_dns_match(const char *pattern, size_t plen, const char *host)
{
	if (!pattern || !host || !*host || memchr(pattern, '\0', plen))
		return false;
	char p[DNS_MAX_NAME + 1];
	if (!canonical(p, pattern, plen, true))
		return false;
	bool match;
	if (p[0] != '*') {
		match = strcmp(p, host) == 0;
	} else {
		/* canonical() admitted "*" only as the whole first label */
		const char *rest = p + 2;
		const char *dot = strchr(host, '.');
		match = p[1] == '.' && dot && dot != host && strcmp(dot + 1, rest) == 0 &&
			wildcard_allowed(rest);
	}
	return match;
}

/* An "xn--" label must decode, and encode back to itself (RFC 5890 §2.3.2.1). */
static bool a_label_ok(const char *l, size_t n)
{
	char buf[DNS_MAX_LABEL + 1], *u = NULL, *back = NULL;
	memcpy(buf, l, n);
	buf[n] = '\0';
	bool ok = idn2_to_unicode_8z8z(buf, &u, 0) == IDN2_OK &&
		  idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL) == IDN2_OK && strcmp(back, buf) == 0;
	idn2_free(u);
	idn2_free(back);
	return ok;
}

const char *tnames_host_syntax(const char *name)
{
	bool wild = name[0] == '*' && name[1] == '.';
	const char *rest = wild ? name + 2 : name;
	int rc = IDN2_OK;
	bool ascii_only = true;
	for (const char *c = rest; *c && ascii_only; c++)
		ascii_only = (unsigned char)*c < 0x80;
	char buf[DNS_MAX_NAME + 1];
	bool ok = ascii_only ? canonical(buf, rest, strlen(rest), false)
			     : to_a_labels(buf, rest, &rc);
	const char *c = ok ? buf : NULL;
	const char *why = NULL;
	if (!c)
		why = "not a DNS name: labels of letters, digits, '-' and '_', 1 to 63 bytes, 253 in all; "
		      "'*' only as the whole first label";
	for (const char *l = c; !why && l && *l;) {
		const char *dot = strchr(l, '.');
		size_t n = dot ? (size_t)(dot - l) : strlen(l);
		if (l[0] == '-' || l[n - 1] == '-')
			why = "a DNS label may not begin or end with '-'";
		else if (n >= 4 && strncmp(l, "xn--", 4) == 0 && !a_label_ok(l, n))
			why = "an 'xn--' label is not a valid A-label (IDNA punycode)";
		l = dot ? dot + 1 : NULL;
	}
	if (!why && wild && !wildcard_allowed(c))
		why = "a wildcard needs two labels after it, not a public suffix ('*.com', '*.co.uk' "
		      "match nothing)";
	return why;
}
