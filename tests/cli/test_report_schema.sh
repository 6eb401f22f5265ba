#!/bin/sh
# trustcheck --format json validates against docs/report-schema.json, and
# --format cbor decodes to the same data, on trusted and rejected fixtures.
# Needs TRUSTCHECK, TRUST_FIXTURES and python3 with jsonschema and cbor2
# (Debian: python3-jsonschema python3-cbor2, listed in scripts/deps.sh).
set -u
TC=${TRUSTCHECK:?set TRUSTCHECK to the trustcheck binary}
F=${TRUST_FIXTURES:?set TRUST_FIXTURES to the generated fixtures}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
schema="$here/../../docs/report-schema.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

py=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema, cbor2' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
	bad "no python3 with jsonschema and cbor2 (run scripts/deps.sh test)"
	tb_done report-schema
	exit 1
fi

# One evaluation time for both runs, so the two reports describe the same evaluation.
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# check NAME WANT_EXIT ARGS...
check() {
	name=$1 want=$2
	shift 2
	"$TC" "$@" --at "$at" --format json >"$tmp/r.json" 2>"$tmp/err"
	rc=$?
	"$TC" "$@" --at "$at" --format cbor >"$tmp/r.cbor" 2>>"$tmp/err"
	rc2=$?
	if [ "$rc" -ne "$want" ] || [ "$rc2" -ne "$want" ]; then
		fail=$((fail + 1))
		echo "FAIL: $name: exit $rc/$rc2, want $want; $(head -c 200 "$tmp/err")"
		return
	fi
	if "$py" "$here/report_check.py" "$schema" "$tmp/r.json" "$tmp/r.cbor" >"$tmp/problems"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name:"
		sed 's/^/  /' "$tmp/problems" | head -20
	fi
}

A="--anchors $F/good/root.pem"
H="--host good.example.com"
check "trusted" 0 "$F/good/chain.pem" $A $H
check "trusted by IP" 0 "$F/good/chain.pem" $A --ip ::1
check "wrong host" 1 "$F/wronghost/chain.pem" $A $H
check "expired" 1 "$F/expired/chain.pem" $A $H
check "untrusted root" 1 "$F/untrusted/chain.pem" $A $H
check "revoked" 1 "$F/revoked/chain.pem" $A $H --crl "$F/revoked/crl.pem"
check "client" 0 "$F/client/chain.pem" $A --purpose client
check "rfc5280 only" 0 "$F/wronghost/chain.pem" $A --policy rfc5280
# Policy files name themselves in the report: the shipped overlays and the mTLS stack.
check "ats" 0 "$F/good/chain.pem" $A $H --policy ats
check "apple, rejected" 1 "$F/expired/chain.pem" $A $H --policy apple
check "mtls client" 0 "$F/client/chain.pem" $A --purpose client --policy mtls
check "RSA" 0 "$F/rsa/chain.pem" --anchors "$F/rsa/root.pem" --host rsa.example.com
check "cross-signed, explained" 0 "$F/cross/chain.pem" --anchors "$F/cross/anchors.pem" --explain
check "depth budget" 1 "$F/good/chain.pem" $A $H --max-depth 0
check "rollover pool" 0 "$F/rollover/leaf.pem" $A --intermediates "$F/rollover/pool.pem" --explain
check "loop" 0 "$F/loop/leaf.pem" $A --intermediates "$F/loop/pool.pem" --explain
# Anchors from the system store (a bundle made here), a leaf without its issuer
# (params that could be empty), and a reversed bundle (a warning on the leaf; the CA
# served as leaf is rejected since its keyUsage is checked like any leaf's).
cat "$F/good/root.pem" >"$tmp/bundle.pem"
export SSL_CERT_FILE="$tmp/bundle.pem"
check "system store" 0 "$F/good/chain.pem" $H
unset SSL_CERT_FILE
check "no issuer" 1 "$F/good/leaf.pem" $A $H
cat "$F/good/root.pem" "$F/good/inter.pem" "$F/good/leaf.pem" >"$tmp/reversed.pem"
check "reversed bundle" 1 "$tmp/reversed.pem" $A

# The checker itself must notice a report that breaks the schema.
"$TC" "$F/good/chain.pem" $A $H --format json | sed 's/"verdict": "trusted"/"verdict": "maybe"/' \
	>"$tmp/broken.json"
if "$py" "$here/report_check.py" "$schema" "$tmp/broken.json" >/dev/null; then
	fail=$((fail + 1)); echo "FAIL: a report with verdict 'maybe' passed the schema"
else
	pass=$((pass + 1))
fi
# ... and CBOR that differs from the JSON.
"$TC" "$F/expired/chain.pem" $A $H --format cbor >"$tmp/other.cbor"
"$TC" "$F/good/chain.pem" $A $H --format json >"$tmp/good.json"
if "$py" "$here/report_check.py" "$schema" "$tmp/good.json" "$tmp/other.cbor" >/dev/null; then
	fail=$((fail + 1)); echo "FAIL: CBOR of another report matched the JSON"
else
	pass=$((pass + 1))
fi

tb_done report-schema
