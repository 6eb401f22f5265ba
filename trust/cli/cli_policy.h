/* trustcheck's policy plumbing: built-in lookup, stacking, Info.plist import. */
#ifndef TRUSTCHECK_CLI_POLICY_H
#define TRUSTCHECK_CLI_POLICY_H

#include "trust.h"

#include <stdbool.h>
#include <stdio.h>

/* Loads each NAME|PATH in order and stacks them into *out (NULL when n == 0). */
int tc_policy_stack(trust_policy **out, const char *const *names, size_t n, trust_error *err);
/* Prints one line per built-in policy; 0, or 2 if a file there does not load. */
int tc_list_policies(FILE *out);
/* The NSAppTransportSecurity of an Info.plist (XML or binary) as a policy layer. */
int tc_ats_plist_policy(trust_policy **out, const char *path, trust_error *err);

#endif
