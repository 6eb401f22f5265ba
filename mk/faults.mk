# Allocation-failure sweeps (tests/fault/): every allocation of libtrust, the
# CLI, certgen, OpenSSL, jansson and libcbor goes through a counting allocator
# linked in with --wrap; a sweep fails the 1st, 2nd, ... allocation in turn.
#
#   make fault-sweep        in-process sweep of trust_evaluate (also run by `make unit`),
#                           and trustcheck/certgen sweeps sampled every FAULT_STRIDE points
#   make fault-sweep-full   the process sweeps at every failure point (slow)
FAULT_STRIDE ?= 7
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
FAULT_OBJ := $(BUILD)/obj/tests/fault/fault.o

.PHONY: fault-sweep fault-sweep-full

# The in-process sweep is a Check test like the others, linked with the counter.
$(BUILD)/tests/test_failclosed: $(BUILD)/obj/tests/unit/test_failclosed.o $(FAULT_OBJ) \
		$(TEST_SUPPORT_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $(FAULT_WRAP) -o $@ $< $(FAULT_OBJ) $(TEST_SUPPORT_OBJ) \
		$(STATIC_LIB) $(PKG_LIBS) $(CHECK_LIBS)
