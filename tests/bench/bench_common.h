/*
 * Shared half of the two verification benchmarks (libtrust and OpenSSL's
 * X509_verify_cert): one argument parser, one input reader and one timing
 * loop, so the two drivers differ only in the verifier they call.
 *
 *   --mode warm|rotate|cold|cold-chain|sig-floor
 *   --anchors PEM...   trusted roots (kept as the file's bytes)
 *   --untrusted PEM... intermediates the peer sends (decoded to DER, the wire form)
 *   --pool PEM...      unrelated intermediates (the files' bytes: kept in cold modes; read
 *                      one file at a time during setup in warm and rotate, see bench_pool_file)
 *   --pool-after       OpenSSL: the pool goes after the real intermediate
 *   --leaf PEM...      leaves (DER, one per certificate across all files)
 *   --host NAME --attime EPOCH --iters N --warmup N --min-time SEC
 *   --system-bundle FILE   cold-chain anchors (default: OpenSSL's default cert file)
 *
 * Modes (the same work for both verifiers):
 *   warm       store, parsed chain and signature cache kept; only evaluation repeats.
 *   rotate     store kept (the intermediates are known to it); each iteration parses a
 *              new leaf from its DER bytes, as one arrives from the network, and
 *              verifies it.  Each leaf is used at most once.
 *   cold       each iteration parses every input from the bytes in memory, builds a new
 *              store and verifies, with no signature cache; nothing survives an iteration.
 *   cold-chain cold, with the system bundle (read into memory once) as extra anchors.
 *   sig-floor  openssl-verify-bench only: the signature checks of a cold verification
 *              and nothing else (the floor under cold, see openssl_verify_bench.c).
 *
 * Output, one line on stdout:
 *   RESULT impl=NAME mode=MODE iters=N wall_us=F cpu_us=F ops_s=F first_us=F maxrss_kb=N
 * wall_us and cpu_us are per verification (means over the timed loop); first_us is
 * the very first iteration (before warm-up); maxrss_kb is the process peak (VmHWM).
 * A verification that does not succeed is an error: message on stderr, exit 1.
 * Bad arguments or unreadable input: one-line message, exit 2.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

typedef enum bench_mode {
	BENCH_WARM = 0,
	BENCH_ROTATE,
	BENCH_COLD,
	BENCH_COLD_CHAIN,
	BENCH_SIG_FLOOR
} bench_mode;

/* Bytes in memory: a whole file, or one DER certificate taken out of one. */
typedef struct bench_blob {
	const char *name; /* file it came from */
	unsigned char *data;
	size_t len;
} bench_blob;

typedef struct bench_list {
	bench_blob *v;
	size_t n, cap;
} bench_list;

typedef struct bench_args {
	bench_mode mode;
	bench_list anchors;   /* file bytes */
	bench_list untrusted; /* DER, one per certificate */
	bench_list pool;      /* file bytes (cold modes); names only in warm and rotate */
	int pool_after;
	bench_list leaves;    /* DER, one per certificate */
	bench_blob system;    /* cold-chain only: the system bundle's bytes */
	const char *host;
	int64_t attime;
	long iters;
	long warmup;
	double min_time;
} bench_args;

/*
 * A verifier.  setup runs once, untimed; verify runs once per iteration and
 * returns 0 when the chain is trusted, else -1 with a reason in `why`.  `seq`
 * counts every call from 0 (rotate uses it to pick the leaf).
 */
typedef struct bench_driver {
	const char *name;
	void *(*setup)(const bench_args *a);
	int (*verify)(void *state, const bench_args *a, size_t seq, char *why, size_t whylen);
	void (*teardown)(void *state);
} bench_driver;

/* Parses argv, reads inputs, runs the loop, prints RESULT; returns the exit status. */
/* One verification, out of line so callgrind can count it alone (bench_common.c). */
void bench_measured_iteration(const bench_driver *d, void *st, const bench_args *a, size_t seq);
int bench_main(int argc, char **argv, const bench_driver *d);

/*
 * Pool file i: the bytes kept in memory (cold modes), or read now (warm,
 * rotate), so that setup holds one pool file at a time, as an application
 * reading its pool from disk does, and peak RSS is the verifier's, not the
 * bench's copy of 7 MB of PEM.  Give it back with bench_pool_done.
 */
bench_blob bench_pool_file(const bench_args *a, size_t i);
void bench_pool_done(const bench_args *a, size_t i, bench_blob *b);

/* Name of a mode as printed ("warm", ...). */
const char *bench_mode_name(bench_mode m);

/* 1 if the bytes hold a PEM BEGIN line. */
int bench_is_pem(const unsigned char *data, size_t len);

#endif
