/*
 * certgen crash consistency: commands killed with SIGKILL, at random
 * instants and at every named step of the transaction (CERTGEN_TEST_PAUSE),
 * and commands whose disk fills up (CERTGEN_TEST_ENOSPC_AFTER).  After each,
 * the state directory must hold the old state or the new one:
 *   - `list` succeeds and leaves no journal or staged file behind;
 *   - every certificate on disk is in the state, as its name's current entry,
 *     and every current entry's certificate is on disk;
 *   - every key matches its certificate, no folder holds a key alone;
 *   - a CRL on disk carries the number the state has for its issuer;
 *   - the next command works without --force.
 * Each command runs in a forked child calling the command's function, as
 * main does.  CERTGEN_KILL_RUNS sets the number of random kills (default
 * 200); the counts are printed for the record.
 */
#include "../../certgen/certgen.h"
#include "support_tmpdir.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/pem.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
	/* tmpfs when there is one: a SIGKILL does not care about fsync, and
	 * fsyncs on a busy disk would make the loop minutes long. */
	struct stat sb;
	snprintf(dir, sizeof dir, "%s/certgen-crash-XXXXXX",
		 stat("/dev/shm", &sb) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("CERTGEN_TEST_PAUSE");
	unsetenv("CERTGEN_TEST_ENOSPC_AFTER");
}

static void teardown(void)
{
	st_rmtree(dir);
}

typedef int (*cmd_fn)(const cg_opts *, int, char **);

/* How a run ended. */
enum { R_EXIT0, R_EXIT_OTHER, R_KILLED };

typedef struct run_opts {
	bool force;
	long kill_after_us;     /* <0: never */
	const char *pause;      /* kill when the child announces this step */
	long enospc_after;      /* <0: no injected failure */
	int *exit_code;
} run_opts;

/* Runs fn(argv) in a child; kills it as asked.  Returns R_*. */
static int run(cmd_fn fn, const run_opts *r, int argc, char **argv)
{
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(pfd[1], 2);
		if (r->pause)
			setenv("CERTGEN_TEST_PAUSE", r->pause, 1);
		if (r->enospc_after >= 0) {
			char n[32];
			snprintf(n, sizeof n, "%ld", r->enospc_after);
			setenv("CERTGEN_TEST_ENOSPC_AFTER", n, 1);
		}
		cg_opts o = { 0 };
		o.dir = dir;
		o.force = r->force;
		o.quiet = true;
		cg_set_root(dir);
		int rc = fn(&o, argc, argv);
		fflush(NULL);
		_exit(rc);
	}
	close(pfd[1]);
	if (r->pause) {
		/* Read the child's stderr until it says it has reached the step. */
		char buf[4096];
		size_t n = 0;
		bool seen = false;
		while (!seen && n + 1 < sizeof buf) {
			struct pollfd p = { pfd[0], POLLIN, 0 };
			if (poll(&p, 1, 20000) <= 0)
				break;
			ssize_t k = read(pfd[0], buf + n, sizeof buf - 1 - n);
			if (k <= 0)
				break;
			n += (size_t)k;
			buf[n] = '\0';
			seen = strstr(buf, "test pause at ") != NULL;
		}
		ck_assert_msg(seen, "%s never reached step %s (stderr: %s)", argv[0], r->pause, buf);
		kill(pid, SIGKILL);
	} else if (r->kill_after_us >= 0) {
		struct timespec ts = { r->kill_after_us / 1000000, (r->kill_after_us % 1000000) * 1000 };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(pfd[0]);
	if (WIFSIGNALED(status))
		return R_KILLED;
	if (r->exit_code)
		*r->exit_code = WEXITSTATUS(status);
	return WEXITSTATUS(status) == 0 ? R_EXIT0 : R_EXIT_OTHER;
}

#define RUN(fn, ...) \
	({ \
		char *argv_[] = { __VA_ARGS__, NULL }; \
		run_opts r_ = { false, -1, NULL, -1, NULL }; \
		run((fn), &r_, (int)(sizeof argv_ / sizeof argv_[0]) - 1, argv_); \
	})

static X509 *load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return x;
}

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return k;
}

static void serial_of(X509 *x, char out[80])
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	snprintf(out, 80, "%s", h ? h : "");
	OPENSSL_free(h);
	BN_free(bn);
}

static bool is_ours(const char *n)
{
	return strncmp(n, ".stage.", 7) == 0 || strncmp(n, ".old.", 5) == 0 || strstr(n, ".tmp.");
}

