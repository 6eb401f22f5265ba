/*
 * trustcheck's option parser.  Long options take their value as the next
 * argument or after '=' ("--host=x"); "--" ends the options.  Single-valued
 * options may be given once, so a typo cannot silently override a setting.
 */
#include "options.h"
#include "rfc3339.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum opt_id {
	O_HOST, O_IP, O_POLICY, O_ANCHORS, O_SYSTEM, O_APP_ANCHORS, O_INTER, O_AT, O_PURPOSE,
	O_DEPTH, O_CRL, O_FORMAT, O_EXPLAIN, O_QUIET, O_HELP, O_VERSION, O_LIST_POLICIES, O_CT,
	O_ATS_PLIST, O_PASSWORD, O_PASSWORD_FILE, O_CONNECT, O_TIMEOUT, O_ATS_DIAG, O_REVOCATION, O_OCSP,
	O_EMAIL, O_URI, O_IDENTITIES, O_CT_LOG_LIST, O_COUNT
} opt_id;

typedef struct opt_def {
	const char *name;
	char shortname;
	bool takes_value;
	bool repeatable;
	bool optional_value; /* only as "--name=value" */
} opt_def;

static const opt_def defs[O_COUNT] = {
	[O_HOST] = { "host", 0, true, false, false },
	[O_IP] = { "ip", 0, true, false, false },
	[O_EMAIL] = { "email", 0, true, false, false },
	[O_URI] = { "uri", 0, true, false, false },
	[O_IDENTITIES] = { "identities", 0, true, false, false },
	[O_POLICY] = { "policy", 0, true, true, false },
	[O_ANCHORS] = { "anchors", 0, true, true, false },
	[O_SYSTEM] = { "system-anchors", 0, false, true, true },
	[O_APP_ANCHORS] = { "app-anchors", 0, true, true, false },
	[O_INTER] = { "intermediates", 0, true, true, false },
	[O_AT] = { "at", 0, true, false, false },
	[O_PURPOSE] = { "purpose", 0, true, false, false },
	[O_DEPTH] = { "max-depth", 0, true, false, false },
	[O_CRL] = { "crl", 0, true, true, false },
	[O_FORMAT] = { "format", 0, true, false, false },
	[O_EXPLAIN] = { "explain", 0, false, true, false },
	[O_QUIET] = { "quiet", 'q', false, true, false },
	[O_HELP] = { "help", 'h', false, true, false },
	[O_VERSION] = { "version", 'V', false, true, false },
	[O_LIST_POLICIES] = { "list-policies", 0, false, true, false },
	[O_CT] = { "ct", 0, true, false, false },
	[O_ATS_PLIST] = { "ats-plist", 0, true, false, false },
	[O_PASSWORD] = { "password", 0, true, false, false },
	[O_PASSWORD_FILE] = { "password-file", 0, true, false, false },
	[O_CONNECT] = { "connect", 0, true, false, false },
	[O_TIMEOUT] = { "timeout", 0, true, false, false },
	[O_ATS_DIAG] = { "ats-diagnostics", 0, false, true, false },
	[O_REVOCATION] = { "revocation", 0, true, false, false },
	[O_OCSP] = { "ocsp", 0, true, true, false },
	[O_CT_LOG_LIST] = { "ct-log-list", 0, true, false, false },
};

__attribute__((format(printf, 3, 4)))
static int usage(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return 2;
}

/* Which option `arg` names, with *inline_value set for "--name=value"; -1 if none. */
static int lookup(const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	if (arg[0] == '-' && arg[1] && arg[1] != '-' && !arg[2]) {
		for (int i = 0; i < O_COUNT; i++)
			if (defs[i].shortname == arg[1])
				return i;
		return -1;
	}
	if (strncmp(arg, "--", 2) != 0)
		return -1;
	const char *name = arg + 2;
	size_t len = strcspn(name, "=");
	for (int i = 0; i < O_COUNT; i++)
		if (strlen(defs[i].name) == len && strncmp(defs[i].name, name, len) == 0) {
			if (name[len] == '=')
				*inline_value = name + len + 1;
			return i;
		}
	return -1;
}

