#!/bin/sh
# Allocation-failure sweep of the trustcheck process: for six rejected chains
# and one good one (certgen's catalogue and the fixtures), fail allocation
# N = START, START+STRIDE, ... until a run counts fewer than N.  Every run
# must exit 0 (trusted, good chain only), 1 (not trusted) or 2 (error), never
# 0 for a bad chain, with no crash and, in the ASan build, no leak.  The
# report format rotates through text, JSON and CBOR.  Given CERTGEN, a leaf
# with too few SCTs (2 of the 3 its lifetime needs, from certgen's test logs)
# is swept under --policy apple with the log list, so the CT verification and
# count are covered too.  First, every one of the first EARLY allocations
# (default 120) of the revoked case, the process's start-up: OpenSSL sets its
# default context up on first use, and a failure halfway through must still
# end in "out of memory", with no crash and no leak.
#
# Usage: sweep_trustcheck.sh TRUSTCHECK FIXTURES STRIDE [CERTGEN]
set -u
tc=$1
fx=$2
stride=${3:-1}
cg=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/sweep_lib.sh"

B=$fx/certgen/bad
formats="text json cbor"

# sweep NAME good|bad ARGS...: from a start that depends on NAME, every
# `step`-th allocation (default: the stride) up to `last` (default: the end).
sweep() {
	name=$1
	want=$2 # good or bad
	shift 2
	st=${step:-$stride}
	n=$(( ($(printf %s "$name" | cksum | cut -d' ' -f1) % st) + 1 ))
	k=0
	while :; do
		fmt=$(echo $formats | cut -d' ' -f$((k % 3 + 1)))
		k=$((k + 1))
		run_at "$n" "$tc" "$@" --format "$fmt"
		if crashed; then
			fail "$name, allocation $n: crashed (exit $rc): $(head -c 300 "$work/err")"
		elif [ "$rc" -gt 2 ]; then
			fail "$name, allocation $n: exit $rc"
		elif [ "$want" = bad ] && [ "$rc" = 0 ]; then
			fail "$name, allocation $n: a bad chain was trusted"
		fi
		# Done when a run that reached its end counted fewer than n allocations.
		[ -n "$count" ] && [ "$injected" != 1 ] && break
		points=$((points + 1))
		n=$((n + st))
		[ -z "${last:-}" ] || [ "$n" -le "$last" ] || break
		[ "$n" -lt 1000000 ] || { fail "$name: no end to the sweep"; break; }
	done
	echo "trustcheck sweep $name: up to allocation $n"
}

step=1
last=${EARLY:-120}
sweep start-up bad "$B/revoked/fullchain.pem" --anchors "$B/revoked/anchor.pem" \
	--host bad.example --crl "$B/revoked/crl.pem"
step=
last=
sweep good good "$fx/good/chain.pem" --anchors "$fx/good/root.pem" --host good.example.com
for kind in expired wrong-host untrusted-root name-constraint-violation revoked bad-signature; do
	d=$B/$kind
	crl=
	[ -f "$d/crl.pem" ] && crl="--crl $d/crl.pem"
	# shellcheck disable=SC2086
	sweep "$kind" bad "$d/fullchain.pem" --anchors "$d/anchor.pem" --host bad.example $crl
done
if [ -n "$cg" ]; then
	"$cg" -q --dir "$work/ct" ca && "$cg" -q --dir "$work/ct" leaf few.test --sct 2 ||
		fail "certgen could not make the CT case"
	sweep ct-too-few bad "$work/ct/few.test/fullchain.pem" --policy apple \
		--system-anchors="$work/ct/ca.pem" --ct-log-list "$work/ct/ct/log-list.json" \
		--host few.test
fi
echo "trustcheck fault sweep: $points failure points (stride $stride), $fails failed"
[ "$fails" = 0 ]
