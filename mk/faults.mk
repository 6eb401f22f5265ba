# Allocation-failure sweeps (tests/fault/): every allocation of libtrust, the
# CLI, certgen, OpenSSL, jansson and libcbor goes through a counting allocator
# linked in with --wrap; a sweep fails the 1st, 2nd, ... allocation in turn.
#
#   make unit               includes test_failclosed: every allocation of trust_evaluate
#                           and the JSON/CBOR reports, on seven chains
#   make fault-sweep        trustcheck and certgen ca/leaf as processes, every
#                           FAULT_STRIDE-th allocation; `make test` runs it plainly at
#                           stride 101 (~40 s) and again under ASan (`make asan`) at 801
#   make fault-sweep-full   the process sweeps at every allocation (about 100,000 runs: hours)
#
# Debian builds libcbor without CBOR_CUSTOM_ALLOC, so cbor_set_allocs does not
# exist and libcbor's own allocations are not counted; nor are libc's, libpsl's
# or libidn2's (shared libraries calling malloc directly).
FAULT_STRIDE ?= 101
# Under ASan (full stacks for the suppressions) a run costs ~0.25 s: sample less.  The
# plain pass at FAULT_STRIDE judges the verdicts closely; this one looks for memory
# errors and leaks on a sample of the failure paths.
ASAN_FAULT_STRIDE ?= 801
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
FAULT_OBJ := $(BUILD)/obj/tests/fault/fault.o

.PHONY: fault-sweep fault-sweep-full

# The in-process sweep is a Check test like the others, linked with the counter.
# certgen's test-log code signs the CT case's SCT.
$(BUILD)/tests/test_failclosed: $(BUILD)/obj/tests/unit/test_failclosed.o $(FAULT_OBJ) \
		$(TEST_SUPPORT_OBJ) $(CERTGEN_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $(FAULT_WRAP) -o $@ $< $(FAULT_OBJ) $(TEST_SUPPORT_OBJ) \
		$(CERTGEN_LIB) $(STATIC_LIB) $(PKG_LIBS) $(CHECK_LIBS)

# The programs again, linked with the counter, for the process sweeps.
FAULT_TRUSTCHECK := $(BUILD)/fault/trustcheck
FAULT_CERTGEN := $(BUILD)/fault/certgen

$(FAULT_TRUSTCHECK): $(CLI_OBJ) $(FAULT_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $(FAULT_WRAP) -o $@ $(CLI_OBJ) $(FAULT_OBJ) $(STATIC_LIB) \
		$(PKG_LIBS) $(GVC_LIBS)

$(FAULT_CERTGEN): $(CERTGEN_OBJ) $(FAULT_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $(FAULT_WRAP) -o $@ $(CERTGEN_OBJ) $(FAULT_OBJ) $(STATIC_LIB) \
		$(PKG_LIBS)

fault-sweep: $(FAULT_TRUSTCHECK) $(FAULT_CERTGEN) $(FIXTURES) $(CERTGEN)
	sh tests/fault/sweep_trustcheck.sh $(FAULT_TRUSTCHECK) $(BUILD)/fixtures $(FAULT_STRIDE) \
		$(CERTGEN)
	sh tests/fault/sweep_certgen.sh $(FAULT_CERTGEN) $(FAULT_TRUSTCHECK) $(FAULT_STRIDE)

fault-sweep-full:
	$(MAKE) --no-print-directory fault-sweep FAULT_STRIDE=1
