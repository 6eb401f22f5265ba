/* Argument parsing, input reading and the timing loop shared by both benchmarks. */
#include "bench_common.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_INPUT_BYTES (64u * 1024u * 1024u)

static const char *prog = "bench";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

const char *bench_mode_name(bench_mode m)
{
	static const char *const names[] = { "warm", "rotate", "cold", "cold-chain",
					       "sig-floor" };
	return names[m];
}

int bench_is_pem(const unsigned char *data, size_t len)
{
	static const char tag[] = "-----BEGIN ";
	size_t t = sizeof(tag) - 1;
	for (size_t i = 0; i + t <= len; i++)
		if (data[i] == '-' && memcmp(data + i, tag, t) == 0)
			return 1;
	return 0;
}

static void list_push(bench_list *l, bench_blob b)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		bench_blob *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			die("out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = b;
}

static void list_free(bench_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bench_blob read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: cannot open: %s", path, strerror(errno));
	bench_blob b = { path, NULL, 0 };
	size_t cap = 0;
	for (;;) {
		if (b.len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_INPUT_BYTES)
				die("%s: larger than %u bytes", path, MAX_INPUT_BYTES);
			unsigned char *p = realloc(b.data, cap);
			if (!p)
				die("out of memory");
			b.data = p;
		}
		size_t got = fread(b.data + b.len, 1, cap - b.len, f);
		b.len += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		die("%s: read error", path);
	if (b.len == 0)
		die("%s: empty file", path);
	return b;
}

/*
 * Splits a PEM file into DER certificates (base64 decode only: no X.509
 * parse, so neither verifier gets a head start).  A DER file is one certificate.
 */
static void split_der(bench_list *out, const char *path)
{
	bench_blob file = read_file(path);
	if (!bench_is_pem(file.data, file.len)) {
		list_push(out, file);
		return;
	}
	BIO *bio = BIO_new_mem_buf(file.data, (int)file.len);
	if (!bio)
		die("out of memory");
	size_t before = out->n;
	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long len = 0;
		if (!PEM_read_bio(bio, &name, &header, &der, &len))
			break;
		int is_cert = strcmp(name, PEM_STRING_X509) == 0 ||
			      strcmp(name, PEM_STRING_X509_OLD) == 0 ||
			      strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
		OPENSSL_free(name);
		OPENSSL_free(header);
		if (!is_cert || len <= 0) {
			OPENSSL_free(der);
			continue;
		}
		unsigned char *copy = malloc((size_t)len);
		if (!copy)
			die("out of memory");
		memcpy(copy, der, (size_t)len);
		OPENSSL_free(der);
		list_push(out, (bench_blob){ path, copy, (size_t)len });
	}
	BIO_free(bio);
	free(file.data);
	if (out->n == before)
		die("%s: no certificate found", path);
}

static long parse_long(const char *opt, const char *s, long min)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min)
		die("%s: expected an integer >= %ld, got '%s'", opt, min, s);
	return v;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s --mode warm|rotate|cold|cold-chain|sig-floor --anchors PEM... "
		"[--untrusted PEM...] [--pool PEM...] [--pool-after] --leaf PEM... "
		"--host NAME --attime EPOCH [--iters N] [--warmup N] [--min-time SEC] "
		"[--system-bundle FILE]\n",
		prog);
	exit(2);
}

/* Options taking several values consume arguments until the next "--" option. */
static int take_files(int argc, char **argv, int i, void (*add)(bench_args *, const char *),
		      bench_args *a)
{
	int n = 0;
	while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
		add(a, argv[++i]);
		n++;
	}
	if (n == 0)
		die("%s needs at least one file", argv[i]);
	return i;
}

static void add_anchor(bench_args *a, const char *p) { list_push(&a->anchors, read_file(p)); }
static void add_pool(bench_args *a, const char *p)
{
	list_push(&a->pool, (bench_blob){ p, NULL, 0 }); /* read when used */
}
static void add_untrusted(bench_args *a, const char *p) { split_der(&a->untrusted, p); }
static void add_leaf(bench_args *a, const char *p) { split_der(&a->leaves, p); }

