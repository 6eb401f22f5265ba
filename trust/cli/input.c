/*
 * Chain input as users have it: "-" is standard input (PEM, DER, PKCS#7 or
 * PKCS#12, as a file would be), and a PKCS#12 password comes from
 * --password or from the first line of --password-file (openssl's
 * "-passin file:" convention).
 */
#include "input.h"

#include <errno.h>
#include <stdbool.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* As much as libtrust reads from one file (trust/internal.h TRUST_MAX_FILE_BYTES). */
#define STDIN_MAX_BYTES (8u * 1024u * 1024u)

static int read_stdin(unsigned char **out, size_t *len, trust_error *err)
{
	size_t cap = 65536, n = 0;
	unsigned char *buf = malloc(cap);
	if (!buf)
		goto nomem;
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, stdin);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			if (cap >= STDIN_MAX_BYTES + 1) {
				free(buf);
				err->code = TRUST_ELIMIT;
				snprintf(err->message, sizeof(err->message),
					 "stdin: input too large (limit %u bytes)", STDIN_MAX_BYTES);
				return err->code;
			}
			size_t ncap = cap * 2 > STDIN_MAX_BYTES + 1 ? STDIN_MAX_BYTES + 1 : cap * 2;
			unsigned char *nb = realloc(buf, ncap);
			if (!nb)
				goto nomem;
			buf = nb;
			cap = ncap;
		}
	}
	if (ferror(stdin)) {
		free(buf);
		err->code = TRUST_EIO;
		snprintf(err->message, sizeof(err->message), "stdin: %s", strerror(errno));
		return err->code;
	}
	if (n == 0) {
		free(buf);
		err->code = TRUST_EPARSE;
		snprintf(err->message, sizeof(err->message), "stdin: empty input");
		return err->code;
	}
	*out = buf;
	*len = n;
	return TRUST_OK;
nomem:
	free(buf);
	err->code = TRUST_ENOMEM;
	snprintf(err->message, sizeof(err->message), "stdin: out of memory");
	return err->code;
}

int tc_chain_add(trust_chain *c, const char *arg, trust_error *err)
{
	if (strcmp(arg, "-") != 0)
		return trust_chain_add_file(c, arg, err);
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = read_stdin(&data, &len, err);
	if (rc == TRUST_OK)
		rc = trust_chain_add_mem(c, data, len, "stdin", err);
	free(data);
	return rc;
}

int tc_read_password(char **out, const char *path, trust_error *err)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f) {
		err->code = TRUST_EIO;
		snprintf(err->message, sizeof(err->message), "%s: %s", path, strerror(errno));
		return err->code;
	}
	char line[1024];
	bool got = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	if (!got) {
		err->code = TRUST_EPARSE;
		snprintf(err->message, sizeof(err->message), "%s: empty password file", path);
		return err->code;
	}
	line[strcspn(line, "\r\n")] = '\0';
	*out = strdup(line);
	OPENSSL_cleanse(line, sizeof(line));
	if (!*out) {
		err->code = TRUST_ENOMEM;
		snprintf(err->message, sizeof(err->message), "out of memory");
		return err->code;
	}
	return TRUST_OK;
}
