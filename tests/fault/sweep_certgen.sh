#!/bin/sh
# Allocation-failure sweep of `certgen ca` and `certgen leaf`: allocation N =
# START, START+STRIDE, ... fails until a run counts fewer than N.  After each
# run, whatever it answered, the state directory must still be usable: `list`
# works, the next `ca` or `leaf` (with nothing injected) works, and the leaf it
# issues is trusted by trustcheck under the root.  No run may crash or, in
# the ASan build, leak.
#
# Usage: sweep_certgen.sh CERTGEN TRUSTCHECK STRIDE
set -u
cg=$1
tc=$2
stride=${3:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/sweep_lib.sh"

# after DIR WHAT: the state in DIR is consistent and the next leaf is trusted.
after() {
	d=$1
	if ! "$cg" --dir "$d" --quiet list >"$work/list" 2>&1; then
		fail "$2: 'certgen list' fails afterwards: $(head -c 300 "$work/list")"
		return
	fi
	if ! "$cg" --dir "$d" --quiet --force leaf next.example >"$work/next" 2>&1; then
		fail "$2: the next 'certgen leaf' fails: $(head -c 300 "$work/next")"
		return
	fi
	"$tc" "$d/next.example/fullchain.pem" --anchors "$d/ca.pem" --host next.example \
		--format json >/dev/null 2>"$work/tc"
	[ $? = 0 ] || fail "$2: the next leaf is not trusted: $(head -c 300 "$work/tc")"
}

# sweep NAME SETUP CMD...: SETUP makes $work/state before each run.
sweep() {
	name=$1
	setup=$2
	shift 2
	n=$(( ($(printf %s "$name" | cksum | cut -d' ' -f1) % stride) + 1 ))
	while :; do
		$setup
		run_at "$n" "$cg" --dir "$work/state" --quiet "$@"
		if crashed; then
			fail "$name, allocation $n: crashed (exit $rc): $(head -c 300 "$work/err")"
		elif [ "$rc" -gt 2 ]; then
			fail "$name, allocation $n: exit $rc"
		fi
		# A ca that failed leaves no root: make it, as a user would.
		if [ ! -f "$work/state/ca.pem" ] && ! "$cg" --dir "$work/state" --quiet ca \
			>"$work/ca" 2>&1; then
			fail "$name, allocation $n: 'certgen ca' fails afterwards: $(head -c 300 "$work/ca")"
		else
			after "$work/state" "$name, allocation $n"
		fi
		[ -n "$count" ] && [ "$injected" != 1 ] && break
		points=$((points + 1))
		n=$((n + stride))
		[ "$n" -lt 1000000 ] || { fail "$name: no end to the sweep"; break; }
	done
	echo "certgen sweep $name: up to allocation $n"
}

fresh() { rm -rf "$work/state"; }
"$cg" --dir "$work/base" --quiet ca >/dev/null 2>&1 || fail "cannot make the base state"
with_ca() { rm -rf "$work/state"; cp -a "$work/base" "$work/state"; }

sweep ca fresh ca
sweep leaf with_ca leaf www.example 127.0.0.1
echo "certgen fault sweep: $points failure points (stride $stride), $fails failed"
[ "$fails" = 0 ]
