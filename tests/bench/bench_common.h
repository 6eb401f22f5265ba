/*
 * Shared harness for the two verification drivers (libtrust and OpenSSL's
 * X509_verify_cert), so both read the same inputs the same way, time the
 * same loop and print the same RESULT line.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_FILES 16

typedef struct bench_blob {
	unsigned char *data;
	size_t len;
} bench_blob;

typedef struct bench_cfg {
	const char *mode; /* warm | rotate | cold | cold-chain */
	bench_blob anchors[BENCH_MAX_FILES];
	size_t nanchors;
	bench_blob untrusted[BENCH_MAX_FILES];
	size_t nuntrusted;
	bench_blob pool[BENCH_MAX_FILES];
	size_t npool;
	int pool_after;
	bench_blob *leaves; /* one DER certificate each, from every --leaf file */
	size_t nleaves;
	const char *host;
	int64_t attime;
	long iters, warmup;
	double min_time;
} bench_cfg;

/* One verification; `i` counts iterations (rotate picks leaf i). Returns 1 if trusted. */
typedef int (*bench_fn)(void *state, const bench_cfg *cfg, long i);

/* Parses argv into cfg, reading every file into memory; exits 2 on usage errors. */
void bench_parse(bench_cfg *cfg, int argc, char **argv);
/* Runs warmup + timed iterations, prints the RESULT line; returns the exit status. */
int bench_run(const char *impl, const bench_cfg *cfg, bench_fn fn, void *state);
/* Frees what bench_parse read. */
void bench_free(bench_cfg *cfg);

#endif
