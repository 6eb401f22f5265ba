# The example mTLS server under load (tests/load/):
#
#   make load        LOAD_HANDSHAKES (2,500: 500 warm-up + 2,000 measured) full handshakes
#                    from LOAD_CLIENTS (8) clients, good and bad identities, while the
#                    server's store is swapped LOAD_SWAPS (20) times; zero wrong verdicts
#                    and at most LOAD_RSS_LIMIT_KB of server RSS growth after the warm-up
#   make load-tsan   libtrust, the example server, the driver and the concurrency unit
#                    tests rebuilt with ThreadSanitizer in build/tsan; the tests, then a
#                    shorter load (TSAN_HANDSHAKES) with the same clients and swaps; any
#                    report fails
#   make load-run    the load alone, with LOAD_ARGS; `make asan` runs it with ASAN_LOAD_ARGS
#                    (a report, or a leak at the server's exit, fails)
#
# `make test` runs all three.
LOAD_HANDSHAKES ?= 2500
LOAD_WARMUP ?= 500
LOAD_CLIENTS ?= 8
LOAD_SWAPS ?= 20
# glibc's per-thread arenas keep growing for a while after the warm-up
# (+588..+730 kB over 2,000 handshakes in eight runs, levelling off over
# 10,000; live heap flat under heaptrack), so the bound leaves room for that;
# smaller leaks are LeakSanitizer's job in the ASan run.
LOAD_RSS_LIMIT_KB ?= 1536
TSAN_HANDSHAKES ?= 400
TSAN_WARMUP ?= 100
# Under ASan RSS is the sanitizer's, not the server's: not judged.
ASAN_LOAD_ARGS ?= --handshakes 600 --warmup 100 --clients $(LOAD_CLIENTS) --swaps $(LOAD_SWAPS) \
	--no-rss-limit
LOAD_ARGS ?= --handshakes $(LOAD_HANDSHAKES) --warmup $(LOAD_WARMUP) --clients $(LOAD_CLIENTS) \
	--swaps $(LOAD_SWAPS) --rss-limit-kb $(LOAD_RSS_LIMIT_KB)
# The PKI is made with the plain certgen even for the TSan run (it is not under test there).
LOAD_CERTGEN ?= $(CERTGEN)
LOAD_DIR := $(BUILD)/load
MTLS_LOAD := $(LOAD_DIR)/mtls-load
LOAD_SERVER ?= $(BUILD)/examples/mtls-server

.PHONY: load load-run load-tsan tsan-unit

$(MTLS_LOAD): $(BUILD)/obj/tests/load/mtls_load.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(shell pkg-config --libs openssl)

# A fresh PKI every run: its certificates are dated now, and the run writes its
# CRL and the server's log there.
load-run: $(MTLS_LOAD) $(LOAD_SERVER) $(LOAD_CERTGEN)
	sh tests/load/make_pki.sh $(LOAD_DIR)/pki $(LOAD_CERTGEN)
	$(MTLS_LOAD) --server $(LOAD_SERVER) --pki $(LOAD_DIR)/pki $(LOAD_ARGS)

load: all
	@$(MAKE) --no-print-directory load-run

# OpenSSL is not instrumented: tests/tsan.supp silences reports raised inside it
# (and says why); none names libtrust, the example or the driver.  RSS is not
# judged here (TSan's shadow memory dominates it).  The concurrency unit tests
# run under TSan too: they race on the signature cache and the store's lazily
# parsed certificates far more directly than handshakes do, whose many OpenSSL
# lock operations order most accesses for TSan.
TSAN_UNIT := test_threads test_ssl_ctx
TSAN_FIXTURES ?= $(CURDIR)/$(BUILD)/fixtures

TSAN_MAKE = TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 \
	second_deadlock_stack=1" $(MAKE) --no-print-directory BUILD=build/tsan OPT="-O1 -g" \
	SAN="-fsanitize=thread"

# The unit tests, then the load: run together they would starve each other's threads.
load-tsan: $(CERTGEN) $(FIXTURES)
	$(TSAN_MAKE) TSAN_FIXTURES=$(TSAN_FIXTURES) tsan-unit
	$(TSAN_MAKE) LOAD_CERTGEN=$(CURDIR)/$(CERTGEN) load-run \
		LOAD_ARGS="--handshakes $(TSAN_HANDSHAKES) --warmup $(TSAN_WARMUP) \
		--clients $(LOAD_CLIENTS) --swaps $(LOAD_SWAPS) --no-rss-limit"

# Only meaningful inside load-tsan's build (the fixtures come from the plain build).
tsan-unit: $(TSAN_UNIT:%=$(BUILD)/tests/%)
	@set -e; for t in $^; do echo "== $$t (ThreadSanitizer)"; \
		TRUST_FIXTURES=$(TSAN_FIXTURES) TRUST_TOP=$(CURDIR) $$t; done

# `make bench` and bench-smoke: the example server's handshakes with libtrust against
# OpenSSL verifying (tests/bench/run_bench.py, row "mTLS handshake").  A fresh PKI
# each time, for the same reason as above.
BENCH_MTLS_PKI = $(BUILD)/bench/mtls-pki
BENCH_MTLS_ARGS = --mtls-load $(MTLS_LOAD) --mtls-server $(LOAD_SERVER) --mtls-pki $(BENCH_MTLS_PKI)
.PHONY: bench-mtls-pki
bench-mtls-pki: $(CERTGEN)
	sh tests/load/make_pki.sh $(BENCH_MTLS_PKI) $(CERTGEN)
bench bench-smoke: $(MTLS_LOAD) $(LOAD_SERVER) bench-mtls-pki
# tests/cli/test_load_driver.sh runs the driver against the example server.
all: $(MTLS_LOAD)
