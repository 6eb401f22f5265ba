# make bench: libtrust against OpenSSL's X509_verify_cert on the same inputs.
BENCH_DIR := $(BUILD)/bench
BENCH_COMMON := $(BUILD)/obj/tests/bench/bench_common.o
BENCH_CFLAGS = $(filter-out -fsanitize=%,$(CFLAGS_ALL))

$(BUILD)/obj/tests/bench/%.o: tests/bench/%.c tests/bench/bench_common.h trust/trust.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -c -o $@ $<

$(BUILD)/trust-verify-bench: $(BUILD)/obj/tests/bench/trust_verify_bench.o $(BENCH_COMMON) $(STATIC_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/openssl-verify-bench: $(BUILD)/obj/tests/bench/openssl_verify_bench.o $(BENCH_COMMON)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/gen-bench-inputs: $(BUILD)/obj/tests/bench/gen_inputs.o
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BENCH_DIR)/.stamp: $(BUILD)/gen-bench-inputs
	@mkdir -p $(BENCH_DIR)
	$(BUILD)/gen-bench-inputs $(BENCH_DIR)
	@touch $@

BENCH_BINS := $(BUILD)/trust-verify-bench $(BUILD)/openssl-verify-bench $(BENCH_DIR)/.stamp

.PHONY: bench bench-smoke
bench: $(BENCH_BINS) $(if $(CERTGEN_SRC),$(CERTGEN))
	sh tests/bench/run_bench.sh $(BUILD) $(BENCH_DIR) $${BENCH_ROUNDS:-5}
	@if $(MAKE) -n bench-certgen >/dev/null 2>&1; then $(MAKE) --no-print-directory bench-certgen; fi

# One short round: both drivers run every scenario and agree the chains verify.
bench-smoke: $(BENCH_BINS)
	BENCH_QUICK=1 sh tests/bench/run_bench.sh $(BUILD) $(BENCH_DIR) 1