/* A certificate + key pair on disk agrees with the state: returns a problem or NULL. */
static const char *check_pair(cg_state *st, const char *name, const char *certp, const char *keyp,
			      bool key_required, char *why, size_t wn)
{
	bool have_cert = access(certp, F_OK) == 0, have_key = access(keyp, F_OK) == 0;
	if (!have_cert && have_key) {
		snprintf(why, wn, "%s: a key without a certificate", keyp);
		return why;
	}
	if (!have_cert)
		return NULL;
	X509 *x = load_cert(certp);
	if (!x) {
		snprintf(why, wn, "%s: unreadable certificate", certp);
		return why;
	}
	char serial[80];
	serial_of(x, serial);
	cg_entry *e = cg_state_find_serial(st, serial);
	cg_entry *cur = cg_state_find(st, name);
	const char *bad = NULL;
	if (!e)
		bad = "a certificate the state does not know";
	else if (e != cur)
		bad = "a certificate that is not its name's current entry";
	else if (key_required && !have_key)
		bad = "a certificate without its key";
	if (!bad && have_key) {
		EVP_PKEY *k = load_key(keyp);
		if (!k || X509_check_private_key(x, k) != 1)
			bad = "a key that does not match its certificate";
		EVP_PKEY_free(k);
	}
	X509_free(x);
	if (bad) {
		snprintf(why, wn, "%s (serial %s): %s", certp, serial, bad);
		return why;
	}
	return NULL;
}

static long crl_number(const char *path)
{
	FILE *f = fopen(path, "r");
	X509_CRL *crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	ASN1_INTEGER *n = crl ? X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL) : NULL;
	long v = n ? ASN1_INTEGER_get(n) : -1;
	ASN1_INTEGER_free(n);
	X509_CRL_free(crl);
	return v;
}

static long state_crl_number(cg_state *st, const char *issuer)
{
	for (size_t i = 0; i < st->ncrl; i++)
		if (strcmp(st->crl[i].issuer, issuer) == 0)
			return st->crl[i].number;
	return -1;
}

/* The invariants listed at the top; fails the test naming the run. */
static void check_consistent(const char *after)
{
	ck_assert_msg(RUN(cmd_list, "list") == R_EXIT0, "after %s: list fails", after);
	cg_state st;
	cg_set_root(dir);
	ck_assert_msg(cg_state_load(&st, dir) == 0, "after %s: state unreadable", after);
	ck_assert_msg(st.nops == 0, "after %s: list left a journal", after);
	char why[1000], a[1000], b[1000];
	snprintf(a, sizeof a, "%s/ca.pem", dir);
	snprintf(b, sizeof b, "%s/ca-key.pem", dir);
	const char *bad = check_pair(&st, CG_ROOT_NAME, a, b, true, why, sizeof why);
	ck_assert_msg(!bad, "after %s: %s", after, bad);
	snprintf(a, sizeof a, "%s/crl.pem", dir);
	if (access(a, F_OK) == 0)
		ck_assert_msg(crl_number(a) == state_crl_number(&st, CG_ROOT_NAME),
			      "after %s: crl.pem is #%ld, the state says #%ld", after, crl_number(a),
			      state_crl_number(&st, CG_ROOT_NAME));
	DIR *d = opendir(dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		ck_assert_msg(!is_ours(e->d_name), "after %s: %s/%s left behind", after, dir, e->d_name);
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		struct stat sb;
		if (e->d_name[0] == '.' || lstat(sub, &sb) != 0 || !S_ISDIR(sb.st_mode))
			continue;
		DIR *sd = opendir(sub);
		struct dirent *se;
		int files = 0;
		while ((se = readdir(sd)) != NULL) {
			ck_assert_msg(!is_ours(se->d_name), "after %s: %s/%s left behind", after, sub,
				      se->d_name);
			files += se->d_name[0] != '.';
		}
		closedir(sd);
		snprintf(a, sizeof a, "%s/cert.pem", sub);
		snprintf(b, sizeof b, "%s/key.pem", sub);
		ck_assert_msg(files == 0 || access(a, F_OK) == 0, "after %s: partial folder %s", after, sub);
		/* The directory name is the entity name here (the test uses plain names). */
		cg_entry *ent = cg_state_find(&st, e->d_name);
		bad = check_pair(&st, e->d_name, a, b, !ent || strcmp(ent->kind, "cross") != 0, why,
				 sizeof why);
		ck_assert_msg(!bad, "after %s: %s", after, bad);
		snprintf(a, sizeof a, "%s/crl.pem", sub);
		if (access(a, F_OK) == 0)
			ck_assert_msg(crl_number(a) == state_crl_number(&st, e->d_name),
				      "after %s: %s is #%ld, the state says #%ld", after, a, crl_number(a),
				      state_crl_number(&st, e->d_name));
	}
	closedir(d);
	/* And the other way: every current entry's certificate is on disk. */
	for (size_t i = 0; i < st.n; i++) {
		if (st.e[i].superseded)
			continue;
		if (cg_is_root(st.e[i].name))
			snprintf(a, sizeof a, "%s/ca.pem", dir);
		else
			snprintf(a, sizeof a, "%s/%s/cert.pem", dir, st.e[i].name);
		ck_assert_msg(access(a, F_OK) == 0, "after %s: the state's '%s' has no %s", after,
			      st.e[i].name, a);
	}
	cg_state_free(&st);
}

