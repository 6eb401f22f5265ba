#!/bin/sh
# Bad and hostile input through trustcheck.  Unreadable input must give exit 2
# and exactly one line on stderr naming the file; oversized or adversarial
# PKIs must give a clean "not trusted" (exit 1) naming what stopped them.
# Never a crash, never a hang: every run is under `timeout 20`.
#
# Environment (from `make cli`): TRUSTCHECK, TRUST_FIXTURES, BUILD.  The
# hostile inputs are made by scripts/make-hostile.sh in $BUILD/hostile.
set -u
tc=${TRUSTCHECK:?TRUSTCHECK is not set}
fx=${TRUST_FIXTURES:?TRUST_FIXTURES is not set}
h=${BUILD:?BUILD is not set}/hostile
[ -f "$h/.stamp" ] || { echo "badinput-cli: $h is missing (make hostile)"; exit 1; }

. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
good="--anchors $fx/good/root.pem --host good.example.com"

tb_show_out=$tmp/out
tb_show_err=$tmp/err

# run ARGS...: trustcheck under timeout; sets $rc.
run() {
	timeout 20 "$tc" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

# expect_error NAME FILE ARGS...: exit 2, one stderr line that names FILE.
expect_error() {
	name=$1
	file=$2
	shift 2
	run "$@"
	lines=$(wc -l < "$tmp/err")
	if [ "$rc" -eq 124 ]; then
		bad "$name: hung (killed after 20 s)"
	elif [ "$rc" -ne 2 ]; then
		bad "$name: exit $rc, expected 2"
	elif [ "$lines" -ne 1 ]; then
		bad "$name: $lines lines on stderr, expected exactly 1"
	elif ! grep -qF -- "$file" "$tmp/err"; then
		bad "$name: the error does not name $file"
	else
		ok
	fi
}

# expect_rejected NAME PATTERN ARGS...: exit 1, output matches PATTERN (grep -E).
expect_rejected() {
	name=$1
	pattern=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 124 ]; then
		bad "$name: hung (killed after 20 s)"
	elif [ "$rc" -ne 1 ]; then
		bad "$name: exit $rc, expected 1 (not trusted)"
	elif ! cat "$tmp/out" "$tmp/err" | grep -qE -- "$pattern"; then
		bad "$name: output does not name $pattern"
	else
		ok
	fi
}

# expect_trusted NAME ARGS...
expect_trusted() {
	name=$1
	shift
	run "$@"
	if [ "$rc" -eq 0 ]; then ok; else bad "$name: exit $rc, expected 0 (trusted)"; fi
}

# Unreadable input, as the chain.
expect_error "garbage bytes" "$h/garbage.bin" "$h/garbage.bin" $good
expect_error "empty file" "$h/empty.pem" "$h/empty.pem" $good
expect_error "truncated DER" "$h/truncated.der" "$h/truncated.der" $good
expect_error "PEM with a broken base64 body" "$h/badbase64.pem" "$h/badbase64.pem" $good
expect_error "PEM without its END line" "$h/truncated.pem" "$h/truncated.pem" $good
expect_error "PEM holding no certificate" "$h/notcert.pem" "$h/notcert.pem" $good
expect_error "10 MB file" "$h/big.pem" "$h/big.pem" $good
expect_error "missing file" "$h/no-such-file.pem" "$h/no-such-file.pem" $good
expect_error "fixture garbage" "$fx/garbage/garbage.bin" "$fx/garbage/garbage.bin" $good
expect_error "fixture truncated DER" "$fx/garbage/truncated.der" "$fx/garbage/truncated.der" $good

# Unreadable input in the other roles.
expect_error "garbage anchors" "$h/garbage.bin" "$fx/good/chain.pem" --anchors "$h/garbage.bin"
expect_error "10 MB anchors" "$h/big.pem" "$fx/good/chain.pem" --anchors "$h/big.pem"
expect_error "empty anchors" "$h/empty.pem" "$fx/good/chain.pem" --anchors "$h/empty.pem"
expect_error "broken base64 intermediates" "$h/badbase64.pem" "$fx/good/leaf.pem" $good \
	--intermediates "$h/badbase64.pem"
expect_error "truncated DER intermediates" "$h/truncated.der" "$fx/good/leaf.pem" $good \
	--intermediates "$h/truncated.der"
expect_error "garbage CRL" "$h/garbage.bin" "$fx/good/chain.pem" $good --crl "$h/garbage.bin"
expect_error "certificate given as a CRL" "$fx/good/leaf.pem" "$fx/good/chain.pem" $good \
	--crl "$fx/good/leaf.pem"

# Not regular files: a FIFO nobody writes to must not block the open.
mkfifo "$tmp/fifo.pem"
expect_error "FIFO with no writer as the chain" "$tmp/fifo.pem" "$tmp/fifo.pem" $good
expect_error "FIFO with no writer as the anchors" "$tmp/fifo.pem" "$fx/good/chain.pem" \
	--anchors "$tmp/fifo.pem"
expect_error "FIFO with no writer as the CRL" "$tmp/fifo.pem" "$fx/good/chain.pem" $good \
	--crl "$tmp/fifo.pem"
expect_error "endless device" "/dev/zero" /dev/zero $good

# Oversized and adversarial PKIs: bounded by the budgets.
expect_rejected "1,000-certificate bundle as the chain" "budget\.presented" \
	"$h/bundle1000.pem" $good
expect_rejected "1,000-certificate bundle as the anchors" "NOT TRUSTED|not trusted" \
	"$fx/good/chain.pem" --anchors "$h/bundle1000.pem" --host good.example.com
expect_trusted "1,000 extra anchors do not hide the real one" \
	"$fx/good/chain.pem" --anchors "$h/bundle1000.pem" $good
expect_trusted "1,000 extra intermediates do not hide the real path" \
	"$fx/good/chain.pem" $good --intermediates "$h/bundle1000.pem"
expect_rejected "cycle of cross-signs" "path\.loop|budget\." \
	"$h/cycle/chain.pem" --anchors "$h/cycle/root.pem" --host cycle.example.com
expect_rejected "cycle of cross-signs in the pool" "path\.loop|budget\." \
	"$h/cycle/leaf.pem" --anchors "$h/cycle/root.pem" --intermediates "$h/cycle/chain.pem" \
	--host cycle.example.com
expect_rejected "50-deep chain as presented" "budget\.presented" \
	"$h/deep50/chain.pem" --anchors "$h/deep50/root.pem" --host deep.example.com
expect_rejected "50-deep chain through the pool" "budget\.depth" \
	"$h/deep50/leaf.pem" --anchors "$h/deep50/root.pem" --intermediates "$h/deep50/pool.pem" \
	--host deep.example.com
expect_trusted "50-deep chain with --max-depth 50 (at cap)" \
	"$h/deep50/leaf.pem" --anchors "$h/deep50/root.pem" --intermediates "$h/deep50/pool.pem" \
	--host deep.example.com --max-depth 50
expect_rejected "50-deep chain with --max-depth 49 (one over)" "budget\.depth" \
	"$h/deep50/leaf.pem" --anchors "$h/deep50/root.pem" --intermediates "$h/deep50/pool.pem" \
	--host deep.example.com --max-depth 49
expect_rejected "mesh of cross-signs without an anchor" "budget\." \
	"$h/mesh/leaf.pem" --anchors "$h/mesh/root.pem" --intermediates "$h/mesh/pool.pem" \
	--host mesh.example.com

tb_done badinput-cli
