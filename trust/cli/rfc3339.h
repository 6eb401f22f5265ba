/* RFC 3339 date-times on the command line, shared by trustcheck and certgen (rfc3339.c). */
#ifndef TRUSTCHECK_RFC3339_H
#define TRUSTCHECK_RFC3339_H

#include <stdint.h>

/* Strict RFC 3339 date-time ("2026-01-02T03:04:05Z", "...+01:00", fraction ignored) into
 * *out (seconds since the epoch); 0, or -1 for anything else. */
int tc_parse_rfc3339(int64_t *out, const char *s);

#endif
