/*
 * A reference URI (https://..., spiffe://trust-domain/path, urn:...) against
 * SAN uniformResourceIdentifier entries.  RFC 5280 §7.4 with RFC 3986 §6.2.2.1:
 * the scheme and the authority compare without regard to case, everything
 * after them exactly; no other normalisation, so "%41" is not "A".
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Length of "scheme:" plus "//authority" when present; 0 if there is no scheme. */
static size_t prefix_len(const char *s, size_t len)
{
	size_t i = 0;
	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
			   s[i] == '.'))
		i++;
	if (i == len || s[i] != ':')
		return 0;
	i++;
	if (i + 1 < len && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
			i++;
	}
	return i;
}

const char *tnames_uri_syntax(const char *uri)
{
	size_t len = strlen(uri), pre = prefix_len(uri, len);
	if (pre == 0)
		return "not a URI (no scheme:)";
	if (pre == len && uri[pre - 1] == ':')
		return "nothing after the scheme";
	for (const char *c = uri; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return "contains a space or control character";
	return NULL;
}

bool tnames_uri_match(const char *san, size_t len, const char *uri)
{
	if (memchr(san, '\0', len) || len != strlen(uri))
		return false;
	size_t pre = prefix_len(san, len);
	return pre != 0 && pre == prefix_len(uri, len) && strncasecmp(san, uri, pre) == 0 &&
	       memcmp(san + pre, uri + pre, len - pre) == 0;
}
