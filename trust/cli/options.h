/* trustcheck's command line: parsed into one struct before anything is loaded. */
#ifndef TRUSTCHECK_OPTIONS_H
#define TRUSTCHECK_OPTIONS_H

#include <trust.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRUSTCHECK_VERSION TRUST_VERSION_STRING

typedef enum tc_format {
	TC_FORMAT_TEXT = 0, TC_FORMAT_JSON, TC_FORMAT_CBOR, TC_FORMAT_DOT, TC_FORMAT_SVG, TC_FORMAT_HTML
} tc_format;

/* Store inputs, kept in command-line order so messages follow what the user typed. */
typedef enum tc_input_kind {
	TC_ANCHORS,        /* user- or administrator-installed roots */
	TC_SYSTEM_ANCHORS, /* --system-anchors=FILE|DIR: roots treated as built into the OS */
	TC_APP_ANCHORS,    /* roots the app sets in code */
	TC_INTERMEDIATES,
	TC_CRL,
	TC_OCSP
} tc_input_kind;

typedef struct tc_input {
	tc_input_kind kind;
	const char *path; /* borrowed from argv */
} tc_input;

typedef struct tc_options {
	const char **chains;      /* chain files, borrowed from argv */
	size_t nchains;
	tc_input *inputs;
	size_t ninputs;
	bool have_anchors;        /* at least one --anchors, --app-anchors or --system-anchors=PATH */
	bool system_anchors;      /* plain --system-anchors: OpenSSL's default bundle */
	const char *host;
	const char *ip;
	const char *email;        /* --email: client reference identity (SAN rfc822Name) */
	const char *uri;          /* --uri: client reference identity (SAN URI) */
	const char *identities;   /* --identities DIR, with --connect: mTLS identity diagnostics */
	const char **policies;    /* --policy NAME|PATH in order, borrowed from argv */
	size_t npolicies;
	const char *ats_plist;    /* --ats-plist FILE, or NULL */
	bool ct_off;              /* --ct off */
	const char *ct_log_list;  /* --ct-log-list FILE: SCTs are verified against it, or NULL */
	unsigned int revocation;  /* --revocation: TRUST_EVAL_REVOCATION_* flag, 0 for soft */
	bool list_policies;
	trust_purpose purpose;
	bool purpose_given;       /* --purpose was on the command line */
	int64_t at;               /* 0: now */
	int max_depth;            /* -1: library default */
	const char *password;      /* PKCS#12 password, or NULL */
	const char *password_file; /* file whose first line is the password, or NULL */
	tc_format format;
	const char *connect;      /* --connect HOST[:PORT] or https URL, or NULL */
	int timeout_ms;           /* --timeout, for --connect (10 s) */
	bool ats_diagnostics;     /* --ats-diagnostics, with --connect */
	bool explain, quiet, help, version;
} tc_options;

/*
 * Parses argv into *o (released with tc_options_cleanup).  Returns 0, or 2
 * with a one-line message in msg for a usage error.
 */
int tc_options_parse(tc_options *o, int argc, char **argv, char *msg, size_t msglen);
/* Frees the arrays tc_options_parse allocated (safe on a zeroed struct). */
void tc_options_cleanup(tc_options *o);

#endif
