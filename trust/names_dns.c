/* DNS name matching (placeholder until the matcher lands). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int tnames_normalize_host(char **out, const char *host, trust_error *err)
{
	*out = strdup(host);
	if (!*out)
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	return TRUST_OK;
}

bool tnames_dns_match(const char *pattern, size_t plen, const char *host)
{
	(void)pattern;
	(void)plen;
	(void)host;
	return false;
}
