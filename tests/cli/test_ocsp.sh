#!/bin/sh
# trustcheck --ocsp with responses certgen writes: good covers the leaf,
# revoked rejects it with the reason, unknown covers nothing (an error under
# --revocation hard), a response past its nextUpdate is not used, and a file
# that is no OCSP response is one line naming it, exit 2.  The signer, skew
# and delegated-responder rules are in tests/unit/test_ocsp.c.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

"$CERTGEN" --dir pki ca >/dev/null && "$CERTGEN" --dir pki leaf api.example.com >/dev/null ||
	bad "certgen could not make the PKI"
for s in good unknown; do
	"$CERTGEN" --dir pki ocsp api.example.com --status $s >/dev/null || bad "certgen ocsp $s"
done
"$CERTGEN" --dir pki revoke api.example.com --reason keyCompromise >/dev/null &&
	"$CERTGEN" --dir pki ocsp api.example.com --status revoked >/dev/null || bad "certgen ocsp revoked"
leaf=pki/api.example.com/cert.pem
d=pki/api.example.com

# tc NAME WANT_EXIT ARGS...: trustcheck --format json on the leaf; the report in r.json.
tc() {
	name=$1 want=$2
	shift 2
	"$TRUSTCHECK" "$leaf" --anchors pki/ca.pem --host api.example.com --format json "$@" \
		>r.json 2>err.txt
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, wanted $want ($(head -c 300 err.txt))"; fi
}
# py NAME EXPR: EXPR over the report `r` is true.
py() {
	python3 -c 'import json, sys
r = json.load(open("r.json")); p = r["paths"][r["chosen_path"]]
f = {x["id"]: x for x in p["findings"] if x["cert"] == 0}
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2" && ok || bad "$1: not $2"
}

tc "good" 0 --ocsp $d/ocsp-good.der
py "good covers the leaf" 'p["certificates"][0]["revocation"] == {"status": "good", "source": "ocsp"}'
tc "revoked" 1 --ocsp $d/ocsp-revoked.der
py "revoked is the reason" 'r["reason"]["id"] == "revocation.revoked"'
py "revoked says its source and reason" \
	'f["revocation.revoked"]["params"]["source"] == "ocsp" and f["revocation.revoked"]["params"]["reason"] == "keyCompromise"'
tc "unknown, soft" 0 --ocsp $d/ocsp-unknown.der
py "unknown leaves the leaf uncovered" 'p["certificates"][0]["revocation"]["status"] == "not-covered"'
py "unknown says why" '"unknown" in f["revocation.ocsp-unusable"]["message"]'
tc "unknown, hard" 1 --ocsp $d/ocsp-unknown.der --revocation hard
py "hard rejects the uncovered leaf" 'r["reason"]["id"] == "revocation.not-covered"'
# certgen's responses are good for 7 days; 8 days on, the revoked one is stale.
at=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) + d.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
tc "stale response, soft" 0 --ocsp $d/ocsp-revoked.der --at "$at"
py "stale response is not used" '"nextUpdate has passed" in f["revocation.ocsp-unusable"]["message"]'
tc "stale response, hard" 1 --ocsp $d/ocsp-revoked.der --at "$at" --revocation hard
tc "not an OCSP response" 2 --ocsp pki/ca.pem
if [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "pki/ca.pem: not a DER OCSP response" err.txt; then ok; else
	bad "not an OCSP response: stderr '$(cat err.txt)'"
fi

tb_done ocsp-cli
