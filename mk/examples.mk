# examples/: small programs built on the public header and the installed-style
# libtrust.a alone (as a user's program would be), into $(BUILD)/examples/.
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
EXAMPLE_BIN := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRC))
# No -Itrust: an example that reaches for an internal header does not build.
EXAMPLE_CFLAGS = $(filter-out -Itrust,$(CFLAGS_ALL))

.PHONY: examples
examples: $(EXAMPLE_BIN)
all: $(EXAMPLE_BIN)

$(EXAMPLE_BIN:$(BUILD)/examples/%=$(BUILD)/obj/examples/%.o): $(BUILD)/obj/examples/%.o: examples/%.c
	@mkdir -p $(dir $@)
	$(CC) $(EXAMPLE_CFLAGS) -c -o $@ $<

$(EXAMPLE_BIN): $(BUILD)/examples/%: $(BUILD)/obj/examples/%.o $(INSTALL_STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(INSTALL_STATIC_LIB) $(LIB_LIBS)