/* The serial of NAME's current certificate on disk ("" if none). */
static void disk_serial(const char *name, char out[80])
{
	char p[600];
	if (cg_is_root(name))
		snprintf(p, sizeof p, "%s/ca.pem", dir);
	else
		snprintf(p, sizeof p, "%s/%s/cert.pem", dir, name);
	X509 *x = load_cert(p);
	out[0] = '\0';
	if (x)
		serial_of(x, out);
	X509_free(x);
}

static void base_pki(void)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), R_EXIT0);
	ck_assert_int_eq(RUN(cmd_intermediate, "intermediate", "sub"), R_EXIT0);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "www.example.com"), R_EXIT0);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "api.example.com", "--issuer", "sub"), R_EXIT0);
}

/* ---- deterministic: a kill at every step of the transaction ---- */

typedef struct step_case {
	const char *what;
	cmd_fn fn;
	bool force;
	const char *name;  /* entity whose serial changes, or NULL (crl) */
	char *argv[6];
} step_case;

static const step_case step_cases[] = {
	{ "--force leaf", cmd_leaf, true, "www.example.com", { "leaf", "www.example.com", NULL } },
	{ "--force intermediate", cmd_intermediate, true, "sub", { "intermediate", "sub", NULL } },
	{ "--force ca", cmd_ca, true, "ca", { "ca", NULL } },
	{ "leaf (new name)", cmd_leaf, false, "new.example.com", { "leaf", "new.example.com", NULL } },
	{ "crl", cmd_crl, false, NULL, { "crl", "--issuer", "sub", NULL } },
};

/* Steps in order; a kill before "committed" keeps the old state, after it the new one. */
static const char *steps[] = { "staged", "committed", "switching", "between", "switched" };

START_TEST(test_certgen_crash__a_kill_at_each_step_leaves_the_old_or_the_new_state)
{
	int pauses = 0;
	for (size_t c = 0; c < sizeof step_cases / sizeof step_cases[0]; c++) {
		const step_case *sc = &step_cases[c];
		for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
			teardown();
			setup();
			base_pki();
			char before[80], after_s[80], what[200];
			if (sc->name)
				disk_serial(sc->name, before);
			/* Only directory switches over an existing one have a "switching"
			 * step, only multi-file changes (the root) a "between" step. */
			bool reached = strcmp(steps[s], "switching") != 0 ||
				       (sc->force && !cg_is_root(sc->name ? sc->name : "ca"));
			reached = reached && (strcmp(steps[s], "between") != 0 || (sc->name && cg_is_root(sc->name)));
			if (!reached)
				continue;
			int argc = 0;
			while (sc->argv[argc])
				argc++;
			run_opts r = { sc->force, -1, steps[s], -1, NULL };
			ck_assert_int_eq(run(sc->fn, &r, argc, (char **)sc->argv), R_KILLED);
			pauses++;
			snprintf(what, sizeof what, "%s killed at %s", sc->what, steps[s]);
			check_consistent(what);
			if (sc->name) {
				disk_serial(sc->name, after_s);
				bool committed = s > 0;
				if (committed)
					ck_assert_msg(strcmp(before, after_s) != 0, "%s: the new certificate "
						      "was not switched in", what);
				else
					ck_assert_msg(strcmp(before, after_s) == 0, "%s: the old certificate "
						      "was replaced", what);
			}
			/* The next command works without --force. */
			ck_assert_msg(RUN(cmd_leaf, "leaf", "next.example.com") == R_EXIT0,
				      "%s: the next leaf fails", what);
			/* A new root orphans sub (as --force ca says); otherwise sub's key
			 * must still match its certificate. */
			if (!(sc->name && cg_is_root(sc->name) && s > 0))
				ck_assert_msg(RUN(cmd_leaf, "leaf", "next2.example.com", "--issuer", "sub") ==
						      R_EXIT0, "%s: the next leaf under sub fails", what);
		}
	}
	printf("certgen crash: %d deterministic kills at transaction steps, all consistent\n", pauses);
	fflush(stdout);
}
END_TEST

