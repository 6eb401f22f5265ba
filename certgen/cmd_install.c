/*
 * certgen install / uninstall: the root into (out of) the trust stores of
 * this machine, as mkcert -install does: the system store (Debian/Ubuntu
 * update-ca-certificates, Fedora/RHEL update-ca-trust), NSS databases with
 * certutil (Chromium and Firefox on Linux) and a Java keystore with keytool,
 * each only when present.  Every path is under a trust root (--trust-root or
 * $CERTGEN_TRUST_ROOT, default /), so tests install into a temporary tree.
 * System-wide changes need --yes; without it certgen says what it would do.
 */
#include "certgen.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef struct inst {
	const cg_opts *o;
	bool remove, yes;
	const char *root;      /* trust root prefix, "" for / */
	const char *cert;      /* DIR/ca.pem */
	char nick[64];         /* certgen-<16 hex of the SHA-256 fingerprint> */
	json_t *changes;       /* what was done */
	int skipped_system;    /* system-wide steps left for --yes */
	int failed;
} inst;

static bool on_path(const char *tool)
{
	const char *path = getenv("PATH");
	char buf[4096];
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, tool);
		if (n && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Runs argv (no shell), its output on stderr (nowhere with --quiet); true on exit 0. */
static bool run(inst *in, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (in->o->quiet) {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	} else {
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	}
	pid_t pid;
	int status = -1;
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	bool ok = err == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok) {
		in->failed++;
		cg_fail(CG_USAGE, "'%s' failed (%s)", argv[0],
			err ? strerror(err) : "see its output above");
	}
	return ok;
}

/* Runs a query silently: true when it exits 0 (an absent entry is no failure). */
static bool probe(inst *in, char *const argv[])
{
	cg_opts quiet = *in->o;
	quiet.quiet = true;
	const cg_opts *keep = in->o;
	int failed = in->failed;
	in->o = &quiet;
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, 2); /* run() names a failed command on stderr: a probe is expected to fail */
	bool ok = run(in, argv);
	if (saved >= 0 && null >= 0)
		dup2(saved, 2);
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	in->o = keep;
	in->failed = failed;
	return ok;
}

static void note(inst *in, const char *store, const char *what, const char *where)
{
	json_array_append_new(in->changes, json_pack("{s:s, s:s, s:s}", "store", store, "change", what,
						     "path", where));
	cg_say(in->o, "%-7s %s %s\n", store, what, where);
}

/* A system-wide step: done with --yes, else only announced. */
static bool allowed(inst *in, const char *store, const char *where)
{
	if (in->yes)
		return true;
	in->skipped_system++;
	cg_say(in->o, "%-7s would %s %s (system-wide: needs --yes)\n", store,
	       in->remove ? "remove the root from" : "add the root to", where);
	return false;
}

/* Copies the root into a system anchor directory, or removes it; true when the file changed. */
static bool place(inst *in, const char *store, const char *dir, const char *ext)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/%s%s", dir, in->nick, ext);
	if (in->remove) {
		if (!cg_exists(p))
			return false;
		if (unlink(p) != 0) {
			in->failed++;
			cg_fail(CG_USAGE, "%s: cannot remove: %s", p, strerror(errno));
			return false;
		}
		note(in, store, "removed", p);
		return true;
	}
	size_t n = 0;
	char *pem = NULL;
	X509 *x = cg_cert_load(in->cert);
	pem = x ? cg_cert_pem(x, &n) : NULL;
	X509_free(x);
	int rc = pem ? cg_write_file(p, pem, n, 0644, true) : CG_USAGE;
	free(pem);
	if (rc != CG_OK) {
		in->failed++;
		return false;
	}
	note(in, store, "added", p);
	return true;
}

