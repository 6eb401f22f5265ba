/*
 * mtls-load: drives the example mTLS server (examples/mtls-server) with N
 * concurrent clients making full handshakes (no resumption, no tickets), each
 * presenting one of the identities made by make_pki.sh and checking the
 * verdict it gets:
 *
 *   good      HTTP 200 whose body names load-good
 *   stranger  refused with an unknown_ca alert (another CA)
 *   expired   refused with a certificate_expired alert
 *   revoked   200 while crl-clean.pem is live, a certificate_revoked alert
 *             while crl-revoked.pem is
 *
 * Meanwhile it swaps the server's store --swaps times: it replaces the CRL file
 * the server was started with (alternating the two) and sends SIGHUP.  The
 * "revoked" handshakes pause around a swap (a writer-preferring rwlock) so that
 * their expected verdict is exact, and the swap only counts once a probe
 * handshake with the revoked identity sees the new CRL; every other kind of
 * handshake goes on during the swap.  Any other outcome is a wrong verdict.
 *
 * The server's RSS (/proc/PID/status VmRSS) is read after the warm-up and at
 * the end; growth above --rss-limit-kb fails the run.  --bench instead makes
 * only good handshakes, no swaps, and reports the rate and the server's CPU
 * time per handshake (for tests/bench/run_mtls_bench.py).
 *
 * Exit status: 0 all verdicts right (and memory within the limit), 1 a wrong
 * verdict, an unobserved swap or memory growth, 2 usage or setup error.
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum kind { GOOD, STRANGER, EXPIRED, REVOKED, NKINDS };
static const char *const kind_name[NKINDS] = { "good", "stranger", "expired", "revoked" };
/* The mix: half good, the rest spread over the three refusals. */
static const enum kind mix[] = { GOOD, STRANGER, GOOD, EXPIRED, GOOD, REVOKED, GOOD, REVOKED };
#define NMIX (sizeof(mix) / sizeof(mix[0]))

typedef struct outcome {
	int status;   /* HTTP status, 0 if none */
	int alert;    /* TLS alert received, -1 if none */
	char body[512];
	char what[160]; /* how it ended, for a wrong-verdict message */
} outcome;

static struct {
	const char *server, *pki, *bind;
	char **server_args;
	int nserver_args;
	long handshakes, warmup;
	int clients, swaps;
	long rss_limit_kb;
	double swap_timeout;
	bool bench;
	int verbose_errors;
} opt = { .bind = "127.0.0.1", .handshakes = 2000, .warmup = -1, .clients = 8, .swaps = 20,
	  .rss_limit_kb = 1024, .swap_timeout = 10, .verbose_errors = 10 };

static SSL_CTX *client_ctx[NKINDS];
static char port[16];
static pid_t server_pid;
static char crl_path[4096];

static atomic_long next_handshake, done_handshakes, wrong, dropped, per_kind[NKINDS];
static atomic_int reported;
/* Revoked handshakes hold it shared; a swap holds it exclusively. */
static pthread_rwlock_t swap_lock;
static bool crl_revokes; /* which CRL is live; read under swap_lock */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "mtls-load: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	if (server_pid > 0)
		kill(server_pid, SIGKILL);
	exit(2);
}

static char *pki_file(const char *name)
{
	static char buf[8][4096];
	static int i;
	char *p = buf[i++ % 8];
	snprintf(p, sizeof(buf[0]), "%s/%s", opt.pki, name);
	return p;
}

/* Server memory (VmRSS, or VmHWM: the peak) and CPU, from /proc. */
static long server_status_kb(const char *field)
{
	char path[64], line[256], fmt[32];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)server_pid);
	snprintf(fmt, sizeof(fmt), "%s: %%ld kB", field);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static long server_rss_kb(void)
{
	return server_status_kb("VmRSS");
}

/* The server's CPU time so far: the sum of its threads' schedstat run times
 * (nanoseconds; the example server's threads live as long as it does), or
 * utime + stime in clock ticks when schedstat is missing. */
