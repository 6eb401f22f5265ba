/* Argument parsing, input reading, the timed loop and the RESULT line. */
#include "bench_common.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <time.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: BENCH --mode warm|rotate|cold|cold-chain --anchors PEM... [--untrusted PEM...]\n"
		"             [--pool PEM... [--pool-after]] --leaf PEM... --host NAME --attime EPOCH\n"
		"             [--iters N] [--warmup N] [--min-time SEC]\n");
	exit(2);
}

static bench_blob read_file(const char *path)
{
	bench_blob b = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench: %s: cannot open\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.data = malloc((size_t)n + 1);
	if (!b.data || fread(b.data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench: %s: read error\n", path);
		exit(2);
	}
	b.len = (size_t)n;
	fclose(f);
	return b;
}

/* Leaves are kept as DER so the rotate loop measures parsing a certificate,
 * not base64. */
static void add_leaves(bench_cfg *cfg, const char *path)
{
	bench_blob f = read_file(path);
	BIO *bio = BIO_new_mem_buf(f.data, (int)f.len);
	X509 *x;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		cfg->leaves = realloc(cfg->leaves, (cfg->nleaves + 1) * sizeof(*cfg->leaves));
		bench_blob *b = &cfg->leaves[cfg->nleaves++];
		b->data = NULL;
		int n = i2d_X509(x, &b->data);
		b->len = n > 0 ? (size_t)n : 0;
		X509_free(x);
	}
	BIO_free(bio);
	free(f.data);
}

void bench_parse(bench_cfg *cfg, int argc, char **argv)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->iters = 1000;
	cfg->warmup = 10;
	cfg->mode = "warm";
	cfg->attime = (int64_t)time(NULL);
	int list = 0; /* 1 anchors, 2 untrusted, 3 pool, 4 leaf */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
			cfg->mode = argv[++i];
			list = 0;
		} else if (strcmp(a, "--anchors") == 0) {
			list = 1;
		} else if (strcmp(a, "--untrusted") == 0) {
			list = 2;
		} else if (strcmp(a, "--pool") == 0) {
			list = 3;
		} else if (strcmp(a, "--leaf") == 0) {
			list = 4;
		} else if (strcmp(a, "--pool-after") == 0) {
			cfg->pool_after = 1;
		} else if (strcmp(a, "--host") == 0 && i + 1 < argc) {
			cfg->host = argv[++i];
			list = 0;
		} else if (strcmp(a, "--attime") == 0 && i + 1 < argc) {
			cfg->attime = strtoll(argv[++i], NULL, 10);
			list = 0;
		} else if (strcmp(a, "--iters") == 0 && i + 1 < argc) {
			cfg->iters = strtol(argv[++i], NULL, 10);
			list = 0;
		} else if (strcmp(a, "--warmup") == 0 && i + 1 < argc) {
			cfg->warmup = strtol(argv[++i], NULL, 10);
			list = 0;
		} else if (strcmp(a, "--min-time") == 0 && i + 1 < argc) {
			cfg->min_time = strtod(argv[++i], NULL);
			list = 0;
		} else if (a[0] == '-') {
			usage();
		} else if (list == 1 && cfg->nanchors < BENCH_MAX_FILES) {
			cfg->anchors[cfg->nanchors++] = read_file(a);
		} else if (list == 2 && cfg->nuntrusted < BENCH_MAX_FILES) {
			cfg->untrusted[cfg->nuntrusted++] = read_file(a);
		} else if (list == 3 && cfg->npool < BENCH_MAX_FILES) {
			cfg->pool[cfg->npool++] = read_file(a);
		} else if (list == 4) {
			add_leaves(cfg, a);
		} else {
			usage();
		}
	}
	if (!cfg->nanchors || !cfg->nleaves || cfg->iters < 1)
		usage();
	if (strcmp(cfg->mode, "rotate") == 0 && (size_t)(cfg->iters + cfg->warmup) > cfg->nleaves) {
		/* Rotate uses each leaf at most once. */
		cfg->iters = (long)cfg->nleaves - cfg->warmup;
		if (cfg->iters < 1) {
			fprintf(stderr, "bench: rotate needs more leaves than --warmup\n");
			exit(2);
		}
	}
}

void bench_free(bench_cfg *cfg)
{
	for (size_t i = 0; i < cfg->nanchors; i++)
		free(cfg->anchors[i].data);
	for (size_t i = 0; i < cfg->nuntrusted; i++)
		free(cfg->untrusted[i].data);
	for (size_t i = 0; i < cfg->npool; i++)
		free(cfg->pool[i].data);
	for (size_t i = 0; i < cfg->nleaves; i++)
		OPENSSL_free(cfg->leaves[i].data);
	free(cfg->leaves);
}

static double now_us(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int bench_run(const char *impl, const bench_cfg *cfg, bench_fn fn, void *state)
{
	long i = 0;
	double t0 = now_us(CLOCK_MONOTONIC);
	if (!fn(state, cfg, i++)) {
		fprintf(stderr, "bench: %s: the chain did not verify\n", impl);
		return 1;
	}
	double first = now_us(CLOCK_MONOTONIC) - t0;
	for (long w = 1; w < cfg->warmup; w++)
		if (!fn(state, cfg, i++)) {
			fprintf(stderr, "bench: %s: the chain did not verify\n", impl);
			return 1;
		}
	double w0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_PROCESS_CPUTIME_ID);
	long n = 0;
	bool rotate = strcmp(cfg->mode, "rotate") == 0;
	for (;;) {
		if (!fn(state, cfg, i++)) {
			fprintf(stderr, "bench: %s: the chain did not verify\n", impl);
			return 1;
		}
		n++;
		if (n >= cfg->iters && (now_us(CLOCK_MONOTONIC) - w0) / 1e6 >= cfg->min_time)
			break;
		if (rotate && (size_t)i >= cfg->nleaves)
			break;
	}
	double wall = now_us(CLOCK_MONOTONIC) - w0, cpu = now_us(CLOCK_PROCESS_CPUTIME_ID) - c0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("RESULT impl=%s mode=%s iters=%ld wall_us=%.3f cpu_us=%.3f ops_s=%.1f first_us=%.1f maxrss_kb=%ld\n",
	       impl, cfg->mode, n, wall / (double)n, cpu / (double)n, (double)n / (wall / 1e6), first,
	       ru.ru_maxrss);
	return 0;
}
