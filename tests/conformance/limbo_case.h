/* One x509-limbo testcase turned into libtrust inputs and run. */
#ifndef LIMBO_CASE_H
#define LIMBO_CASE_H

#include <jansson.h>
#include <stdbool.h>

typedef struct limbo_outcome {
	bool ran;            /* false if the inputs could not be built (error[] says why) */
	bool trusted;
	const char *policy;  /* the policy the testcase ran under (static text) */
	char reason[128];    /* headline reason id */
	char message[512];   /* its human message */
	char error[512];
	char detail[1024];  /* error finding ids of the reported path (id@cert, ...) */
} limbo_outcome;

#include "trust.h"

/* The policy files a testcase may run under, loaded from policies/ (any may be
 * NULL: the base rule set of that name is used instead). */
typedef struct limbo_policies {
	trust_policy *tls_server, *tls_client, *webpki, *rfc5280;
} limbo_policies;

/* Evaluates testcase `tc` (a JSON object) under the policy it is written for
 * and fills *out. */
void limbo_case_run(limbo_outcome *out, json_t *tc, const limbo_policies *pols);

/* Parses an RFC 3339 date-time into seconds since the epoch; 0 on success. */
int limbo_parse_time(long long *out, const char *s);

#endif
