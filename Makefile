# trustbench — libtrust, trustcheck, certgen.
#
#   make demo      build, then show a trusted and a rejected chain
#   make test      unit, CLI, conformance, docs, install, load, sanitizer (ASan+UBSan, TSan)
#                  and fuzz-corpus tests
#   make load      the example mTLS server under load while its store is swapped (mk/load.mk)
#   make bench     libtrust against OpenSSL's X509_verify_cert, same inputs
#   make fuzz      libFuzzer (clang) for FUZZ_SECONDS (default 60)
#   make install   PREFIX=/usr/local DESTDIR=
#
# Both demo and test first run scripts/deps.sh, which installs missing
# Debian packages (as root or with sudo) or prints what is missing.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
SAN ?=

# The version lives in include/trust.h only.
VERSION := $(shell sed -n 's/^\#define TRUST_VERSION_STRING "\(.*\)"/\1/p' include/trust.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))

CC ?= cc
# libtrust's own dependencies; the tools add libplist (certgen writes
# .mobileconfig profiles, trustcheck reads Info.plist files).
LIB_PKGS := openssl libcbor jansson libpsl libidn2
PKGS := $(LIB_PKGS) libplist-2.0
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIB_LIBS = $(shell pkg-config --libs $(LIB_PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Graphviz lays out trustcheck's --format svg|html graphs; only trustcheck links
# it, and includes it as <graphviz/gvc.h> (its -I would let its types.h shadow ours).
GVC_LIBS = $(shell pkg-config --libs libgvc 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wformat-security -Wstrict-prototypes
OPT ?= -O2 -g
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(OPT) \
	-fvisibility=hidden -fPIC -fstack-protector-strong $(SAN) \
	-MMD -MP -Iinclude -Itrust $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = -Wl,-z,relro,-z,now -pthread $(SAN) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard trust/*.c))
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
CLI_SRC := $(sort $(wildcard trust/cli/*.c))
CLI_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
CERTGEN_SRC := $(sort $(wildcard certgen/*.c))
CERTGEN_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CERTGEN_SRC))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TEST_SUPPORT_SRC := $(sort $(wildcard tests/unit/support_*.c))
TEST_SUPPORT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(TEST_SUPPORT_SRC))

# Tests, certgen and trustcheck link the internal archive, which keeps the
# hidden internal symbols global; the installed libtrust.a is one relocatable
# object whose hidden symbols are made local, so a static link never collides
# with a program's own helper names.
STATIC_LIB := $(BUILD)/libtrust-internal.a
INSTALL_STATIC_LIB := $(BUILD)/libtrust.a
SHARED_LIB := $(BUILD)/libtrust.so.$(VERSION)
TRUSTCHECK := $(BUILD)/trustcheck
CERTGEN := $(BUILD)/certgen
FIXTURES := $(BUILD)/fixtures/.stamp

.PHONY: all deps test demo bench conformance fuzz install clean unit cli asan \
	fixtures corpus-replay valgrind check-deps

all: $(STATIC_LIB) $(INSTALL_STATIC_LIB) $(SHARED_LIB) $(TRUSTCHECK) \
	$(if $(CERTGEN_SRC),$(CERTGEN))

deps:
	@sh scripts/deps.sh test

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(INSTALL_STATIC_LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ $(BUILD)/libtrust-merged.o
	$(LD) -r -o $(BUILD)/libtrust-merged.o $^
	objcopy --localize-hidden $(BUILD)/libtrust-merged.o
	ar rcs $@ $(BUILD)/libtrust-merged.o

$(SHARED_LIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libtrust.so.$(SOMAJOR) $(LDFLAGS_ALL) -o $@ $^ $(LIB_LIBS)
	ln -sf libtrust.so.$(VERSION) $(BUILD)/libtrust.so.$(SOMAJOR)
	ln -sf libtrust.so.$(SOMAJOR) $(BUILD)/libtrust.so

# Written at install time, so the PREFIX given to `make install` is the one it names.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@REQUIRES@|$(LIB_PKGS)|g'

# Built-in policies: the source tree's policies/ first, then the installed copy.
$(CLI_OBJ): CFLAGS_ALL += -DTRUSTBENCH_POLICY_SRC_DIR='"$(CURDIR)/policies"' \
	-DTRUSTBENCH_POLICY_SHARE_DIR='"$(PREFIX)/share/trustbench/policies"'

$(TRUSTCHECK): $(CLI_OBJ) $(STATIC_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(STATIC_LIB) $(PKG_LIBS) $(GVC_LIBS)

$(CERTGEN): $(CERTGEN_OBJ) $(STATIC_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CERTGEN_OBJ) $(STATIC_LIB) $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_SUPPORT_OBJ) $(STATIC_LIB) $(PKG_LIBS) $(CHECK_LIBS)

# Test certificates are generated, never committed, so their dates are fresh.
$(FIXTURES): scripts/make-fixtures.sh $(wildcard fixtures/*.json) $(CERTGEN)
	sh scripts/make-fixtures.sh $(BUILD)/fixtures $(CERTGEN)
	@touch $@

fixtures: $(FIXTURES)

unit: $(TEST_BIN) $(FIXTURES)
	@set -e; for t in $(TEST_BIN); do \
		echo "== $$t"; TRUST_FIXTURES=$(BUILD)/fixtures TRUST_TOP=$(CURDIR) $$t; done

cli: all $(FIXTURES)
	@set -e; for t in $(sort $(wildcard tests/cli/test_*.sh)); do \
		echo "== $$t"; TRUST_FIXTURES=$(BUILD)/fixtures TRUSTCHECK=$(TRUSTCHECK) \
		CERTGEN=$(CERTGEN) BUILD=$(BUILD) sh $$t; done

-include mk/*.mk

# The sanitizer pass rebuilds everything in build/asan and runs unit + CLI tests there,
# and a shorter load on the example server (its leaks reported by LeakSanitizer at exit).
# LeakSanitizer is told about third-party leaks here, so `make asan` alone behaves as in make test.
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit cli corpus-replay \
		fault-sweep FAULT_STRIDE=$(ASAN_FAULT_STRIDE) load-run LOAD_ARGS="$(ASAN_LOAD_ARGS)"

test: deps
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory unit cli conformance corpus-replay fault-sweep valgrind \
		docs-check install-check load-run
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory load-tsan
	@echo "make test: all suites passed"

demo: deps
	$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man3 $(DESTDIR)$(PREFIX)/share/trustbench/policies
	install -m 0644 include/trust.h $(DESTDIR)$(PREFIX)/include/trust.h
	install -m 0644 $(INSTALL_STATIC_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libtrust.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libtrust.so.$(SOMAJOR)
	ln -sf libtrust.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libtrust.so
	for pc in libtrust libtrust-static; do \
		$(PC_SED) $$pc.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc && \
		chmod 0644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc || exit 1; done
	install -m 0755 $(TRUSTCHECK) $(DESTDIR)$(PREFIX)/bin/
	$(if $(CERTGEN_SRC),install -m 0755 $(CERTGEN) $(DESTDIR)$(PREFIX)/bin/)
	for m in $(wildcard docs/*.1); do install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done
	for m in $(wildcard docs/*.3); do install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man3/; done
	for p in $(wildcard policies/*.json); do install -m 0644 $$p $(DESTDIR)$(PREFIX)/share/trustbench/policies/; done
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	for t in trustcheck certgen; do \
		install -m 0644 completions/$$t.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t; \
		install -m 0644 completions/_$$t $(DESTDIR)$(PREFIX)/share/zsh/site-functions/; done

clean:
	rm -rf $(BUILD) build/asan build/fuzz-clang build/tsan

# Compiler-generated header dependencies: touching a header rebuilds exactly
# the objects that include it.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
