/* IP address literals: parsed to bytes so "::1" and "0:0::1" compare equal. */
#include "internal.h"

#include <arpa/inet.h>
#include <string.h>

int tnames_parse_ip(unsigned char out[16], size_t *len, const char *ip)
{
	*len = 0;
	if (!ip)
		return -1;
	if (inet_pton(AF_INET, ip, out) == 1) {
		*len = 4;
		return 0;
	}
	/* Accept a bracketed IPv6 literal as URLs write it. */
	char buf[64];
	size_t n = strlen(ip);
	if (n >= 2 && n < sizeof(buf) && ip[0] == '[' && ip[n - 1] == ']') {
		memcpy(buf, ip + 1, n - 2);
		buf[n - 2] = '\0';
		ip = buf;
	}
	if (inet_pton(AF_INET6, ip, out) == 1) {
		*len = 16;
		return 0;
	}
	return -1;
}

const char *tnames_ip_text(char *buf, size_t len, const ASN1_OCTET_STRING *a)
{
	int n = ASN1_STRING_length(a);
	buf[0] = '\0';
	if ((n == 4 || n == 16) &&
	    !inet_ntop(n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(a), buf, (socklen_t)len))
		buf[0] = '\0';
	return buf;
}