static double server_cpu_s(void)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)server_pid);
	DIR *d = opendir(path);
	double ns = 0;
	int threads = 0;
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		char stat[600];
		snprintf(stat, sizeof(stat), "%s/%s/schedstat", path, e->d_name);
		FILE *f = fopen(stat, "r");
		unsigned long long run;
		if (f && fscanf(f, "%llu", &run) == 1) {
			ns += (double)run;
			threads++;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	if (threads)
		return ns / 1e9;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)server_pid);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	/* Fields after the parenthesised command name: state is field 3, utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static SSL_CTX *make_ctx(enum kind k)
{
	char cert[64], key[64];
	snprintf(cert, sizeof(cert), "%s.pem", kind_name[k]);
	snprintf(key, sizeof(key), "%s.key", kind_name[k]);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		die("%s", "no SSL_CTX");
	/* Full handshakes only: nothing to resume from. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_use_certificate_chain_file(ctx, pki_file(cert)) != 1)
		die("%s: cannot load the client certificate", pki_file(cert));
	if (SSL_CTX_use_PrivateKey_file(ctx, pki_file(key), SSL_FILETYPE_PEM) != 1)
		die("%s: cannot load the client key", pki_file(key));
	if (SSL_CTX_load_verify_locations(ctx, pki_file("ca.pem"), NULL) != 1)
		die("%s: cannot load the CA", pki_file("ca.pem"));
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), opt.bind) != 1)
		die("%s: not an IP address", opt.bind);
	return ctx;
}

static int tcp_connect(void)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST }, *ai;
	if (getaddrinfo(opt.bind, port, &hints, &ai) != 0)
		return -1;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The alert behind an OpenSSL error reason (SSL_R_*_ALERT_* are 1000 + the alert). */
static int alert_of(unsigned long e)
{
	int r = ERR_GET_REASON(e);
	return ERR_GET_LIB(e) == ERR_LIB_SSL && r >= SSL_AD_REASON_OFFSET &&
			       r < SSL_AD_REASON_OFFSET + 256
		       ? r - SSL_AD_REASON_OFFSET
		       : -1;
}

/* Records how an SSL call failed: the alert if one came, else the error. */
static void note_failure(outcome *o, SSL *ssl, int ret, const char *step)
{
	int se = SSL_get_error(ssl, ret);
	unsigned long e, first = 0;
	while ((e = ERR_get_error()) != 0) {
		if (!first)
			first = e;
		if (o->alert < 0)
			o->alert = alert_of(e);
	}
	char es[120] = "";
	if (first)
		ERR_error_string_n(first, es, sizeof(es));
	snprintf(o->what, sizeof(o->what), "%s failed (SSL_get_error %d, errno %d%s%s)", step, se,
		 errno, first ? ", " : "", es);
}

/* One full handshake and one request; the outcome, whatever it is. */
static void handshake(enum kind k, outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->alert = -1;
	int fd = tcp_connect();
	if (fd < 0) {
		snprintf(o->what, sizeof(o->what), "connect: %s", strerror(errno));
		return;
	}
	SSL *ssl = SSL_new(client_ctx[k]);
	ERR_clear_error();
	if (!ssl || !SSL_set_fd(ssl, fd)) {
		snprintf(o->what, sizeof(o->what), "no SSL");
		goto out;
	}
	int ret = SSL_connect(ssl);
	if (ret != 1) {
		note_failure(o, ssl, ret, "handshake");
		goto out;
	}
	static const char req[] = "GET / HTTP/1.0\r\nHost: load\r\n\r\n";
	if ((ret = SSL_write(ssl, req, (int)sizeof(req) - 1)) <= 0) {
		/* TLS 1.3: a refusal can arrive after SSL_connect, and the server's close
		 * may reset the connection before the request is sent; the alert is
		 * still in the receive buffer. */
		char c;
		ERR_clear_error();
		ret = SSL_read(ssl, &c, 1);
		note_failure(o, ssl, ret, "write");
		goto out;
	}
	size_t len = 0;
	while (len < sizeof(o->body) - 1) {
		ret = SSL_read(ssl, o->body + len, (int)(sizeof(o->body) - 1 - len));
		if (ret <= 0)
			break;
		len += (size_t)ret;
	}
	o->body[len] = '\0';
	if (ret <= 0 && SSL_get_error(ssl, ret) != SSL_ERROR_ZERO_RETURN && len == 0)
		note_failure(o, ssl, ret, "read");
	else
		snprintf(o->what, sizeof(o->what), "response of %zu bytes", len);
	if (sscanf(o->body, "HTTP/1.%*c %d", &o->status) != 1)
		o->status = 0;
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
	close(fd);
	ERR_clear_error();
}

