#!/bin/sh
# certgen bad --all, checked case by case with trustcheck: every kind whose
# policy trustcheck ships (all of them) is rejected (exit 1) with exactly the rule id its
# case.json names.  Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
pending=""
# One python3 start for all cases: "kind host policy rule crl fields-ok" per line.
cases_tsv() {
	python3 - "$@" <<'PY'
import json, sys
for path in sys.argv[1:]:
    c = json.load(open(path))
    good = c.get("expect") == "reject" and c.get("purpose") == "server" and c.get("rule") and c.get("why")
    print(c["kind"], c["host"], c["policy"], c["rule"], c.get("crl", "-"), "ok" if good else "bad")
PY
}

"$CERTGEN" -q bad --all cases && ok || bad "certgen bad --all"
n=$(ls cases | wc -l)
[ "$n" -ge 21 ] && ok || bad "at least 21 kinds, got $n"
"$CERTGEN" -q bad --all cases 2>/dev/null && bad "regenerating without --force must be refused" || ok
"$CERTGEN" -q --force bad --all cases && ok || bad "--force regenerates"

# What this trustcheck can do: --format json, --policy NAME, --crl FILE.
"$CERTGEN" -q --dir good ca && "$CERTGEN" -q --dir good leaf good.example || bad "good chain"
can() { "$TRUSTCHECK" "$@" --anchors good/ca.pem --host good.example good/good.example/fullchain.pem \
	>/dev/null 2>&1 </dev/null; }
can --format json && json=1 || json=0
can --policy tls-server && policies=1 || policies=0
"$CERTGEN" -q --dir good crl
can --crl good/crl.pem && crl=1 || crl=0

cases_tsv cases/*/case.json >cases.tsv || bad "case.json files parse"
while read -r k host policy rule crlf fields; do
	d="cases/$k"
	for f in fullchain.pem anchor.pem case.json; do
		[ -s "$d/$f" ] && ok || bad "$k: no $f"
	done
	[ "$fields" = ok ] && ok || bad "$k: case.json fields"
	set -- --anchors "$d/anchor.pem" --host "$host"
	# A policy is shipped when trustcheck accepts a default certgen chain with it.
	if [ "$policy" != tls-server ] && [ "$policy" != rfc5280 ] && ! can --policy "$policy"; then
		pending="$pending $k($policy)"
		continue
	fi
	if [ "$crlf" != - ]; then
		if [ $crl = 0 ]; then
			pending="$pending $k(--crl)"
			continue
		fi
		set -- "$@" --crl "$d/$crlf"
	fi
	[ $policies = 1 ] && set -- --policy "$policy" "$@"
	if [ $json = 1 ]; then
		"$TRUSTCHECK" --format json "$@" "$d/fullchain.pem" >out.json 2>err.txt </dev/null
		rc=$?
		got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reason"]["id"])' out.json \
			2>/dev/null)
	else
		# Text report: the verdict line is "NOT TRUSTED  <reason id>".
		"$TRUSTCHECK" "$@" "$d/fullchain.pem" >out.txt 2>err.txt </dev/null
		rc=$?
		got=$(awk 'NR == 1 { print $NF }' out.txt)
	fi
	[ "$rc" = 1 ] && ok || bad "$k: trustcheck exit $rc, wanted 1 ($(head -c 200 err.txt))"
	[ "$got" = "$rule" ] && ok || bad "$k: trustcheck reason '$got', case.json rule '$rule'"
done <cases.tsv

# Every policy a kind names ships now (apple included), so nothing may be skipped.
[ -z "$pending" ] && ok || bad "kinds not checkable with this trustcheck:$pending"
tb_done certgen-bad
