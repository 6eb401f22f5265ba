#!/bin/sh
# Runs trustcheck under valgrind on the fixture chains and on bad input, and
# fails on any definite or indirect leak or memory error (exit 99), or on a
# crash.  The verdicts themselves are the CLI tests' business; here a run may
# exit 0, 1 or 2.
#
# Usage: tests/fuzz/valgrind.sh TRUSTCHECK FIXTURES HOSTILE
set -u
tc=${1:?usage: valgrind.sh TRUSTCHECK FIXTURES HOSTILE}
fx=${2:?fixtures directory}
hostile=${3:?hostile directory}
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
	what=$1
	shift
	valgrind -q --leak-check=full --error-exitcode=99 \
		--errors-for-leak-kinds=definite,indirect --log-file="$log" \
		"$tc" "$@" > /dev/null 2>&1
	rc=$?
	if [ "$rc" -le 2 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL valgrind: $what (exit $rc)"
		sed 's/^/    /' "$log" | head -40
	fi
}

good="--anchors $fx/good/root.pem --host good.example.com"
run "trusted chain" "$fx/good/chain.pem" $good
run "trusted chain, explain" "$fx/good/chain.pem" $good --explain
run "rejected chain (untrusted root)" "$fx/untrusted/chain.pem" $good
run "rejected chain (expired)" "$fx/expired/chain.pem" $good
run "rejected chain (wrong host)" "$fx/wronghost/chain.pem" $good
run "revoked chain with CRL" "$fx/revoked/chain.pem" $good --crl "$fx/revoked/crl.pem"
run "cross-signed chain" "$fx/cross/chain.pem" --anchors "$fx/cross/anchors.pem" --host cross.example.com
run "--format json" "$fx/good/chain.pem" $good --format json
run "--format cbor" "$fx/good/chain.pem" $good --format cbor
run "--format json, rejected" "$fx/untrusted/chain.pem" $good --format json
run "--format cbor, rejected" "$fx/untrusted/chain.pem" $good --format cbor
run "garbage input" "$fx/garbage/garbage.bin" $good
run "empty input" "$fx/garbage/empty.pem" $good
run "truncated DER" "$fx/garbage/truncated.der" $good
run "broken base64" "$fx/garbage/badbase64.pem" $good
run "missing file" "$fx/does-not-exist.pem" $good
run "garbage anchors" "$fx/good/chain.pem" --anchors "$fx/garbage/garbage.bin"
run "cycle of cross-signs" "$hostile/cycle/chain.pem" --anchors "$hostile/cycle/root.pem"
run "50-deep chain" "$hostile/deep50/leaf.pem" --anchors "$hostile/deep50/root.pem" \
	--intermediates "$hostile/deep50/pool.pem"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
