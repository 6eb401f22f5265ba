/*
 * certgen: a private test PKI in one command.  Global options, then a
 * command from the table below; every command has --help with examples.
 */
#include "certgen.h"
#include "internal.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help.h"

#include <trust.h>

static const cg_cmd commands[] = {
	{ .name = "ca", .run = cmd_ca, .help = HELP_CA, .standalone = true,
	  .summary = "create the self-signed root" },
	{ .name = "intermediate", .run = cmd_intermediate, .help = HELP_INTERMEDIATE,
	  .summary = "issue an intermediate CA" },
	{ .name = "leaf", .run = cmd_leaf, .help = HELP_LEAF,
	  .summary = "issue a server certificate" },
	{ .name = "client", .run = cmd_client, .help = HELP_CLIENT,
	  .summary = "issue a client (clientAuth) certificate" },
	{ .name = "sign", .run = cmd_sign, .help = HELP_SIGN,
	  .summary = "issue a leaf for the key in a CSR (copies only its SANs)" },
	{ .name = "renew", .run = cmd_renew, .help = HELP_RENEW,
	  .summary = "reissue a certificate with the same key and names, new dates" },
	{ .name = "install", .run = cmd_install, .help = HELP_INSTALL,
	  .summary = "add the root to this machine's trust stores (system, NSS, Java)" },
	{ .name = "uninstall", .run = cmd_uninstall, .help = HELP_UNINSTALL,
	  .summary = "remove the root from those trust stores" },
	{ .name = "cross", .run = cmd_cross, .help = HELP_CROSS,
	  .summary = "cross-sign an existing CA under another issuer" },
	{ .name = "revoke", .run = cmd_revoke, .help = HELP_REVOKE,
	  .summary = "mark a certificate revoked" },
	{ .name = "crl", .run = cmd_crl, .help = HELP_CRL,
	  .summary = "write a signed CRL" },
	{ .name = "ocsp", .run = cmd_ocsp, .help = HELP_OCSP,
	  .summary = "write a signed OCSP response" },
	{ .name = "responder", .run = cmd_responder, .help = HELP_RESPONDER,
	  .summary = "issue a delegated OCSP responder certificate" },
	{ .name = "p12", .run = cmd_p12, .help = HELP_P12,
	  .summary = "export key + chain as PKCS#12" },
	{ .name = "bundle", .run = cmd_bundle, .help = HELP_BUNDLE,
	  .summary = "write every CA certificate into one PEM" },
	{ .name = "pin", .run = cmd_pin, .help = HELP_PIN, .standalone = true,
	  .summary = "print a certificate's SPKI SHA-256 pin" },
	{ .name = "mobileconfig", .run = cmd_mobileconfig, .help = HELP_MOBILECONFIG,
	  .summary = "iOS/macOS profile that installs the root" },
	{ .name = "android", .run = cmd_android, .help = HELP_ANDROID,
	  .summary = "root as DER, <hash>.0 and network_security_config.xml" },
	{ .name = "bad", .run = cmd_bad, .help = HELP_BAD, .standalone = true,
	  .summary = "make broken certificates (the offline catalogue)" },
	{ .name = "apply", .run = cmd_apply, .help = HELP_APPLY, .standalone = true,
	  .summary = "build a hierarchy declared in a JSON file (docs/fixtures.md)" },
	{ .name = "list", .run = cmd_list, .help = HELP_LIST,
	  .summary = "show what exists, with expiry" },
	{ .name = "ct-log", .run = cmd_ct_log, .help = HELP_CT_LOG,
	  .summary = "create a test CT log, or change its state in the log list" },
	{ .name = "serve", .run = cmd_serve, .help = HELP_SERVE, .standalone = true,
	  .summary = "offline badssl: serve every bad case over TLS" },
};

const cg_cmd *cg_cmd_find(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fputs("usage: certgen [--dir DIR] [--force] [--quiet] [--format text|json] COMMAND [ARGS]\n"
	      "       certgen --help | -h | --version | -V\n\n"
	      "commands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fputs("\nState directory: --dir, else $CERTGEN_DIR, else ./pki.\n"
	      "Exit status: 0 ok, 1 refused, 2 usage or input error.\n"
	      "'certgen COMMAND --help' shows a command's options and examples.\n\n"
	      "example:\n  certgen ca && certgen leaf localhost 127.0.0.1 ::1\n", f);
}

/* Removes the global options from argv (anywhere before "--"); returns the new argc or -1. */
static int globals(cg_opts *o, int argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "--dir") == 0 || strcmp(a, "--format") == 0) {
			if (i + 1 >= argc)
				return cg_fail(-1, "%s needs a value", a);
			const char *v = argv[++i];
			if (a[2] == 'd') {
				/* "--dir $UNSET" must not quietly mean ./pki. */
				if (!*v)
					return cg_fail(-1, "--dir needs a directory, not an empty string");
				o->dir = v;
			} else if (strcmp(v, "json") == 0 || strcmp(v, "text") == 0) {
				o->json = strcmp(v, "json") == 0;
			} else if (strcmp(v, "dot") == 0) {
				o->dot = true;
			} else {
				return cg_fail(-1, "--format must be text, json or dot (list only), not '%s'",
					       cg_esc(v));
			}
		} else if (strcmp(a, "--force") == 0) {
			o->force = true;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o->quiet = true;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	cg_opts o = { 0 };
	/* certgen's choices are explicit in its code; a system openssl.cnf (read at
	 * every start otherwise) must not change what it issues. */
	if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) || !terr_ossl_ready())
		return cg_fail(CG_USAGE, "OpenSSL could not start (out of memory?)");
	argc = globals(&o, argc, argv);
	if (argc < 0)
		return CG_USAGE;
	if (!o.dir) {
		o.dir = getenv("CERTGEN_DIR");
		if (o.dir && !*o.dir)
			return cg_fail(CG_USAGE, "CERTGEN_DIR is set but empty; unset it (./pki) or name a "
						 "directory");
	}
	if (!o.dir)
		o.dir = CG_DEFAULT_DIR;
	cg_set_root(o.dir);
	if (argc < 2) {
		usage(stderr);
		return CG_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		const cg_cmd *c = argc > 2 ? cg_cmd_find(argv[2]) : NULL;
		if (c)
			fputs(c->help, stdout);
		else
			usage(stdout);
		return CG_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("certgen " TRUST_VERSION_STRING);
		return CG_OK;
	}
	const cg_cmd *c = cg_cmd_find(argv[1]);
	if (!c) {
		cg_fail(CG_USAGE, "unknown command '%s'", argv[1]);
		usage(stderr);
		return CG_USAGE;
	}
	if (cg_want_help(c, argc - 1, argv + 1))
		return CG_OK;
	if (o.dot && strcmp(c->name, "list") != 0)
		return cg_fail(CG_USAGE, "--format dot is for list only");
	/* Only ca (and the commands that need no state) may start a directory; the
	 * others must not leave an empty one behind after a typo in --dir. */
	if (!c->standalone && !cg_exists(o.dir))
		return cg_fail(CG_USAGE, "no state directory '%s'; run '%s ca' first, or pass --dir "
					 "(or set CERTGEN_DIR) to an existing one", o.dir, cg_cmd_prefix(&o));
	int rc = c->run(&o, argc - 1, argv + 1);
	cg_sync_dirs();
	ERR_clear_error();
	return rc;
}