static void debian(inst *in)
{
	char local[4096], certs[4096], conf[4096], share[4096], hooks[4096];
	snprintf(local, sizeof local, "%s/usr/local/share/ca-certificates", in->root);
	if (!is_dir(local) || !on_path("update-ca-certificates"))
		return;
	if (!allowed(in, "debian", local) || !place(in, "debian", local, ".crt"))
		return;
	snprintf(certs, sizeof certs, "%s/etc/ssl/certs", in->root);
	snprintf(conf, sizeof conf, "%s/etc/ca-certificates.conf", in->root);
	snprintf(share, sizeof share, "%s/usr/share/ca-certificates", in->root);
	snprintf(hooks, sizeof hooks, "%s/etc/ca-certificates/update.d", in->root);
	char *argv[] = { "update-ca-certificates", in->remove ? "--fresh" : NULL, NULL, NULL, NULL,
			 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	if (*in->root) {
		/* The tool's own options for every directory it touches: nothing outside the root. */
		char *dirs[] = { "--certsconf", conf, "--certsdir", share, "--localcertsdir", local,
				 "--etccertsdir", certs, "--hooksdir", hooks };
		int k = in->remove ? 2 : 1;
		for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
			argv[k++] = dirs[i];
	}
	if (run(in, argv))
		note(in, "debian", "ran", "update-ca-certificates");
}

static void fedora(inst *in)
{
	char anchors[4096], out[4096];
	snprintf(anchors, sizeof anchors, "%s/etc/pki/ca-trust/source/anchors", in->root);
	if (!is_dir(anchors))
		return;
	if (!allowed(in, "fedora", anchors) || !place(in, "fedora", anchors, ".pem"))
		return;
	if (!on_path("update-ca-trust")) {
		cg_warn(in->o, "update-ca-trust is not on PATH: run 'update-ca-trust extract' to finish");
		return;
	}
	snprintf(out, sizeof out, "%s/etc/pki/ca-trust/extracted", in->root);
	char *argv[] = { "update-ca-trust", "extract", *in->root ? "--output" : NULL, out, NULL };
	if (run(in, argv))
		note(in, "fedora", "ran", "update-ca-trust extract");
}

/* One NSS database (cert9.db): Chromium's ~/.pki/nssdb, Firefox profiles. */
static void nss_db(inst *in, const char *dir)
{
	char db[4200];
	snprintf(db, sizeof db, "sql:%s", dir);
	char *argv_add[] = { "certutil", "-A", "-d", db, "-t", "C,,", "-n", in->nick, "-i",
			     (char *)in->cert, NULL };
	char *argv_del[] = { "certutil", "-D", "-d", db, "-n", in->nick, NULL };
	if (in->remove) {
		/* Absent already is fine: uninstall twice is not an error. */
		char *argv_has[] = { "certutil", "-L", "-d", db, "-n", in->nick, NULL };
		if (probe(in, argv_has) && run(in, argv_del))
			note(in, "nss", "removed", dir);
	} else if (run(in, argv_add)) {
		note(in, "nss", "added", dir);
	}
}

static void nss(inst *in, json_t *dirs)
{
	if (!on_path("certutil"))
		return;
	size_t i;
	json_t *d;
	if (json_array_size(dirs) > 0) {
		json_array_foreach(dirs, i, d)
			nss_db(in, json_string_value(d));
		return;
	}
	const char *home = getenv("HOME");
	char p[4096];
	snprintf(p, sizeof p, "%s/.pki/nssdb/cert9.db", home ? home : "");
	if (home && cg_exists(p)) {
		snprintf(p, sizeof p, "%s/.pki/nssdb", home);
		nss_db(in, p);
	}
	glob_t g;
	snprintf(p, sizeof p, "%s/.mozilla/firefox/*/cert9.db", home ? home : "");
	if (home && glob(p, 0, NULL, &g) == 0) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			*strrchr(g.gl_pathv[k], '/') = '\0';
			nss_db(in, g.gl_pathv[k]);
		}
		globfree(&g);
	}
}

static void java(inst *in, const char *keystore, const char *pass)
{
	char ks[4096];
	if (!on_path("keytool"))
		return;
	if (keystore) {
		snprintf(ks, sizeof ks, "%s", keystore);
	} else {
		const char *jh = getenv("JAVA_HOME");
		snprintf(ks, sizeof ks, "%s/etc/ssl/certs/java/cacerts", in->root);
		if (!cg_exists(ks) && jh && !*in->root)
			snprintf(ks, sizeof ks, "%s/lib/security/cacerts", jh);
	}
	if (!cg_exists(ks) || (!keystore && !allowed(in, "java", ks)))
		return;
	char sp[300];
	snprintf(sp, sizeof sp, "%s", pass);
	char *has[] = { "keytool", "-list", "-alias", in->nick, "-keystore", ks, "-storepass", sp, NULL };
	if (in->remove) {
		char *del[] = { "keytool", "-delete", "-alias", in->nick, "-keystore", ks, "-storepass",
				sp, NULL };
		if (probe(in, has) && run(in, del))
			note(in, "java", "removed", ks);
		return;
	}
	char *add[] = { "keytool", "-importcert", "-noprompt", "-trustcacerts", "-alias", in->nick,
			"-file", (char *)in->cert, "-keystore", ks, "-storepass", sp, NULL };
	if (probe(in, has))
		cg_say(in->o, "java    already in %s\n", ks);
	else if (run(in, add))
		note(in, "java", "added", ks);
}

