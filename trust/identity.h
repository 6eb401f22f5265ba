/* Client identity sets shared by loading (identity.c) and selection (identity_select.c). */
#ifndef TRUST_IDENTITY_H
#define TRUST_IDENTITY_H

#include "internal.h"

typedef struct tident {
	char *label;
	EVP_PKEY *key;
	X509 *leaf;
	STACK_OF(X509) *chain; /* built issuers of leaf, nearest first */
	unsigned group;        /* configured entry it came from: the first tie-break */
} tident;

struct trust_identity_set {
	tident *v;
	size_t n, cap;
	unsigned groups;
};

#endif
