# make conformance: x509-limbo vectors through libtrust (tests/conformance/).
LIMBO_SRC := $(sort $(wildcard tests/conformance/*.c))
LIMBO_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIMBO_SRC))
LIMBO_RUNNER := $(BUILD)/limbo-runner

$(BUILD)/obj/tests/conformance/%.o: tests/conformance/%.c tests/conformance/limbo_case.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(LIMBO_RUNNER): $(LIMBO_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $(LIMBO_OBJ) $(STATIC_LIB) $(PKG_LIBS)

conformance: $(LIMBO_RUNNER)
	$(LIMBO_RUNNER) --policies policies tests/conformance/limbo.json tests/conformance/skip.txt