static int install(const cg_opts *o, int argc, char **argv, bool remove)
{
	const char *cmd = remove ? "uninstall" : "install", *root = getenv("CERTGEN_TRUST_ROOT");
	const char *keystore = NULL, *pass = "changeit", *v;
	json_t *nssdirs = json_array();
	inst in = { .o = o, .remove = remove, .changes = json_array() };
	int rc = nssdirs && in.changes ? CG_OK : CG_USAGE;
	for (int i = 1; rc == CG_OK && i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--trust-root", &root)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--java", &keystore)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--storepass", &pass)) != 0) {
			rc = m < 0 ? CG_USAGE : CG_OK;
		} else if ((m = cg_optval(argc, argv, &i, "--nss", &v)) != 0) {
			rc = m < 0 ? CG_USAGE : CG_OK;
			if (m > 0)
				json_array_append_new(nssdirs, json_string(v));
		} else if (strcmp(argv[i], "--yes") == 0 || strcmp(argv[i], "-y") == 0) {
			in.yes = true;
		} else {
			rc = cg_bad_option(cmd, argv[i]);
		}
	}
	char cert[4096], rootbuf[4096];
	snprintf(cert, sizeof cert, "%s/ca.pem", o->dir);
	/* A trailing '/' or "/" itself would double slashes in every path. */
	snprintf(rootbuf, sizeof rootbuf, "%s", root ? root : "");
	for (size_t n = strlen(rootbuf); n > 0 && rootbuf[n - 1] == '/'; n--)
		rootbuf[n - 1] = '\0';
	in.root = rootbuf;
	in.cert = cert;
	X509 *x = rc == CG_OK && cg_have_root(o) ? cg_cert_load(cert) : NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdn = 0;
	if (rc == CG_OK && (!x || !X509_digest(x, EVP_sha256(), md, &mdn)))
		rc = cg_fail(CG_USAGE, "no root CA in %s; run '%s ca' first", o->dir, cg_cmd_prefix(o));
	if (rc == CG_OK && *in.root && !is_dir(in.root))
		rc = cg_fail(CG_USAGE, "--trust-root %s is not a directory", in.root);
	if (rc == CG_OK) {
		char *hex = cg_hex(md, 8);
		snprintf(in.nick, sizeof in.nick, "certgen-%s", hex ? hex : "root");
		free(hex);
		char cn[256] = "";
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
		cg_say(o, "%s root '%s' (%s) %s %s\n", remove ? "removing" : "installing", cg_esc(cn),
		       in.nick, remove ? "from the trust stores under" : "into the trust stores under",
		       *in.root ? in.root : "/");
		debian(&in);
		fedora(&in);
		nss(&in, nssdirs);
		java(&in, keystore, pass);
		if (in.failed)
			rc = CG_USAGE;
		else if (in.skipped_system)
			rc = cg_fail(CG_REFUSED, "nothing system-wide was changed; run '%s %s --yes' (as "
						 "root) to do what is listed above", cg_cmd_prefix(o), cmd);
		else if (json_array_size(in.changes) == 0)
			cg_say(o, "no trust store found to %s (nothing changed)\n", remove ? "clean" : "change");
	}
	if (o->json && rc != CG_USAGE)
		cg_print_json(json_pack("{s:s, s:s, s:O, s:i}", "root", cert, "nickname", in.nick,
					"changes", in.changes, "needs_yes", in.skipped_system));
	X509_free(x);
	json_decref(in.changes);
	json_decref(nssdirs);
	return rc;
}

int cmd_install(const cg_opts *o, int argc, char **argv)
{
	return install(o, argc, argv, false);
}

int cmd_uninstall(const cg_opts *o, int argc, char **argv)
{
	return install(o, argc, argv, true);
}