/* A command that finds a journal finishes it; killed while doing so, the next one does. */
START_TEST(test_certgen_crash__a_kill_during_recovery_is_recovered_too)
{
	base_pki();
	static const struct {
		cmd_fn fn;
		const char *name, *recovery_step;
		char *argv[3];
	} c[] = {
		{ cmd_leaf, "www.example.com", "switching", { "leaf", "www.example.com", NULL } },
		{ cmd_ca, "ca", "between", { "ca", NULL } },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char before[80], after_s[80];
		disk_serial(c[i].name, before);
		run_opts r = { true, -1, "committed", -1, NULL };
		ck_assert_int_eq(run(c[i].fn, &r, c[i].argv[1] ? 2 : 1, (char **)c[i].argv), R_KILLED);
		char *list[] = { "list", NULL };
		run_opts rl = { false, -1, c[i].recovery_step, -1, NULL };
		ck_assert_int_eq(run(cmd_list, &rl, 1, list), R_KILLED);
		check_consistent("a list killed while finishing a journal");
		disk_serial(c[i].name, after_s);
		ck_assert_str_ne(before, after_s);
	}
}
END_TEST

/* ---- random: kills at any instant ---- */

typedef struct op_kind {
	const char *what;
	int (*go)(int i, long kill_us, int *exit_code); /* R_* */
} op_kind;

static char names[8][40];

static int go_with(cmd_fn fn, bool force, long kill_us, int *ec, int argc, char **argv)
{
	run_opts r = { force, kill_us, NULL, -1, ec };
	return run(fn, &r, argc, argv);
}

static int go_leaf(int i, long us, int *ec)
{
	snprintf(names[0], sizeof names[0], "h%d.example.com", i);
	char *argv[] = { "leaf", names[0], NULL };
	return go_with(cmd_leaf, false, us, ec, 2, argv);
}

static int go_force_leaf(int i, long us, int *ec)
{
	char *argv[] = { "leaf", i % 2 ? "www.example.com" : "api.example.com", "--issuer",
			 i % 2 ? "ca" : "sub", NULL };
	return go_with(cmd_leaf, true, us, ec, 4, argv);
}

static int go_intermediate(int i, long us, int *ec)
{
	snprintf(names[1], sizeof names[1], "sub%d", i);
	char *argv[] = { "intermediate", i % 3 == 0 ? "sub" : names[1], NULL };
	return go_with(cmd_intermediate, i % 3 == 0, us, ec, 2, argv);
}

static int go_revoke(int i, long us, int *ec)
{
	char *argv[] = { "revoke", i % 2 ? "www.example.com" : "api.example.com", "--reason",
			 "keyCompromise", NULL };
	return go_with(cmd_revoke, true, us, ec, 4, argv);
}

static int go_crl(int i, long us, int *ec)
{
	char *argv[] = { "crl", "--issuer", i % 2 ? "sub" : "ca", NULL };
	return go_with(cmd_crl, false, us, ec, 3, argv);
}

static int go_ca(int i, long us, int *ec)
{
	(void)i;
	char *argv[] = { "ca", NULL };
	return go_with(cmd_ca, true, us, ec, 1, argv);
}

static const op_kind ops[] = {
	{ "leaf", go_leaf },	     { "--force leaf", go_force_leaf }, { "intermediate", go_intermediate },
	{ "revoke", go_revoke },     { "crl", go_crl },		{ "--force ca", go_ca },
};
#define NOPS (sizeof ops / sizeof ops[0])

static long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

