/* trustcheck --ats-diagnostics: nscurl --ats-diagnostics from Linux (ats_diag.c). */
#ifndef TRUSTCHECK_ATS_DIAG_H
#define TRUSTCHECK_ATS_DIAG_H

#include <stdio.h>
#include <trust.h>

/* What the diagnostics need from the command line; everything borrowed. */
typedef struct tc_diag_input {
	const char *target;             /* --connect value */
	const char *host, *ip;          /* what the chain is checked against */
	const char *const *policies;    /* base policy stack (names or paths) */
	size_t npolicies;
	const trust_store *store;
	int64_t at;
	int timeout_ms;
	const trust_ct_logs *ct_logs;   /* --ct-log-list, or NULL */
	unsigned int flags;             /* TRUST_EVAL_NO_CT for --ct off */
} tc_diag_input;

/* Tries each ATS configuration and prints the table and the smallest fix;
 * returns the exit status: 0 default settings work, 1 not, 2 error. */
int tc_ats_diagnostics(FILE *out, const tc_diag_input *in);

#endif