/* The alert a refusal of kind k must carry. */
static int expected_alert(enum kind k)
{
	switch (k) {
	case STRANGER: return SSL_AD_UNKNOWN_CA;
	case EXPIRED: return SSL_AD_CERTIFICATE_EXPIRED;
	case REVOKED: return SSL_AD_CERTIFICATE_REVOKED;
	default: return -1;
	}
}

/* Right verdict?  accepted: 200 naming this client; refused: the kind's alert, no 200. */
static bool verdict_ok(enum kind k, bool accept, const outcome *o)
{
	if (accept) {
		char cn[32];
		snprintf(cn, sizeof(cn), "load-%s", kind_name[k]);
		return o->status == 200 && strstr(o->body, cn) != NULL;
	}
	return o->status == 0 && o->alert == expected_alert(k);
}

static void report_wrong(enum kind k, bool accept, const outcome *o)
{
	atomic_fetch_add(&wrong, 1);
	if (atomic_fetch_add(&reported, 1) >= opt.verbose_errors)
		return;
	fprintf(stderr, "mtls-load: WRONG VERDICT for %s (expected %s): status %d, alert %d, %s\n",
		kind_name[k], accept ? "HTTP 200 naming it" : "refusal with its alert", o->status,
		o->alert, o->what);
}

static void *client_thread(void *arg)
{
	(void)arg;
	outcome o;
	for (;;) {
		long i = atomic_load(&next_handshake);
		do {
			if (i >= opt.handshakes)
				return NULL;
		} while (!atomic_compare_exchange_weak(&next_handshake, &i, i + 1));
		enum kind k = opt.bench ? GOOD : mix[i % NMIX];
		bool accept = k == GOOD;
		if (k == REVOKED) {
			pthread_rwlock_rdlock(&swap_lock);
			accept = !crl_revokes;
		}
		/* A connection that ended with neither a response nor an alert carries no
		 * verdict (the example server drops a peer silent for 5 s, which an
		 * overloaded machine can cause): it is retried, twice at most, and
		 * counted.  A response or an alert is always judged. */
		for (int attempt = 0;; attempt++) {
			handshake(k, &o);
			if (o.status != 0 || o.alert >= 0 || attempt == 2)
				break;
			atomic_fetch_add(&dropped, 1);
		}
		if (!verdict_ok(k, accept, &o))
			report_wrong(k, accept, &o);
		if (k == REVOKED)
			pthread_rwlock_unlock(&swap_lock);
		atomic_fetch_add(&per_kind[k], 1);
		atomic_fetch_add(&done_handshakes, 1);
	}
}

/* Copies file `from` over `to` atomically (temp + rename), as a deployment would. */
static void replace_file(const char *from, const char *to)
{
	char tmp[4200], buf[8192];
	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	FILE *in = fopen(from, "rb"), *out = fopen(tmp, "wb");
	if (!in || !out)
		die("%s: cannot copy the CRL", from);
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			die("%s: cannot write", tmp);
	fclose(in);
	if (fclose(out) != 0 || rename(tmp, to) != 0)
		die("%s: cannot replace", to);
}

static long swaps_done, probes;
static double swap_max_s;

/* One store swap, observed: returns false if the server never showed the new CRL. */
static bool swap_once(void)
{
	pthread_rwlock_wrlock(&swap_lock);
	bool revokes = !crl_revokes;
	double t0 = now_s();
	replace_file(pki_file(revokes ? "crl-revoked.pem" : "crl-clean.pem"), crl_path);
	kill(server_pid, SIGHUP);
	bool seen = false;
	outcome o;
	while (!seen && now_s() - t0 < opt.swap_timeout) {
		handshake(REVOKED, &o);
		probes++;
		seen = verdict_ok(REVOKED, !revokes, &o);
		if (!seen)
			usleep(2000);
	}
	if (seen) {
		crl_revokes = revokes;
		swaps_done++;
		if (now_s() - t0 > swap_max_s)
			swap_max_s = now_s() - t0;
	}
	pthread_rwlock_unlock(&swap_lock);
	return seen;
}

static bool swap_failed;

/* Spreads the swaps evenly over the run, warm-up included, so that the
 * memory a swap leaves to the allocator is in the baseline. */
