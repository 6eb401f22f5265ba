#!/bin/sh
# trustcheck --ocsp with responses certgen writes: good covers the leaf,
# revoked rejects it with the reason, unknown covers nothing (an error under
# --revocation hard), a response past its nextUpdate (certgen --next-update)
# is not used, nor one signed by a certificate that may not answer (certgen
# --signer), while a delegated responder (certgen responder) is; and a file
# that is no OCSP response is one line naming it, exit 2.  The skew, certID
# and responder-certificate details are in tests/unit/test_ocsp.c.
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

# ---- certgen-made responses clients must refuse, and a delegated responder
# An expired response (nextUpdate a day ago): certgen warns, trustcheck does not use it.
expect 0 "certgen ocsp --next-update -1" "$CERTGEN" --dir pki ocsp api.example.com \
	--status revoked --next-update -1 --out expired.der
has err.txt "nextUpdate has passed" "certgen warns about the expired response"
tc "expired, soft" 0 --ocsp expired.der
py "expired is not used" '"nextUpdate has passed" in f["revocation.ocsp-unusable"]["message"]'
py "expired leaves the leaf uncovered" 'f["revocation.not-covered"]["severity"] == "warning"'
tc "expired, hard" 1 --ocsp expired.der --revocation hard
py "expired, hard: not covered" 'r["reason"]["id"] == "revocation.not-covered"'
# Exact times in RFC 3339: from an hour ago to tomorrow; used now, stale in two days.
span=$(python3 -c 'import datetime as d; n = d.datetime.now(d.timezone.utc)
f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
print(f(n - d.timedelta(hours=1)), f(n + d.timedelta(days=1)), f(n + d.timedelta(days=2)))')
from=$(echo "$span" | cut -d' ' -f1) to=$(echo "$span" | cut -d' ' -f2) later=$(echo "$span" | cut -d' ' -f3)
expect 0 "certgen ocsp --this-update/--next-update" "$CERTGEN" --dir pki --format json ocsp \
	api.example.com --status good --this-update "$from" --next-update "$to" --out span.der
python3 -c 'import json, sys; j = json.load(open("out.txt"))
sys.exit(0 if [j["this_update"], j["next_update"], j["ocsp"]] == sys.argv[1:] else 1)' \
	"$from" "$to" span.der && ok || bad "certgen ocsp json: $(cat out.txt)"
tc "exact times, now" 0 --ocsp span.der --revocation hard
py "exact times cover the leaf" 'p["certificates"][0]["revocation"]["source"] == "ocsp"'
tc "exact times, two days on" 1 --ocsp span.der --revocation hard --at "$later"
py "two days on it is stale" '"nextUpdate has passed" in f["revocation.ocsp-unusable"]["message"]'

# Wrong signers: another leaf of the same CA (no id-kp-OCSPSigning), and a
# responder of another CA.  Both say revoked: using them by mistake would show.
"$CERTGEN" --dir pki leaf other.example.com >/dev/null && "$CERTGEN" --dir pki \
	intermediate sub >/dev/null && "$CERTGEN" --dir pki responder sub-ocsp --issuer sub \
	>/dev/null || bad "certgen could not make the wrong signers"
expect 0 "certgen ocsp --signer a leaf" "$CERTGEN" --dir pki ocsp api.example.com \
	--status revoked --signer other.example.com --out by-leaf.der
has err.txt "'other.example.com' may not answer for 'api.example.com'" "certgen warns about the signer"
expect 0 "certgen ocsp --signer another CA's responder" "$CERTGEN" --dir pki ocsp \
	api.example.com --status revoked --signer sub-ocsp --out by-sub.der
for w in "by-leaf lacks id-kp-OCSPSigning" "by-sub not issued by the certificate's issuer"; do
	tc "${w%% *}, soft" 0 --ocsp "${w%% *}.der"
	py "${w%% *} is not used" "\"${w#* }\" in f[\"revocation.ocsp-unusable\"][\"message\"]"
	tc "${w%% *}, hard" 1 --ocsp "${w%% *}.der" --revocation hard
	py "${w%% *}, hard: not covered" 'r["reason"]["id"] == "revocation.not-covered"'
done

# A delegated responder the root issued: id-kp-OCSPSigning (and nocheck), accepted.
expect 0 "certgen responder" "$CERTGEN" --dir pki responder ocsp-1 --nocheck
openssl x509 -in pki/ocsp-1/cert.pem -noout -ext extendedKeyUsage,keyUsage,noCheck >ext.txt 2>&1
has ext.txt "OCSP Signing" "the responder has id-kp-OCSPSigning"
has ext.txt "OCSP No Check" "the responder has id-pkix-ocsp-nocheck"
grep -q "TLS Web Server" ext.txt && bad "a responder must not be a TLS server" || ok
"$CERTGEN" --dir pki ocsp api.example.com --status revoked --signer ocsp-1 --out del-revoked.der >/dev/null \
	2>err.txt && ! [ -s err.txt ] && ok || bad "certgen ocsp --signer a responder: $(cat err.txt)"
"$CERTGEN" --dir pki ocsp api.example.com --status good --signer ocsp-1 --out del-good.der \
	>/dev/null 2>&1 || bad "certgen ocsp good --signer ocsp-1"
# OpenSSL agrees the delegated response is properly signed.
openssl ocsp -respin del-good.der -issuer pki/ca.pem -cert "$leaf" -CAfile pki/ca.pem \
	>ossl.txt 2>&1
has ossl.txt "Response verify OK" "openssl verifies the delegated response"
tc "delegated good" 0 --ocsp del-good.der --revocation hard
py "delegated good covers the leaf" 'p["certificates"][0]["revocation"] == {"status": "good", "source": "ocsp"}'
tc "delegated revoked" 1 --ocsp del-revoked.der
py "delegated revoked rejects" 'r["reason"]["id"] == "revocation.revoked"'

# Bad certgen ocsp options: one line, exit 2.
expect 2 "--next-update junk" "$CERTGEN" --dir pki ocsp api.example.com --status good \
	--next-update soon
has err.txt "--next-update wants a number of days" "names the bad option"
expect 2 "nextUpdate before thisUpdate" "$CERTGEN" --dir pki ocsp api.example.com --status good \
	--this-update 2026-01-02 --next-update 2026-01-01
has err.txt "is not after thisUpdate" "says the times are the wrong way round"
expect 2 "--signer unknown" "$CERTGEN" --dir pki ocsp api.example.com --status good \
	--signer nobody
[ "$(wc -l <err.txt)" -eq 1 ] && ok || bad "--signer unknown: $(cat err.txt)"
expect 2 "responder under a leaf" "$CERTGEN" --dir pki responder r2 --issuer other.example.com
has err.txt "is not a CA" "a responder needs a CA issuer"

tc "not an OCSP response" 2 --ocsp pki/ca.pem
if [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "pki/ca.pem: not a DER OCSP response" err.txt; then ok; else
	bad "not an OCSP response: stderr '$(cat err.txt)'"
fi

tb_done ocsp-cli
