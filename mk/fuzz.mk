# Robustness: hostile inputs, fuzz harnesses, corpus replay, valgrind, TSan.
#
#   make fuzz FUZZ_SECONDS=60   libFuzzer (clang) on each harness for FUZZ_SECONDS
#   make corpus-replay          every harness over its seeds and regressions (gcc; in make test)
#   make valgrind               trustcheck under valgrind on fixtures and bad input
#   make tsan                   the thread test under -fsanitize=thread

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_HARNESSES := load_build cert_parse names nc_match
FUZZ_CLANG_BUILD := build/fuzz-clang
TSAN_BUILD := build/tsan

HOSTILE_GEN := $(BUILD)/hostile-gen
VARIANT_GEN := $(BUILD)/variant-gen
HOSTILE_DIR := $(BUILD)/hostile
HOSTILE := $(HOSTILE_DIR)/.stamp
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_EMBED := $(FUZZ_DIR)/fuzz_embed.h
FUZZ_SEEDS := $(FUZZ_DIR)/seeds/.stamp
FUZZ_REPLAY := $(patsubst %,$(FUZZ_DIR)/%_replay,$(FUZZ_HARNESSES))
FUZZ_LIBFUZZER := $(patsubst %,$(FUZZ_DIR)/%_fuzz,$(FUZZ_HARNESSES))

.PHONY: tsan fuzz-binaries fuzz-run hostile

# The shorter stem makes this rule win over the generic one for fuzz sources.
$(BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c $(FUZZ_EMBED)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -I$(FUZZ_DIR) -c -o $@ $<

$(FUZZ_EMBED): tests/fuzz/embed.sh $(FIXTURES)
	@mkdir -p $(dir $@)
	sh tests/fuzz/embed.sh $(BUILD)/fixtures $@

$(BUILD)/%-gen: $(BUILD)/obj/tests/fuzz/%_gen.o
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(PKG_LIBS)

$(HOSTILE): scripts/make-hostile.sh $(HOSTILE_GEN) $(VARIANT_GEN) $(FIXTURES)
	sh scripts/make-hostile.sh $(HOSTILE_DIR) $(BUILD)/fixtures $(HOSTILE_GEN) $(VARIANT_GEN)
	@touch $@

hostile: $(HOSTILE)

# The bad-input CLI test reads the hostile files.
cli: $(HOSTILE)

$(FUZZ_SEEDS): tests/fuzz/make-seeds.sh tests/fuzz/names_seeds.txt tests/fuzz/nc_seeds.txt $(HOSTILE) $(FIXTURES)
	sh tests/fuzz/make-seeds.sh $(BUILD)/fixtures $(HOSTILE_DIR) $(FUZZ_DIR)/seeds
	@touch $@

# Replay binaries: the harness plus the standalone driver, built with $(CC).
$(FUZZ_DIR)/%_replay: $(BUILD)/obj/tests/fuzz/%_fuzz.o $(BUILD)/obj/tests/fuzz/standalone_driver.o $(STATIC_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

corpus-replay: $(FUZZ_REPLAY) $(FUZZ_SEEDS)
	@set -e; for h in $(FUZZ_HARNESSES); do \
		echo "== corpus-replay $$h"; \
		$(FUZZ_DIR)/$${h}_replay $(FUZZ_DIR)/seeds/$$h tests/fuzz/regressions/$$h; done

valgrind: all $(FIXTURES) $(HOSTILE)
	sh tests/fuzz/valgrind.sh $(TRUSTCHECK) $(BUILD)/fixtures $(HOSTILE_DIR)

# libFuzzer binaries; only meaningful when CC is clang with the fuzzer sanitizer.
$(FUZZ_DIR)/%_fuzz: $(BUILD)/obj/tests/fuzz/%_fuzz.o $(STATIC_LIB)
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

fuzz-binaries: $(FUZZ_LIBFUZZER) $(FUZZ_SEEDS)

# Each harness on a fresh copy of its seeds (plus the regressions, read-only).
fuzz-run: fuzz-binaries
	@set -e; for h in $(FUZZ_HARNESSES); do \
		rm -rf $(FUZZ_DIR)/corpus/$$h; mkdir -p $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/artifacts; \
		cp $(FUZZ_DIR)/seeds/$$h/* $(FUZZ_DIR)/corpus/$$h/; \
		max=65536; case $$h in load_build|cert_parse) ;; *) max=512 ;; esac; \
		echo "== fuzz $$h for $(FUZZ_SECONDS)s"; \
		$(FUZZ_DIR)/$${h}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=$$max -timeout=20 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/artifacts/$$h- \
			$(FUZZ_DIR)/corpus/$$h tests/fuzz/regressions/$$h; done

fuzz:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_CLANG_BUILD) CC=$(FUZZ_CC) \
		OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all" fuzz-run

# ThreadSanitizer over the concurrent-evaluation test (gcc or clang).
tsan:
	$(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) OPT="-O1 -g" SAN="-fsanitize=thread" \
		$(TSAN_BUILD)/tests/test_threads $(TSAN_BUILD)/fixtures/.stamp
	CK_FORK=no TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
		TRUST_FIXTURES=$(TSAN_BUILD)/fixtures TRUST_TOP=$(CURDIR) $(TSAN_BUILD)/tests/test_threads

# Keep the objects make would otherwise treat as intermediate and delete.
.SECONDARY: $(patsubst %,$(BUILD)/obj/tests/fuzz/%_fuzz.o,$(FUZZ_HARNESSES)) \
	$(BUILD)/obj/tests/fuzz/standalone_driver.o $(BUILD)/obj/tests/fuzz/hostile_gen.o \
	$(BUILD)/obj/tests/fuzz/variant_gen.o