static void *swapper_thread(void *arg)
{
	(void)arg;
	for (int s = 0; s < opt.swaps; s++) {
		long at = opt.handshakes * (s + 1) / (opt.swaps + 1);
		while (atomic_load(&done_handshakes) < at && atomic_load(&next_handshake) < opt.handshakes)
			usleep(1000);
		if (!swap_once()) {
			fprintf(stderr, "mtls-load: swap %d: the server did not take the new CRL within "
				"%g s\n", s + 1, opt.swap_timeout);
			swap_failed = true;
			return NULL;
		}
	}
	return NULL;
}

/* Starts the server on port 0 and reads the port it prints; the rest of its
 * stdout is copied to DIR/server.log by a thread, its stderr goes there too. */
static FILE *server_out;
static FILE *server_log;
static long log_lines_reload;

static void *drain_thread(void *arg)
{
	(void)arg;
	char line[1024];
	while (fgets(line, sizeof(line), server_out))
		fputs(line, server_log);
	return NULL;
}

static void start_server(void)
{
	int p[2];
	if (pipe(p) != 0)
		die("%s", "pipe");
	char logname[4200];
	snprintf(logname, sizeof(logname), "%s/server.log", opt.pki);
	int logfd = open(logname, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (logfd < 0)
		die("%s: cannot create", logname);
	char **argv = calloc((size_t)opt.nserver_args + 16, sizeof(char *));
	int n = 0;
	argv[n++] = (char *)opt.server;
	const char *fixed[] = { "--ca", pki_file("ca.pem"), "--cert", pki_file("server.pem"),
				"--key", pki_file("server.key"), "--port", "0", "--bind", opt.bind };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		argv[n++] = (char *)fixed[i];
	if (!opt.bench) {
		argv[n++] = "--crl";
		argv[n++] = crl_path;
	}
	for (int i = 0; i < opt.nserver_args; i++)
		argv[n++] = opt.server_args[i];
	server_pid = fork();
	if (server_pid < 0)
		die("%s", "fork");
	if (server_pid == 0) {
		dup2(p[1], 1);
		dup2(logfd, 2);
		close(p[0]);
		close(p[1]);
		close(logfd);
		execv(argv[0], argv);
		fprintf(stderr, "mtls-load: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(argv);
	close(p[1]);
	server_out = fdopen(p[0], "r");
	server_log = fdopen(logfd, "a");
	setvbuf(server_log, NULL, _IOLBF, 0);
	/* The server prints its port alone on a line; a wrapper (valgrind, heaptrack)
	 * may print before it.  Those lines go to the log. */
	char line[1024];
	for (int tries = 0;; tries++) {
		if (!server_out || tries == 20 || !fgets(line, sizeof(line), server_out))
			die("%s: the server printed no port (see its log)", logname);
		size_t len = strcspn(line, "\r\n");
		if (len > 0 && len < sizeof(port) && strspn(line, "0123456789") == len) {
			memcpy(port, line, len);
			port[len] = '\0';
			break;
		}
		fputs(line, server_log);
	}
}

/* Stops the server; false if it had already died or exits abnormally. */
static bool stop_server(void)
{
	int st;
	if (waitpid(server_pid, &st, WNOHANG) == server_pid) {
		fprintf(stderr, "mtls-load: the server died during the run (status %d)\n", st);
		return false;
	}
	kill(server_pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(server_pid, &st, WNOHANG) == server_pid)
			break;
		usleep(10000);
		if (i == 499) {
			kill(server_pid, SIGKILL);
			waitpid(server_pid, &st, 0);
		}
	}
	/* Terminated by our SIGTERM, or exited 0 on it: both are a clean stop. */
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGTERM) {
		fprintf(stderr, "mtls-load: the server was killed by signal %d\n", WTERMSIG(st));
		return false;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
		fprintf(stderr, "mtls-load: the server exited %d on SIGTERM\n", WEXITSTATUS(st));
		return false;
	}
	return true;
}

static long log_lines_sanitizer;

/* Reloads the server logged, and reports a sanitizer (TSan, ASan, UBSan) made in it. */
static void scan_server_log(void)
{
	char logname[4200], line[1024];
	snprintf(logname, sizeof(logname), "%s/server.log", opt.pki);
	FILE *f = fopen(logname, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "reload"))
			log_lines_reload++;
		if (strstr(line, "Sanitizer:") || strstr(line, "runtime error:"))
			log_lines_sanitizer++;
	}
	if (f)
		fclose(f);
}

