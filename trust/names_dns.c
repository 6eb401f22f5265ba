/*
 * DNS host names: normalising the reference name and matching it against a
 * SAN dNSName.  Deliberate choices, each after RFC 6125 §6.4 and the CA/B
 * Forum Baseline Requirements as the web PKI applies them:
 *
 *  - only SAN dNSName is consulted, never the subject CN (RFC 6125 §6.4.4 lets
 *    clients skip the CN when a SAN exists; browsers and Go ignore it always);
 *  - ASCII case-insensitive; one trailing dot on either side is ignored;
 *  - the reference name is converted to A-labels (libidn2, IDNA 2008
 *    non-transitional), so U-labels and A-labels compare as bytes;
 *  - a wildcard is only "*" as the whole left-most label (§6.4.3), matching
 *    exactly one label, with at least two labels after it;
 *  - no partial wildcards ("f*o", "xn--*"), none in other labels;
 *  - no wildcard whose remainder is a public suffix ("*.co.uk"), per libpsl;
 *  - a presented name must be plain LDH ASCII (RFC 5280 §7.2: IA5String
 *    carries A-labels, never raw UTF-8).
 */
#include "internal.h"

#include <ctype.h>
#include <idn2.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

static bool ldh(unsigned char ch)
{
	return isalnum(ch) || ch == '-' || ch == '_';
}

/* Lower-cased copy with one trailing dot removed; NULL if not LDH labels. */
static char *canonical(const char *s, size_t len, bool allow_wildcard)
{
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return NULL;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '.') {
			if (label == 0)
				goto bad;
			label = 0;
		} else if (ldh(ch) || (allow_wildcard && ch == '*')) {
			if (++label > 63)
				goto bad;
		} else {
			goto bad;
		}
		out[i] = (char)tolower(ch);
	}
	if (label == 0)
		goto bad;
	out[len] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

int tnames_normalize_host(char **out, const char *host, trust_error *err)
{
	*out = NULL;
	if (!host || !*host)
		return terr_set(err, TRUST_EUSAGE, "host name is empty");
	char *ascii = NULL;
	int rc = idn2_to_ascii_8z(host, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK)
		rc = idn2_to_ascii_8z(host, &ascii, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK)
		return terr_set(err, TRUST_EUSAGE, "'%s' is not a valid host name (%s)", host,
				idn2_strerror(rc));
	*out = canonical(ascii, strlen(ascii), false);
	idn2_free(ascii);
	if (!*out)
		return terr_set(err, TRUST_EUSAGE, "'%s' is not a valid host name", host);
	return TRUST_OK;
}

/* "*.rest": rest must have two or more labels and not be a public suffix. */
static bool wildcard_allowed(const char *rest)
{
	if (!strchr(rest, '.'))
		return false;
	const psl_ctx_t *psl = psl_builtin();
	return !psl || !psl_is_public_suffix(psl, rest);
}

bool tnames_dns_match(const char *pattern, size_t plen, const char *host)
{
	if (!pattern || !host || memchr(pattern, '\0', plen))
		return false;
	char *p = canonical(pattern, plen, true);
	if (!p)
		return false;
	bool match = false;
	char *star = strchr(p, '*');
	if (!star) {
		match = strcmp(p, host) == 0;
	} else if (star == p && p[1] == '.' && !strchr(p + 1, '*') && wildcard_allowed(p + 2)) {
		const char *dot = strchr(host, '.');
		match = dot && dot != host && strcmp(dot + 1, p + 2) == 0;
	}
	free(p);
	return match;
}
