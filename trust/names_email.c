/*
 * A reference email address against SAN rfc822Name entries.  RFC 5280
 * §7.5: the local part is compared exactly (it may be case-sensitive at its
 * host), the domain without regard to ASCII case.  No wildcards exist here.
 */
#include "internal.h"

#include <string.h>
#include <strings.h>

const char *tnames_email_syntax(const char *email)
{
	const char *at = strrchr(email, '@');
	if (!at)
		return "not an email address (no '@')";
	if (at == email)
		return "empty local part";
	for (const char *c = email; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return "contains a space or control character";
	const char *why = tnames_host_syntax(at + 1);
	return why ? "the domain is not a host name" : NULL;
}

bool tnames_email_match(const char *san, size_t len, const char *email)
{
	if (memchr(san, '\0', len))
		return false; /* an embedded NUL would let "a@x\0.evil" pass as "a@x" */
	const char *at = NULL;
	for (size_t i = 0; i < len; i++)
		if (san[i] == '@')
			at = san + i;
	const char *ref_at = strrchr(email, '@');
	if (!at || !ref_at)
		return false;
	size_t local = (size_t)(at - san), ref_local = (size_t)(ref_at - email);
	size_t dom = len - local - 1;
	return local == ref_local && memcmp(san, email, local) == 0 &&
	       dom == strlen(ref_at + 1) && strncasecmp(at + 1, ref_at + 1, dom) == 0;
}