/* The server's RSS at the warm-up mark and then at every quarter of the rest. */
static long rss_at[5], server_hwm_kb;
static double t_warm, cpu_warm;

static void run_clients(void)
{
	pthread_t t[256], sw;
	for (int i = 0; i < opt.clients; i++)
		if (pthread_create(&t[i], NULL, client_thread, NULL) != 0)
			die("%s", "pthread_create");
	bool swapping = !opt.bench && opt.swaps > 0;
	if (swapping && pthread_create(&sw, NULL, swapper_thread, NULL) != 0)
		die("%s", "pthread_create");
	for (int q = 0; q < 4; q++) {
		long mark = opt.warmup + (opt.handshakes - opt.warmup) * q / 4;
		while (atomic_load(&done_handshakes) < mark)
			usleep(1000);
		rss_at[q] = server_rss_kb();
		if (q == 0) {
			t_warm = now_s();
			cpu_warm = server_cpu_s();
		}
	}
	for (int i = 0; i < opt.clients; i++)
		pthread_join(t[i], NULL);
	if (swapping)
		pthread_join(sw, NULL);
	rss_at[4] = server_rss_kb();
	server_hwm_kb = server_status_kb("VmHWM");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mtls-load --server BIN --pki DIR [--handshakes N] [--clients N] [--swaps N]\n"
		"                 [--warmup N] [--rss-limit-kb K | --no-rss-limit] [--bind ADDR]\n"
		"                 [--swap-timeout S] [--bench] [-- SERVER-ARGS...]\n"
		"DIR is made by tests/load/make_pki.sh; the server is started with --ca, --cert,\n"
		"--key, --port 0, --bind, --crl DIR/crl.pem (not with --bench) and SERVER-ARGS.\n");
	exit(2);
}

