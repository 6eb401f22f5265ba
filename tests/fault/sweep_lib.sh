# Shared by the process sweeps: run a command with its Nth counted allocation
# failing (tests/fault/fault.h) and read back what happened.
#
#   run_at N CMD...   sets rc (exit status), count (allocations counted, empty
#                     if the process died before exit) and injected (1 or 0)
#
# Sanitizer reports get exit statuses of their own so that they cannot pass
# for trustcheck's "not trusted" (1) or "error" (2).  Full stacks (OpenSSL has
# no frame pointers) so that tests/lsan.supp can name the one OpenSSL leak.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:detect_leaks=1:fast_unwind_on_malloc=0"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1"
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")/.." && pwd)/lsan.supp}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

fails=0
points=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

run_at() {
	n=$1
	shift
	rm -f "$work/report"
	TRUST_FAULT_AT=$n TRUST_FAULT_REPORT="$work/report" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	count=
	injected=
	if [ -s "$work/report" ]; then read -r count injected <"$work/report"; fi
}

# A process that died (signal, sanitizer) or wrote no report is a crash.
crashed() {
	[ "$rc" -ge 86 ] || [ -z "$count" ]
}