static int set_value(tc_options *o, opt_id id, const char *v, char *msg, size_t n)
{
	switch (id) {
	case O_HOST:
		if (!*v)
			return usage(msg, n, "--host: empty host name");
		o->host = v;
		return 0;
	case O_IP:
		o->ip = v;
		return 0;
	case O_EMAIL:
		o->email = v;
		return 0;
	case O_URI:
		o->uri = v;
		return 0;
	case O_IDENTITIES:
		o->identities = v;
		return 0;
	case O_POLICY:
		if (!*v)
			return usage(msg, n, "--policy: empty policy name");
		o->policies[o->npolicies++] = v;
		return 0;
	case O_ANCHORS:
	case O_APP_ANCHORS:
	case O_SYSTEM:
	case O_INTER:
	case O_CRL:
	case O_OCSP:
		if (!*v)
			return usage(msg, n, "--%s: empty path", defs[id].name);
		o->inputs[o->ninputs].kind = id == O_ANCHORS ? TC_ANCHORS
					     : id == O_APP_ANCHORS ? TC_APP_ANCHORS
					     : id == O_SYSTEM ? TC_SYSTEM_ANCHORS
					     : id == O_INTER ? TC_INTERMEDIATES
					     : id == O_CRL ? TC_CRL : TC_OCSP;
		o->inputs[o->ninputs++].path = v;
		o->have_anchors |= id == O_ANCHORS || id == O_APP_ANCHORS || id == O_SYSTEM;
		return 0;
	case O_CT:
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return usage(msg, n, "--ct: '%s' is not on or off", v);
		o->ct_off = strcmp(v, "off") == 0;
		return 0;
	case O_CT_LOG_LIST:
		if (!*v)
			return usage(msg, n, "--ct-log-list: empty path");
		o->ct_log_list = v;
		return 0;
	case O_REVOCATION:
		if (strcmp(v, "soft") == 0)
			o->revocation = 0;
		else if (strcmp(v, "hard") == 0)
			o->revocation = TRUST_EVAL_REVOCATION_HARD;
		else if (strcmp(v, "off") == 0)
			o->revocation = TRUST_EVAL_REVOCATION_OFF;
		else
			return usage(msg, n, "--revocation: '%s' is not soft, hard or off", v);
		return 0;
	case O_ATS_PLIST:
		o->ats_plist = v;
		return 0;
	case O_AT:
		if (tc_parse_rfc3339(&o->at, v) != 0)
			return usage(msg, n, "--at: '%s' is not an RFC 3339 time such as "
				     "2026-01-02T03:04:05Z", v);
		if (o->at <= 0)
			return usage(msg, n, "--at: '%s' is not after 1970-01-01T00:00:00Z", v);
		return 0;
	case O_PURPOSE:
		if (strcmp(v, "server") == 0)
			o->purpose = TRUST_PURPOSE_SERVER;
		else if (strcmp(v, "client") == 0)
			o->purpose = TRUST_PURPOSE_CLIENT;
		else
			return usage(msg, n, "--purpose: '%s' is not server or client", v);
		return 0;
	case O_DEPTH: {
		char *end = NULL;
		errno = 0;
		long d = strtol(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end || errno || d > 1000000)
			return usage(msg, n, "--max-depth: '%s' is not a number from 0 to 1000000",
				     v);
		o->max_depth = (int)d;
		return 0;
	}
	case O_PASSWORD:
		o->password = v;
		return 0;
	case O_CONNECT:
		if (!*v)
			return usage(msg, n, "--connect: empty target");
		o->connect = v;
		return 0;
	case O_TIMEOUT: {
		char *end = NULL;
		errno = 0;
		double s = strtod(v, &end);
		if (!*v || *end || errno || !(s > 0 && s <= 3600))
			return usage(msg, n, "--timeout: '%s' is not a number of seconds from 0 to 3600",
				     v);
		o->timeout_ms = (int)(s * 1000 + 0.5) > 0 ? (int)(s * 1000 + 0.5) : 1;
		return 0;
	}
	case O_PASSWORD_FILE:
		o->password_file = v;
		return 0;
	case O_FORMAT:
		if (strcmp(v, "text") == 0)
			o->format = TC_FORMAT_TEXT;
		else if (strcmp(v, "json") == 0)
			o->format = TC_FORMAT_JSON;
		else if (strcmp(v, "cbor") == 0)
			o->format = TC_FORMAT_CBOR;
		else if (strcmp(v, "dot") == 0)
			o->format = TC_FORMAT_DOT;
		else if (strcmp(v, "svg") == 0)
			o->format = TC_FORMAT_SVG;
		else if (strcmp(v, "html") == 0)
			o->format = TC_FORMAT_HTML;
		else
			return usage(msg, n, "--format: '%s' is not text, json, cbor, dot, svg or html", v);
		return 0;
	default:
		return 0;
	}
}