static long num_arg(const char *name, const char *v, long min)
{
	char *end;
	errno = 0;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || errno || *end || n < min) {
		fprintf(stderr, "mtls-load: %s: expected a number >= %ld\n", name, min);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--")) {
			opt.server_args = argv + i + 1;
			opt.nserver_args = argc - i - 1;
			break;
		} else if (!strcmp(a, "--bench")) {
			opt.bench = true;
			continue;
		} else if (!strcmp(a, "--no-rss-limit")) { /* TSan's shadow memory makes RSS meaningless */
			opt.rss_limit_kb = -1;
			continue;
		} else if (!v) {
			usage();
		} else if (!strcmp(a, "--server")) {
			opt.server = v;
		} else if (!strcmp(a, "--pki")) {
			opt.pki = v;
		} else if (!strcmp(a, "--bind")) {
			opt.bind = v;
		} else if (!strcmp(a, "--handshakes")) {
			opt.handshakes = num_arg(a, v, 1);
		} else if (!strcmp(a, "--clients")) {
			opt.clients = (int)num_arg(a, v, 1);
		} else if (!strcmp(a, "--swaps")) {
			opt.swaps = (int)num_arg(a, v, 0);
		} else if (!strcmp(a, "--warmup")) {
			opt.warmup = num_arg(a, v, 0);
		} else if (!strcmp(a, "--swap-timeout")) {
			opt.swap_timeout = (double)num_arg(a, v, 1);
		} else if (!strcmp(a, "--rss-limit-kb")) {
			opt.rss_limit_kb = num_arg(a, v, 0);
		} else {
			usage();
		}
		i++;
	}
	if (!opt.server || !opt.pki || opt.clients > 256)
		usage();
	if (opt.warmup < 0) /* a tenth of the run, at least 100 handshakes */
		opt.warmup = opt.handshakes / 10 > 100 ? opt.handshakes / 10 : 100;
	if (opt.warmup >= opt.handshakes)
		die("%s", "--warmup must be below --handshakes");
	signal(SIGPIPE, SIG_IGN);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	/* Writer-preferring: a swap must not wait behind an endless stream of readers. */
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&swap_lock, &ra);
	for (int k = 0; k < NKINDS; k++)
		client_ctx[k] = make_ctx((enum kind)k);
	snprintf(crl_path, sizeof(crl_path), "%s/crl.pem", opt.pki);
	if (!opt.bench)
		replace_file(pki_file("crl-clean.pem"), crl_path);

	start_server();
	pthread_t drain;
	pthread_create(&drain, NULL, drain_thread, NULL);

	/* The first --warmup handshakes fill allocator arenas, thread stacks and the
	 * signature cache; rates and memory growth are measured after them. */
	run_clients();
	double secs = now_s() - t_warm, cpu = server_cpu_s() - cpu_warm;
	bool clean_stop = stop_server();
	pthread_join(drain, NULL);
	fclose(server_out);
	fclose(server_log);
	scan_server_log();

	long measured = opt.handshakes - opt.warmup;
	long rss_warm = rss_at[0], rss_end = rss_at[4], growth = rss_end - rss_warm;
	bool rss_ok = opt.bench || opt.rss_limit_kb < 0 ||
		      (rss_warm > 0 && rss_end > 0 && growth <= opt.rss_limit_kb);
	bool swaps_ok = opt.bench || (!swap_failed && swaps_done == opt.swaps);
	printf("mtls-load: %ld handshakes (good %ld, stranger %ld, expired %ld, revoked %ld) "
	       "from %d clients; wrong verdicts: %ld\n",
	       opt.handshakes, atomic_load(&per_kind[GOOD]), atomic_load(&per_kind[STRANGER]),
	       atomic_load(&per_kind[EXPIRED]), atomic_load(&per_kind[REVOKED]), opt.clients,
	       atomic_load(&wrong));
	if (atomic_load(&dropped))
		printf("mtls-load: %ld connections ended without a verdict and were retried\n",
		       atomic_load(&dropped));
	printf("mtls-load: after %ld warm-up handshakes: %.0f handshakes/s, server cpu %.0f us "
	       "per handshake\n",
	       opt.warmup, measured / secs, cpu * 1e6 / measured);
	if (!opt.bench) {
		printf("mtls-load: store swaps: %ld of %d observed (%ld probe handshakes, slowest "
		       "%.0f ms); server log lines naming a reload: %ld\n",
		       swaps_done, opt.swaps, probes, swap_max_s * 1e3, log_lines_reload);
		char limit[48] = "not judged";
		if (opt.rss_limit_kb >= 0)
			snprintf(limit, sizeof(limit), "limit %ld kB", opt.rss_limit_kb);
		printf("mtls-load: server RSS after warm-up %ld kB, then %ld, %ld, %ld, at the end "
		       "%ld kB: growth %+ld kB (%s)\n",
		       rss_warm, rss_at[1], rss_at[2], rss_at[3], rss_end, growth, limit);
	}
	if (log_lines_sanitizer)
		printf("mtls-load: %ld sanitizer report lines in %s/server.log\n", log_lines_sanitizer,
		       opt.pki);
	/* The keys tests/bench/run_bench.py reads: cpu_us is the server's CPU time per
	 * handshake, wall_us the wall time per handshake of the whole run. */
	printf("RESULT handshakes=%ld ops_s=%.1f wall_us=%.1f cpu_us=%.1f first_us=0 "
	       "maxrss_kb=%ld wrong=%ld swaps=%ld rss_warm_kb=%ld rss_end_kb=%ld\n",
	       measured, measured / secs, secs * 1e6 / measured, cpu * 1e6 / measured, server_hwm_kb,
	       atomic_load(&wrong), swaps_done, rss_warm, rss_end);
	for (int k = 0; k < NKINDS; k++)
		SSL_CTX_free(client_ctx[k]);
	pthread_rwlock_destroy(&swap_lock);
	bool ok = atomic_load(&wrong) == 0 && swaps_ok && rss_ok && clean_stop &&
		  log_lines_sanitizer == 0;
	if (!ok)
		fprintf(stderr, "mtls-load: FAILED%s%s%s%s%s (server log: %s/server.log)\n",
			atomic_load(&wrong) ? ": wrong verdicts" : "", swaps_ok ? "" : ": swaps",
			rss_ok ? "" : ": memory growth", clean_stop ? "" : ": server stop",
			log_lines_sanitizer ? ": sanitizer reports in the server log" : "", opt.pki);
	return ok ? 0 : 1;
}
