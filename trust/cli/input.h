/* trustcheck's chain input: files, "-" for standard input, PKCS#12 passwords. */
#ifndef TRUSTCHECK_INPUT_H
#define TRUSTCHECK_INPUT_H

#include "trust.h"

/* Appends the certificates of `arg` ("-": standard input) to the chain. */
int tc_chain_add(trust_chain *c, const char *arg, trust_error *err);
/* First line of the file at `path`, without its newline (caller frees). */
int tc_read_password(char **out, const char *path, trust_error *err);

#endif