START_TEST(test_certgen_crash__kill_9_at_random_instants)
{
	long runs = 200;
	const char *s = getenv("CERTGEN_KILL_RUNS");
	if (s)
		runs = strtol(s, NULL, 10);
	ck_assert_int_ge(runs, 1);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	/* How long each command takes when left alone, so kills land across its whole run. */
	long span[NOPS];
	base_pki();
	for (size_t k = 0; k < NOPS; k++) {
		long t0 = now_us();
		int ec = 0;
		ops[k].go(100000 + (int)k, -1, &ec);
		span[k] = now_us() - t0;
		span[k] = span[k] < 1000 ? 1000 : span[k];
	}
	long killed = 0, finished = 0, refused = 0, per_op_kills[NOPS] = { 0 }, fresh = 0;
	for (long i = 0; i < runs; i++) {
		/* A fresh directory now and then, with `ca` itself killed at random. */
		if (i % 50 == 0) {
			teardown();
			setup();
			char *argv[] = { "ca", NULL };
			long us = random() % (span[NOPS - 1] + 1);
			int ec = 0;
			int r = go_with(cmd_ca, false, us, &ec, 1, argv);
			killed += r == R_KILLED;
			fresh++;
			check_consistent("ca killed at random");
			char p[600];
			snprintf(p, sizeof p, "%s/ca.pem", dir);
			if (access(p, F_OK) != 0)
				ck_assert_msg(RUN(cmd_ca, "ca") == R_EXIT0, "ca after a killed ca needs --force");
			ck_assert_int_eq(RUN(cmd_intermediate, "intermediate", "sub"), R_EXIT0);
			ck_assert_int_eq(RUN(cmd_leaf, "leaf", "www.example.com"), R_EXIT0);
			ck_assert_int_eq(RUN(cmd_leaf, "leaf", "api.example.com", "--issuer", "sub"), R_EXIT0);
		}
		size_t k = (size_t)random() % NOPS;
		long us = random() % (span[k] * 5 / 4 + 1);
		int ec = 0;
		int r = ops[k].go((int)i, us, &ec);
		char what[200];
		snprintf(what, sizeof what, "run %ld: %s killed after %ld us", i, ops[k].what, us);
		if (r == R_KILLED) {
			killed++;
			per_op_kills[k]++;
		} else if (r == R_EXIT0) {
			finished++;
		} else {
			refused++;
		}
		check_consistent(what);
		/* A killed new leaf that did not commit can be retried without --force. */
		if (k == 0) {
			cg_state st;
			ck_assert_int_eq(cg_state_load(&st, dir), 0);
			bool known = cg_state_find(&st, names[0]) != NULL;
			cg_state_free(&st);
			if (!known)
				ck_assert_msg(go_leaf((int)i, -1, &ec) == R_EXIT0, "%s: retry needs --force", what);
		}
		char next[64];
		snprintf(next, sizeof next, "next%ld.example.com", i);
		ck_assert_msg(RUN(cmd_leaf, "leaf", next) == R_EXIT0, "%s: the next command fails", what);
	}
	printf("certgen kill loop: %ld runs (+%ld fresh ca), %ld killed, %ld finished, %ld refused; "
	       "kills per command:", runs, fresh, killed, finished, refused);
	for (size_t k = 0; k < NOPS; k++)
		printf(" %s %ld%s", ops[k].what, per_op_kills[k], k + 1 < NOPS ? "," : "\n");
	fflush(stdout);
	ck_assert_int_gt(killed, 0);
}
END_TEST

/* ---- a full disk ---- */

START_TEST(test_certgen_crash__a_full_disk_leaves_no_partial_folder)
{
	/* Fail the writes of `leaf` after every amount written that falls
	 * between two files (and inside them): 0 bytes up to a full run. */
	int failed = 0, passed = 0;
	for (long limit = 0; limit < 4000; limit += 97) {
		teardown();
		setup();
		base_pki();
		char name[64], what[120];
		snprintf(name, sizeof name, "full%ld.example.com", limit);
		char *argv[] = { "leaf", name, NULL };
		int ec = 0;
		run_opts r = { false, -1, NULL, limit, &ec };
		int res = run(cmd_leaf, &r, 2, argv);
		snprintf(what, sizeof what, "leaf with the disk full after %ld bytes", limit);
		ck_assert_int_ne(res, R_KILLED);
		char p[600];
		snprintf(p, sizeof p, "%s/%s", dir, name);
		if (res == R_EXIT0) {
			passed++;
		} else {
			failed++;
			ck_assert_msg(ec == CG_USAGE, "%s: exit %d", what, ec);
			ck_assert_msg(access(p, F_OK) != 0, "%s: left %s", what, p);
		}
		check_consistent(what);
		/* Space again: the same command needs no --force. */
		if (res != R_EXIT0)
			ck_assert_msg(RUN(cmd_leaf, "leaf", name) == R_EXIT0, "%s: retry fails", what);
	}
	printf("certgen ENOSPC: %d leaf runs failed on a full disk with nothing left behind, %d "
	       "fitted\n", failed, passed);
	ck_assert_int_gt(failed, 10);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("certgen_crash");
	TCase *tc = tcase_create("crash");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_certgen_crash__a_kill_at_each_step_leaves_the_old_or_the_new_state);
	tcase_add_test(tc, test_certgen_crash__a_kill_during_recovery_is_recovered_too);
	tcase_add_test(tc, test_certgen_crash__kill_9_at_random_instants);
	tcase_add_test(tc, test_certgen_crash__a_full_disk_leaves_no_partial_folder);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
