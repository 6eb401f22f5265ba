/*
 * certgen serve: an offline badssl.  The cases (serve_cases.c) are made fresh
 * on every start under one folder; the server (cmd_serve.c) picks the case
 * from the SNI name a client sends, or from the port with --ports.
 */
#ifndef CERTGEN_SERVE_H
#define CERTGEN_SERVE_H

#include "certgen.h"

#include <limits.h>

#define SV_DOMAIN "bad.test"
#define SV_MAX_CASES 64

typedef enum sv_chain {
	SV_CHAIN_FULL = 0,     /* leaf and intermediates, in order */
	SV_CHAIN_LEAF_ONLY,    /* the intermediates left out */
	SV_CHAIN_REORDERED     /* the intermediates sent in reverse order */
} sv_chain;

typedef struct sv_case {
	char name[128];        /* the SNI host name: KIND.bad.test */
	char kind[48];
	char expect[8];        /* "accept" or "reject": what a correct client decides */
	char policy[24];       /* the policy under which the rule applies */
	char rule[64];         /* the rule a correct client names, or "" */
	char why[200];
	char cert[PATH_MAX];   /* fullchain.pem: leaf first */
	char key[PATH_MAX];
	char anchor[PATH_MAX]; /* the root a client should trust for this case */
	char ocsp[PATH_MAX];   /* DER response to staple, or "" */
	char scts[PATH_MAX];   /* serverinfo.pem whose SCT list goes in the TLS extension, or "" */
	char ct_log_list[PATH_MAX]; /* the test CT log list a client needs for this case, or "" */
	int max_proto;         /* 0: library default; else e.g. TLS1_1_VERSION */
	const char *ciphers;   /* TLS 1.2 cipher list, or NULL for the default */
	sv_chain chain;
	bool weak;             /* a deliberately weak certificate: served at security level 0 */
	int port;              /* with --ports: this case's port */
} sv_case;

/* Makes every case under dir (bad kinds and connection cases) into cases[]; returns the count, -1 on error. */
int sv_cases_make(const cg_opts *o, const char *dir, sv_case *cases, size_t max);

#endif
