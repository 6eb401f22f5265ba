# The example mTLS server under load (tests/load/):
#
#   make load        LOAD_HANDSHAKES (2,500: 500 warm-up + 2,000 measured) full handshakes
#                    from LOAD_CLIENTS (8) clients, good and bad identities, while the
#                    server's store is swapped LOAD_SWAPS (20) times; zero wrong verdicts
#                    and at most LOAD_RSS_LIMIT_KB of server RSS growth after the warm-up
#   make load-tsan   libtrust, the example server and the driver rebuilt with
#                    ThreadSanitizer in build/tsan, then a shorter load (TSAN_HANDSHAKES)
#                    with the same clients and swaps; any report fails
#
# Both run in `make test`.
LOAD_HANDSHAKES ?= 2500
LOAD_WARMUP ?= 500
LOAD_CLIENTS ?= 8
LOAD_SWAPS ?= 20
LOAD_RSS_LIMIT_KB ?= 1024
TSAN_HANDSHAKES ?= 400
TSAN_WARMUP ?= 100
LOAD_ARGS ?= --handshakes $(LOAD_HANDSHAKES) --warmup $(LOAD_WARMUP) --clients $(LOAD_CLIENTS) \
	--swaps $(LOAD_SWAPS) --rss-limit-kb $(LOAD_RSS_LIMIT_KB)
# The PKI is made with the plain certgen even for the TSan run (it is not under test there).
LOAD_CERTGEN ?= $(CERTGEN)
LOAD_DIR := $(BUILD)/load
MTLS_LOAD := $(LOAD_DIR)/mtls-load
LOAD_SERVER ?= $(MTLS_SERVER)

.PHONY: load load-run load-tsan

$(MTLS_LOAD): $(BUILD)/obj/tests/load/mtls_load.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(PKG_LIBS)

# A fresh PKI every run: its certificates are dated now, and the run writes its
# CRL and the server's log there.
load-run: $(MTLS_LOAD) $(LOAD_SERVER) $(LOAD_CERTGEN)
	sh tests/load/make_pki.sh $(LOAD_DIR)/pki $(LOAD_CERTGEN)
	$(MTLS_LOAD) --server $(LOAD_SERVER) --pki $(LOAD_DIR)/pki $(LOAD_ARGS)

load: all
	@$(MAKE) --no-print-directory load-run

# OpenSSL is not instrumented: tests/tsan.supp silences reports raised inside it
# (and says why); none names libtrust, the example or the driver.  RSS is not
# judged here (TSan's shadow memory dominates it).
load-tsan: $(CERTGEN)
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
		$(MAKE) --no-print-directory BUILD=build/tsan OPT="-O1 -g" SAN="-fsanitize=thread" \
		LOAD_CERTGEN=$(CURDIR)/$(CERTGEN) load-run \
		LOAD_ARGS="--handshakes $(TSAN_HANDSHAKES) --warmup $(TSAN_WARMUP) \
		--clients $(LOAD_CLIENTS) --swaps $(LOAD_SWAPS) --no-rss-limit"
