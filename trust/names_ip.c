/* IP address parsing (placeholder until the matcher lands). */
#include "internal.h"

int tnames_parse_ip(unsigned char out[16], size_t *len, const char *ip)
{
	(void)out;
	(void)ip;
	*len = 0;
	return -1;
}
