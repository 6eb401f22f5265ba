# certgen: its objects minus main.c as a static library, so Check tests named
# test_certgen_* can call the commands and helpers directly; and bench-certgen.
CERTGEN_LIB := $(BUILD)/libcertgen.a
# trustcheck's RFC 3339 parser serves certgen's --not-before/--not-after too.
CERTGEN_OBJ += $(BUILD)/obj/gen/bad_catalogue.o $(BUILD)/obj/trust/cli/rfc3339.o
CERTGEN_LIB_OBJ := $(filter-out $(BUILD)/obj/certgen/main.o,$(CERTGEN_OBJ))

$(CERTGEN_LIB): $(CERTGEN_LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# More specific than the top Makefile's $(BUILD)/tests/% (shorter stem wins).
$(BUILD)/tests/test_certgen_%: $(BUILD)/obj/tests/unit/test_certgen_%.o $(TEST_SUPPORT_OBJ) \
		$(CERTGEN_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_SUPPORT_OBJ) $(CERTGEN_LIB) $(STATIC_LIB) \
		$(PKG_LIBS) $(CHECK_LIBS)

# certgen ca && certgen leaf against the openssl CLI recipe (req -x509; req + x509 -req),
# EC P-256 and RSA-2048, same run.  Target: certgen at most half the recipe's time.
BENCH_CERTGEN_RUNS ?= 20
.PHONY: bench-certgen
bench-certgen: $(CERTGEN)
	@sh certgen/bench.sh $(CERTGEN) $(BENCH_CERTGEN_RUNS)

# The certgen kill loop at length: `make unit` runs 200 random kills; this runs
# CRASH_RUNS (default 2000) and prints the counts.
CRASH_RUNS ?= 2000
.PHONY: crash-certgen
crash-certgen: $(BUILD)/tests/test_certgen_crash
	CERTGEN_KILL_RUNS=$(CRASH_RUNS) $(BUILD)/tests/test_certgen_crash

# The bad catalogue, fixtures/bad.json, is compiled in: certgen bad needs no data files, and
# certgen apply fixtures/bad.json builds the same cases from the same description.
CATALOGUE_C := $(BUILD)/gen/bad_catalogue.c
CATALOGUE_OBJ := $(BUILD)/obj/gen/bad_catalogue.o
$(CERTGEN) $(CERTGEN_LIB): $(CATALOGUE_OBJ) $(BUILD)/obj/trust/cli/rfc3339.o
$(CATALOGUE_C): fixtures/bad.json
	@mkdir -p $(dir $@)
	{ echo '/* Generated from fixtures/bad.json by mk/certgen.mk; do not edit. */'; \
	  echo 'extern const char cg_bad_catalogue[];'; echo 'const char cg_bad_catalogue[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@
$(CATALOGUE_OBJ): $(CATALOGUE_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<
