# make bench:       libtrust against OpenSSL's X509_verify_cert on the same inputs,
#                   interleaved, medians of BENCH_ROUNDS rounds (tests/bench/).
# make bench-smoke: one short round of every scenario; checks that both verifiers
#                   run and accept every chain.  Cheap enough for `make test`.
# Both also time full mTLS handshakes on the example server, libtrust against
# --openssl-verify (mk/load.mk adds the inputs and BENCH_MTLS_ARGS).
BENCH_DIR := $(BUILD)/bench
BENCH_ROUNDS ?= 5
BENCH_LEAVES ?= 20000
BENCH_ARGS ?=
# A missed target fails `make bench`; BENCH_LAX=1 only reports it (a loaded machine).
BENCH_LAX ?=
# Optimised and never sanitised, whatever OPT and SAN say.
BENCH_CFLAGS = $(filter-out -fsanitize% -fno-sanitize%,$(CFLAGS_ALL)) -O2 -Itests/bench
BENCH_LDFLAGS = $(filter-out -fsanitize% -fno-sanitize%,$(LDFLAGS_ALL))
BENCH_HDR := tests/bench/bench_common.h include/trust.h

TRUST_BENCH := $(BENCH_DIR)/trust-verify-bench
OPENSSL_BENCH := $(BENCH_DIR)/openssl-verify-bench
GEN_LEAVES := $(BENCH_DIR)/gen-leaves

.PHONY: bench bench-smoke bench-bins

$(BENCH_DIR)/obj/%.o: tests/bench/%.c $(BENCH_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -c -o $@ $<

$(TRUST_BENCH): $(BENCH_DIR)/obj/trust_verify_bench.o $(BENCH_DIR)/obj/bench_common.o $(STATIC_LIB)
	$(CC) $(BENCH_LDFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LIB) $(PKG_LIBS)

$(OPENSSL_BENCH): $(BENCH_DIR)/obj/openssl_verify_bench.o $(BENCH_DIR)/obj/bench_common.o
	$(CC) $(BENCH_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(GEN_LEAVES): $(BENCH_DIR)/obj/gen_leaves.o
	$(CC) $(BENCH_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Inputs are cached: regenerated only when the generators change.
$(BENCH_DIR)/inputs/.stamp: scripts/make-bench-inputs.sh $(GEN_LEAVES)
	sh scripts/make-bench-inputs.sh $(BENCH_DIR)/inputs $(GEN_LEAVES) $(BENCH_LEAVES)
	@touch $@

$(BENCH_DIR)/smoke-inputs/.stamp: scripts/make-bench-inputs.sh $(GEN_LEAVES)
	sh scripts/make-bench-inputs.sh $(BENCH_DIR)/smoke-inputs $(GEN_LEAVES) 200
	@touch $@

bench-bins: $(TRUST_BENCH) $(OPENSSL_BENCH)

# certgen's bench runs even when a verification target was missed; either miss fails.
bench: bench-bins $(BENCH_DIR)/inputs/.stamp
	@rc=0; set -x; python3 tests/bench/run_bench.py --bin $(BENCH_DIR) \
		--inputs $(BENCH_DIR)/inputs --rounds $(BENCH_ROUNDS) $(if $(BENCH_LAX),--lax) \
		$(BENCH_MTLS_ARGS) $(BENCH_ARGS) || rc=1; set +x; \
	if $(MAKE) -n bench-certgen >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory bench-certgen || \
		{ echo "bench-certgen: target missed"; test -n "$(BENCH_LAX)" || rc=1; }; fi; \
	exit $$rc

bench-smoke: bench-bins $(BENCH_DIR)/smoke-inputs/.stamp
	python3 tests/bench/run_bench.py --bin $(BENCH_DIR) --inputs $(BENCH_DIR)/smoke-inputs \
		--smoke --no-callgrind $(BENCH_MTLS_ARGS)
