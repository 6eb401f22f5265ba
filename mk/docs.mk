# make docs-check:    every shell block of README.md, docs/*.md and the man pages'
#                     EXAMPLES runs as printed and shows what it prints (tests/docs/)
# make install-check: make install into a temporary prefix, then README's library
#                     example built with pkg-config, shared and static (tests/install/)
.PHONY: docs-check install-check

docs-check: all
	python3 tests/docs/run_docs.py --top $(CURDIR) --build $(BUILD)

install-check: all
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(MAKE) --no-print-directory -s install PREFIX=$$tmp/prefix DESTDIR= >/dev/null && \
	sh tests/install/test_install.sh $$tmp/prefix $(BUILD)
