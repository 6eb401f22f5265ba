#!/bin/sh
# certgen bad --all, checked case by case with trustcheck: every kind whose
# policy trustcheck ships is rejected (exit 1) with exactly the rule id its
# case.json names.  Env: CERTGEN, TRUSTCHECK.
set -u
top=$(pwd)
CERTGEN=${CERTGEN:-build/certgen}
TRUSTCHECK=${TRUSTCHECK:-build/trustcheck}
case "$CERTGEN" in /*) ;; *) CERTGEN="$top/$CERTGEN" ;; esac
case "$TRUSTCHECK" in /*) ;; *) TRUSTCHECK="$top/$TRUSTCHECK" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
pass=0
fail=0
pending=""
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }

"$CERTGEN" -q bad --all cases && ok || bad "certgen bad --all"
n=$(ls cases | wc -l)
[ "$n" -ge 21 ] && ok || bad "at least 21 kinds, got $n"
"$CERTGEN" -q bad --all cases 2>/dev/null && bad "regenerating without --force must be refused" || ok
"$CERTGEN" -q --force bad --all cases && ok || bad "--force regenerates"

# What this trustcheck can do: --format json, --policy NAME, --crl FILE.
"$CERTGEN" -q --dir good ca && "$CERTGEN" -q --dir good leaf good.example || bad "good chain"
can() { "$TRUSTCHECK" "$@" --anchors good/ca.pem --host good.example good/good.example/fullchain.pem \
	>/dev/null 2>&1; }
can --format json && json=1 || json=0
can --policy tls-server && policies=1 || policies=0
"$CERTGEN" -q --dir good crl
can --crl good/crl.pem && crl=1 || crl=0

for d in cases/*/; do
	k=$(basename "$d")
	c="$d/case.json"
	for f in fullchain.pem anchor.pem case.json; do
		[ -s "$d/$f" ] && ok || bad "$k: no $f"
	done
	host=$(field "$c" host)
	policy=$(field "$c" policy)
	rule=$(field "$c" rule)
	crlf=$(field "$c" crl)
	[ "$(field "$c" expect)" = reject ] && [ "$(field "$c" purpose)" = server ] && [ -n "$rule" ] &&
		[ -n "$(field "$c" why)" ] && ok || bad "$k: case.json fields"
	set -- --anchors "$d/anchor.pem" --host "$host"
	if [ "$policy" != tls-server ] && [ "$policy" != rfc5280 ]; then
		if "$TRUSTCHECK" --policy "$policy" "$@" "$d/fullchain.pem" >/dev/null 2>&1 ||
			[ $? = 1 ]; then
			: # the policy exists: fall through and check it
		else
			pending="$pending $k($policy)"
			continue
		fi
	fi
	if [ -n "$crlf" ]; then
		if [ $crl = 0 ]; then
			pending="$pending $k(--crl)"
			continue
		fi
		set -- "$@" --crl "$d/$crlf"
	fi
	[ $policies = 1 ] && set -- --policy "$policy" "$@"
	if [ $json = 1 ]; then
		"$TRUSTCHECK" --format json "$@" "$d/fullchain.pem" >out.json 2>err.txt
		rc=$?
		got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reason"]["id"])' out.json \
			2>/dev/null)
	else
		# Text report: the verdict line is "NOT TRUSTED  <reason id>".
		"$TRUSTCHECK" "$@" "$d/fullchain.pem" >out.txt 2>err.txt
		rc=$?
		got=$(awk 'NR == 1 { print $NF }' out.txt)
	fi
	[ "$rc" = 1 ] && ok || bad "$k: trustcheck exit $rc, wanted 1 ($(head -c 200 err.txt))"
	[ "$got" = "$rule" ] && ok || bad "$k: trustcheck reason '$got', case.json rule '$rule'"
done

[ -n "$pending" ] && echo "certgen-bad: not yet checkable with this trustcheck:$pending"
echo "certgen-bad: $pass passed, $fail failed"
[ "$fail" = 0 ]