static void parse_args(bench_args *a, int argc, char **argv)
{
	const char *mode = NULL, *system_bundle = NULL;
	int have_time = 0;
	a->iters = 1000;
	a->warmup = 10;
	a->min_time = 0.0;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int has_val = i + 1 < argc;
		if (strcmp(o, "--anchors") == 0)
			i = take_files(argc, argv, i, add_anchor, a);
		else if (strcmp(o, "--untrusted") == 0)
			i = take_files(argc, argv, i, add_untrusted, a);
		else if (strcmp(o, "--pool") == 0)
			i = take_files(argc, argv, i, add_pool, a);
		else if (strcmp(o, "--leaf") == 0)
			i = take_files(argc, argv, i, add_leaf, a);
		else if (strcmp(o, "--pool-after") == 0)
			a->pool_after = 1;
		else if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0)
			usage();
		else if (!has_val)
			die("%s: missing value (or unknown option)", o);
		else if (strcmp(o, "--mode") == 0)
			mode = argv[++i];
		else if (strcmp(o, "--host") == 0)
			a->host = argv[++i];
		else if (strcmp(o, "--attime") == 0) {
			a->attime = parse_long(o, argv[++i], 1);
			have_time = 1;
		} else if (strcmp(o, "--iters") == 0)
			a->iters = parse_long(o, argv[++i], 1);
		else if (strcmp(o, "--warmup") == 0)
			a->warmup = parse_long(o, argv[++i], 0);
		else if (strcmp(o, "--min-time") == 0) {
			char *end;
			a->min_time = strtod(argv[++i], &end);
			if (*end || a->min_time < 0 || a->min_time > 3600)
				die("--min-time: expected seconds (0..3600), got '%s'", argv[i]);
		} else if (strcmp(o, "--system-bundle") == 0)
			system_bundle = argv[++i];
		else
			die("unknown option '%s' (try --help)", o);
	}
	if (!mode)
		die("--mode is required (warm, rotate, cold, cold-chain or sig-floor)");
	bench_mode m;
	if (strcmp(mode, "warm") == 0)
		m = BENCH_WARM;
	else if (strcmp(mode, "rotate") == 0)
		m = BENCH_ROTATE;
	else if (strcmp(mode, "cold") == 0)
		m = BENCH_COLD;
	else if (strcmp(mode, "cold-chain") == 0)
		m = BENCH_COLD_CHAIN;
	else if (strcmp(mode, "sig-floor") == 0)
		m = BENCH_SIG_FLOOR;
	else
		die("--mode: unknown mode '%s' (warm, rotate, cold, cold-chain or sig-floor)",
		    mode);
	a->mode = m;
	if (a->anchors.n == 0)
		die("--anchors is required");
	if (a->leaves.n == 0)
		die("--leaf is required");
	if (!a->host)
		die("--host is required");
	if (!have_time)
		die("--attime is required (the bench must not depend on the clock)");
	if (m == BENCH_ROTATE && (size_t)(1 + a->warmup + a->iters) > a->leaves.n)
		die("rotate uses each leaf once: --leaf holds %zu leaves, 1 + --warmup + --iters "
		    "needs %ld", a->leaves.n, 1 + a->warmup + a->iters);
	/* Cold modes parse the pool in every iteration: keep its bytes. */
	for (size_t i = 0; (m == BENCH_COLD || m == BENCH_COLD_CHAIN) && i < a->pool.n; i++)
		a->pool.v[i] = read_file(a->pool.v[i].name);
	if (m == BENCH_COLD_CHAIN) {
		if (!system_bundle)
			system_bundle = X509_get_default_cert_file();
		a->system = read_file(system_bundle);
	}
}

bench_blob bench_pool_file(const bench_args *a, size_t i)
{
	return a->pool.v[i].data ? a->pool.v[i] : read_file(a->pool.v[i].name);
}

void bench_pool_done(const bench_args *a, size_t i, bench_blob *b)
{
	if (!a->pool.v[i].data)
		free(b->data);
	b->data = NULL;
}

static double mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/*
 * This program's peak resident set.  getrusage's ru_maxrss survives execve:
 * started from run_bench.py it reports the forked Python's 15 MB whenever
 * the bench itself stays below that.  /proc's VmHWM belongs to this image.
 */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb < 0) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		kb = ru.ru_maxrss;
	}
	return kb;
}

static void verify_or_die(const bench_driver *d, void *st, const bench_args *a, size_t seq)
{
	char why[512] = "";
	if (d->verify(st, a, seq, why, sizeof(why)) != 0) {
		fprintf(stderr, "%s: %s %s: iteration %zu: chain not verified: %s\n", prog,
			d->name, bench_mode_name(a->mode), seq, why[0] ? why : "unknown reason");
		exit(1);
	}
}

/*
 * The first timed iteration runs through this function so that
 * `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=bench_measured_iteration` counts the instructions of
 * exactly one warmed-up verification (run_bench.py --callgrind).
 */
__attribute__((noinline)) void bench_measured_iteration(const bench_driver *d, void *st,
							 const bench_args *a, size_t seq)
{
	verify_or_die(d, st, a, seq);
	__asm__ volatile("" ::: "memory"); /* keep the call a real call */
}

int bench_main(int argc, char **argv, const bench_driver *d)
{
	bench_args a = { 0 };
	prog = argv[0] && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	parse_args(&a, argc, argv);

	void *st = d->setup(&a);
	if (!st)
		die("%s: setup failed", d->name);

	size_t seq = 0;
	double t0 = mono_us();
	verify_or_die(d, st, &a, seq++);
	double first = mono_us() - t0;
	for (long i = 0; i < a.warmup; i++)
		verify_or_die(d, st, &a, seq++);

	/* At least --iters iterations and at least --min-time seconds; rotate
	 * also stops when the leaves run out. */
	long n = 0;
	double c0 = cpu_us(), w0 = mono_us(), w1 = w0;
	double min_us = a.min_time * 1e6;
	while (n < a.iters || w1 - w0 < min_us) {
		if (a.mode == BENCH_ROTATE && seq >= a.leaves.n)
			break;
		if (n == 0)
			bench_measured_iteration(d, st, &a, seq++);
		else
			verify_or_die(d, st, &a, seq++);
		n++;
		w1 = mono_us();
	}
	double cpu = cpu_us() - c0;
	double wall = w1 - w0;

	printf("RESULT impl=%s mode=%s iters=%ld wall_us=%.3f cpu_us=%.3f ops_s=%.1f "
	       "first_us=%.1f maxrss_kb=%ld\n",
	       d->name, bench_mode_name(a.mode), n, wall / (double)n, cpu / (double)n,
	       (double)n * 1e6 / wall, first, peak_rss_kb());
	fflush(stdout);

	d->teardown(st);
	list_free(&a.anchors);
	list_free(&a.untrusted);
	list_free(&a.pool);
	list_free(&a.leaves);
	free(a.system.data);
	return 0;
}