static void set_flag(tc_options *o, opt_id id)
{
	switch (id) {
	case O_SYSTEM: o->system_anchors = true; break;
	case O_EXPLAIN: o->explain = true; break;
	case O_QUIET: o->quiet = true; break;
	case O_HELP: o->help = true; break;
	case O_VERSION: o->version = true; break;
	case O_LIST_POLICIES: o->list_policies = true; break;
	case O_ATS_DIAG: o->ats_diagnostics = true; break;
	default: break;
	}
}

int tc_options_parse(tc_options *o, int argc, char **argv, char *msg, size_t msglen)
{
	memset(o, 0, sizeof(*o));
	o->max_depth = -1;
	o->timeout_ms = 10000;
	size_t cap = argc > 0 ? (size_t)argc : 1;
	o->chains = calloc(cap, sizeof(*o->chains));
	o->inputs = calloc(cap, sizeof(*o->inputs));
	o->policies = calloc(cap, sizeof(*o->policies));
	if (!o->chains || !o->inputs || !o->policies)
		return usage(msg, msglen, "out of memory");
	bool seen[O_COUNT] = { false };
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			o->chains[o->nchains++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		const char *v = NULL;
		int id = lookup(arg, &v);
		if (id < 0)
			return usage(msg, msglen, "unknown option '%s'", arg);
		const opt_def *d = &defs[id];
		if (seen[id] && !d->repeatable)
			return usage(msg, msglen, "--%s given more than once", d->name);
		seen[id] = true;
		if (d->optional_value && v) {
			int rc = set_value(o, (opt_id)id, v, msg, msglen);
			if (rc)
				return rc;
			continue;
		}
		if (!d->takes_value) {
			if (v)
				return usage(msg, msglen, "--%s takes no value", d->name);
			set_flag(o, (opt_id)id);
			continue;
		}
		if (!v) {
			if (i + 1 >= argc)
				return usage(msg, msglen, "--%s needs a value", d->name);
			v = argv[++i];
		}
		int rc = set_value(o, (opt_id)id, v, msg, msglen);
		if (rc)
			return rc;
	}
	if (o->help || o->version || o->list_policies)
		return 0;
	if (o->host && o->ip)
		return usage(msg, msglen, "give --host or --ip, not both");
	if (o->password && o->password_file)
		return usage(msg, msglen, "give --password or --password-file, not both");
	if (o->connect && o->nchains > 0)
		return usage(msg, msglen, "give chain files or --connect, not both");
	if (o->ats_diagnostics && !o->connect)
		return usage(msg, msglen, "--ats-diagnostics goes with --connect HOST");
	if (seen[O_TIMEOUT] && !o->connect)
		return usage(msg, msglen, "--timeout goes with --connect");
	o->purpose_given = seen[O_PURPOSE];
	return 0;
}

void tc_options_cleanup(tc_options *o)
{
	free(o->chains);
	free(o->inputs);
	free(o->policies);
	o->chains = NULL;
	o->inputs = NULL;
	o->policies = NULL;
}
