/* trustcheck --connect HOST --identities DIR: which client identity the server would get. */
#ifndef TRUSTCHECK_IDENTITIES_H
#define TRUSTCHECK_IDENTITIES_H

#include <stdio.h>

/* Prints the CA names the server asks for and the identity chosen from `dir`, with
 * every other one's reason.  0 one fits, 1 none fits or the handshake failed, 2 bad input. */
int tc_identity_diagnostics(FILE *out, const char *target, const char *sni, int timeout_ms,
			    const char *dir);

#endif
