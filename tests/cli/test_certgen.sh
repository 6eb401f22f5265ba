#!/bin/sh
# certgen CLI: every command, its files, exit codes and JSON, checked against
# the openssl CLI and trustcheck.  Env: CERTGEN, TRUSTCHECK (set by make cli).
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
bg=""
cleanup() {
	[ -n "$bg" ] && kill -9 "$bg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$tmp"
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$@"; }
mode() { stat -c %a "$1"; }
cg() { "$CERTGEN" "$@"; }

# ---- help and usage
for c in ca intermediate leaf client cross revoke crl ocsp p12 bundle pin mobileconfig android bad list; do
	expect 0 "$c --help" cg "$c" --help
	has out.txt "example" "$c --help shows examples"
done
expect 2 "no command is a usage error" cg
expect 2 "unknown command" cg frobnicate
has err.txt "unknown command" "unknown command message"
expect 2 "unknown option" cg ca --colour
has err.txt "ca --help" "unknown option says where to look"

expect 2 "leaf before any ca" cg leaf localhost
has err.txt "certgen ca" "says to run certgen ca first"
[ -e pki ] && bad "a failed command left ./pki behind" || ok

# ---- ca: default directory ./pki, key 0600, trust instructions
expect 0 "ca in ./pki" cg ca
has out.txt "update-ca-certificates" "ca prints the Debian step"
has out.txt "Certificate Trust Settings" "ca prints the iOS step"
has out.txt "certgen android" "ca prints the Android step"
[ -f pki/ca.pem ] && [ "$(mode pki/ca-key.pem)" = 600 ] && ok || bad "root files and key mode"
openssl x509 -in pki/ca.pem -noout -ext basicConstraints,keyUsage >ext.txt 2>&1
has ext.txt "critical" "root extensions critical"
cp pki/ca.pem ca.before
expect 1 "second ca is refused" cg ca
has err.txt "--force" "refusal names --force"
cmp -s pki/ca.pem ca.before && ok || bad "refused ca left the root unchanged"

# ---- leaf: trustcheck and openssl -x509_strict accept the chain
expect 0 "leaf localhost 127.0.0.1 ::1" cg leaf localhost 127.0.0.1 ::1
expect 0 "trustcheck accepts the leaf" "$TRUSTCHECK" --anchors pki/ca.pem --host localhost pki/localhost/fullchain.pem
expect 0 "openssl verify -x509_strict accepts the leaf" openssl verify -x509_strict -purpose sslserver \
	-CAfile pki/ca.pem pki/localhost/cert.pem
[ "$(mode pki/localhost/key.pem)" = 600 ] && ok || bad "leaf key mode 0600"
openssl x509 -in pki/localhost/cert.pem -noout -ext subjectAltName >san.txt
has san.txt "DNS:localhost" "SAN DNS"
has san.txt "IP Address:127.0.0.1" "SAN IPv4"
has san.txt "IP Address:0:0:0:0:0:0:0:1" "SAN IPv6"
expect 1 "same leaf again is refused" cg leaf localhost
expect 0 "same leaf with --force" cg --force leaf localhost 127.0.0.1 ::1
expect 0 "leaf --days within limits is quiet" cg leaf short.example --days 30
[ -s err.txt ] && bad "no warning for 30 days" || ok
expect 0 "leaf --days 900 still issues" cg leaf long.example --days 900
has err.txt "Apple" "over 825 days names Apple"
has err.txt "Chromium" "over 200 days names Chromium/Android"

# ---- intermediates, name constraints, pathlen
expect 0 "intermediate" cg intermediate issuing-1 --pathlen 0
expect 0 "leaf under the intermediate" cg leaf www.example.test '*.example.test' --issuer issuing-1
expect 0 "openssl verifies leaf + chain" openssl verify -x509_strict -CAfile pki/ca.pem \
	-untrusted pki/www.example.test/chain.pem pki/www.example.test/cert.pem
expect 0 "trustcheck verifies the wildcard" "$TRUSTCHECK" --anchors pki/ca.pem --host a.example.test \
	pki/www.example.test/fullchain.pem
[ "$(grep -c BEGIN pki/www.example.test/fullchain.pem)" = 2 ] && ok || bad "fullchain = leaf + intermediate"
expect 1 "intermediate under pathlen 0 is refused" cg intermediate sub --issuer issuing-1
expect 0 "constrained intermediate" cg intermediate corp --permit-dns corp.example --permit-ip 10.0.0.0/8
openssl x509 -in pki/corp/cert.pem -noout -ext nameConstraints >nc.txt
has nc.txt "IP:10.0.0.0/255.0.0.0" "CIDR encoded as address/mask"
expect 0 "leaf inside the constraints" cg leaf www.corp.example 10.1.2.3 --issuer corp
expect 1 "leaf outside the constraints is refused" cg leaf www.other.example --issuer corp
has err.txt "rfc5280.nc" "refusal names the name-constraint rule"
[ -e pki/www.other.example/key.pem ] && bad "refused leaf left a key" || ok

# ---- client
expect 0 "client" cg client alice --email alice@example.com
expect 0 "openssl accepts the client for sslclient" openssl verify -purpose sslclient -CAfile pki/ca.pem \
	pki/alice/cert.pem
expect 2 "openssl rejects the client for sslserver" openssl verify -purpose sslserver -CAfile pki/ca.pem \
	pki/alice/cert.pem

# ---- revoke, crl, ocsp
expect 0 "revoke" cg revoke www.example.test --reason keyCompromise
expect 1 "revoking twice is refused" cg revoke www.example.test
expect 0 "crl of the intermediate" cg crl --issuer issuing-1
# openssl crl -CAfile wants the CRL's issuer among the trusted certificates
expect 0 "openssl crl verifies with the issuer" openssl crl -in pki/issuing-1/crl.pem \
	-CAfile pki/issuing-1/cert.pem -noout
has err.txt "verify OK" "CRL signature OK"
openssl crl -in pki/issuing-1/crl.pem -noout -text >crl.txt
has crl.txt "Key Compromise" "CRL has the reason"
has crl.txt "CRL Number" "CRL has a number"
expect 0 "root CRL" cg crl
cat pki/crl.pem pki/issuing-1/crl.pem >crls.pem
expect 2 "openssl verify -crl_check_all rejects the revoked leaf" openssl verify -crl_check_all \
	-CAfile pki/ca.pem -untrusted pki/issuing-1/cert.pem -CRLfile crls.pem pki/www.example.test/cert.pem
cat out.txt err.txt >both.txt
has both.txt "certificate revoked" "openssl says revoked"
cg --format json crl --issuer issuing-1 >crl.json && [ "$(json_get crl.json '["number"]')" = 2 ] && ok ||
	bad "CRL number increments"
for st in good revoked unknown; do
	expect 0 "ocsp --status $st" cg ocsp www.example.test --status $st
	expect 0 "openssl ocsp reads the $st response" openssl ocsp -respin pki/www.example.test/ocsp-$st.der \
		-issuer pki/issuing-1/cert.pem -cert pki/www.example.test/cert.pem -CAfile pki/ca.pem \
		-verify_other pki/issuing-1/cert.pem
	has out.txt "cert.pem: $st" "OCSP status $st"
	has err.txt "Response verify OK" "OCSP signature ($st)"
done
expect 2 "ocsp needs --status" cg ocsp www.example.test

# ---- p12 modern and legacy round trips
expect 0 "p12" cg p12 alice
[ "$(mode pki/alice/alice.p12)" = 600 ] && [ "$(mode pki/alice/alice.p12.pass)" = 600 ] && ok ||
	bad "p12 and password are 0600"
expect 0 "openssl pkcs12 reads the modern p12" openssl pkcs12 -in pki/alice/alice.p12 \
	-passin file:pki/alice/alice.p12.pass -info -nodes -out alice.dump
has err.txt "AES-256-CBC" "modern p12 uses AES-256"
has err.txt "MAC: sha256" "modern p12 MAC SHA-256"
openssl pkey -in alice.dump -pubout >a.pub 2>/dev/null
openssl pkey -in pki/alice/key.pem -pubout >b.pub
cmp -s a.pub b.pub && ok || bad "p12 key is alice's key"
[ "$(grep -c 'BEGIN CERTIFICATE' alice.dump)" = 2 ] && ok || bad "p12 holds cert + root"
echo "s3cret pass" >pw.txt
expect 0 "p12 --legacy --password-file" cg p12 www.example.test --legacy --password-file pw.txt
[ -e pki/www.example.test/www.example.test.p12.pass ] && bad "no password file when one is given" || ok
expect 0 "openssl pkcs12 -legacy reads the legacy p12" openssl pkcs12 -legacy \
	-in pki/www.example.test/www.example.test.p12 -passin file:pw.txt -info -nodes -out legacy.dump
has err.txt "pbeWithSHA1And3-KeyTripleDES-CBC" "legacy p12 uses 3DES"
has err.txt "MAC: sha1" "legacy p12 MAC SHA-1"
[ "$(grep -c 'BEGIN CERTIFICATE' legacy.dump)" = 3 ] && ok || bad "legacy p12 holds leaf + intermediate + root"
expect 1 "p12 again is refused" cg p12 alice

# ---- pin, bundle, list
want=$(openssl x509 -in pki/ca.pem -pubkey -noout | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | base64)
[ "$(cg pin pki/ca.pem)" = "$want" ] && ok || bad "pin equals the openssl SPKI SHA-256"
cg --format json pin pki/localhost/cert.pem >pin.json && json_get pin.json '["spki_sha256_base64"]' >/dev/null &&
	ok || bad "pin JSON"
expect 2 "pin of a missing file" cg pin nothere.pem
has err.txt "nothere.pem" "error names the file"
expect 0 "bundle" cg bundle
[ "$(grep -c BEGIN pki/bundle.pem)" = 3 ] && ok || bad "bundle = root + 2 intermediates"
expect 0 "list" cg list
has out.txt "issuing-1" "list shows the intermediate"
has out.txt "revoked" "list shows the revocation"
cg --format json list >list.json && [ "$(json_get list.json '["certificates"][0]["kind"]')" = root ] && ok ||
	bad "list JSON"

# ---- device onboarding
expect 0 "mobileconfig" cg mobileconfig
has out.txt "Certificate Trust Settings" "mobileconfig prints the full-trust step"
openssl x509 -in pki/ca.pem -outform der -out ca.der
python3 - pki/certgen-root.mobileconfig ca.der <<'PY' && ok || bad "mobileconfig payload"
import plistlib, sys
p = plistlib.load(open(sys.argv[1], "rb"))
assert p["PayloadType"] == "Configuration" and p["PayloadVersion"] == 1
inner = p["PayloadContent"][0]
assert inner["PayloadType"] == "com.apple.security.root"
assert inner["PayloadContent"] == open(sys.argv[2], "rb").read()
assert inner["PayloadUUID"] != p["PayloadUUID"]
PY
cp pki/certgen-root.mobileconfig m1
expect 0 "mobileconfig --force again" cg --force mobileconfig
cmp -s m1 pki/certgen-root.mobileconfig && ok || bad "profile UUIDs are stable"
expect 0 "android" cg android
h=$(openssl x509 -in pki/ca.pem -noout -subject_hash_old)
[ -f "pki/android/$h.0" ] && ok || bad "android <subject_hash_old>.0"
cmp -s ca.der pki/android/certgen-root.crt && ok || bad "android DER"
has pki/android/network_security_config.xml '@raw/certgen_root' "network security config"

# ---- cross-signing between two roots, and an expired cross-sign
expect 0 "second root" cg --dir old ca --name "Old Root"
expect 0 "cross-sign the new root under the old" cg cross ca --issuer old/
x=$(ls -d pki/ca-by-* | head -1)
[ "$(openssl x509 -in "$x/cert.pem" -noout -subject)" = "$(openssl x509 -in pki/ca.pem -noout -subject)" ] &&
	ok || bad "cross-sign keeps the subject"
expect 0 "old root verifies the cross-sign" openssl verify -CAfile old/ca.pem "$x/cert.pem"
expect 0 "leaf verifies through the cross-sign" openssl verify -CAfile old/ca.pem -untrusted "$x/cert.pem" \
	pki/localhost/cert.pem
expect 0 "expired cross-sign" cg --force cross ca --issuer old/ --days -1
expect 2 "openssl sees it expired" openssl verify -CAfile old/ca.pem "$x/cert.pem"
cat out.txt err.txt >both.txt
has both.txt "expired" "cross-sign expired"

# ---- $CERTGEN_DIR, --dir, --quiet, JSON
CERTGEN_DIR=envdir "$CERTGEN" -q ca >q.txt 2>&1 && [ -f envdir/ca.pem ] && ok || bad "CERTGEN_DIR"
[ -s q.txt ] && bad "--quiet printed: $(cat q.txt)" || ok
cg --dir jdir --format json ca >ca.json && [ "$(json_get ca.json '["cert"]')" = jdir/ca.pem ] && ok ||
	bad "ca JSON"
cg --dir jdir --format json leaf j.example >leaf.json && [ "$(json_get leaf.json '["issuer"]')" = ca ] && ok ||
	bad "leaf JSON"
cg --dir jdir --format json revoke j.example >r.json && [ "$(json_get r.json '["reason"]')" = unspecified ] &&
	ok || bad "revoke JSON"
cg --dir jdir --format json p12 j.example >p.json && json_get p.json '["p12"]' >/dev/null && ok || bad "p12 JSON"
cg --dir jdir --format json bundle >b.json && json_get b.json '["bundle"]' >/dev/null && ok || bad "bundle JSON"
cg --dir jdir --format json ocsp j.example --status good >o.json 2>/dev/null && json_get o.json '["ocsp"]' >/dev/null && ok ||
	bad "ocsp JSON"
cg --dir jdir --format json android >an.json && json_get an.json '["der"]' >/dev/null && ok || bad "android JSON"
cg --dir jdir --format json mobileconfig >mc.json && json_get mc.json '["next_step"]' >/dev/null && ok ||
	bad "mobileconfig JSON"
expect 2 "--format yaml is a usage error" cg --format yaml list

# ---- a corrupt state file is an input error naming the file
echo "garbage" >jdir/state.cbor
expect 2 "corrupt state" cg --dir jdir list
has err.txt "jdir/state.cbor" "error names the state file"

# ---- the lock: a second certgen on the same directory gives up
CERTGEN_TEST_PAUSE_BEFORE_RENAME=20 "$CERTGEN" --dir lockdir ca >/dev/null 2>&1 &
bg=$!
i=0
while [ $i -lt 100 ] && ! ls -a lockdir 2>/dev/null | grep -q '\.tmp\.'; do
	sleep 0.1
	i=$((i + 1))
done
export CERTGEN_LOCK_TIMEOUT=0
expect 1 "a locked directory is refused" cg --dir lockdir list
unset CERTGEN_LOCK_TIMEOUT
has err.txt "locked by another certgen" "second certgen sees the lock"

# ---- killed mid-write: no key where a reader looks, and the directory still works
kill -9 "$bg" 2>/dev/null
wait "$bg" 2>/dev/null
bg=""
[ -e lockdir/ca-key.pem ] && bad "killed ca left ca-key.pem" || ok
[ -e lockdir/ca.pem ] && bad "killed ca left ca.pem" || ok
expect 0 "the killed run's lock is gone" cg --dir lockdir ca
expect 0 "ca for the kill test" cg --dir killdir ca
CERTGEN_TEST_PAUSE_BEFORE_RENAME=20 "$CERTGEN" --dir killdir leaf victim.example >/dev/null 2>&1 &
bg=$!
i=0
# the leaf is built in a staged directory beside where it will live
while [ $i -lt 100 ] && ! ls -a killdir/.stage.victim.example 2>/dev/null | grep -q '\.tmp\.'; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 100 ] && ok || bad "the leaf's temporary key never appeared in killdir/.stage.victim.example"
for f in killdir/.stage.victim.example/.*.tmp.*; do
	[ -e "$f" ] && [ "$(mode "$f")" != 600 ] && bad "temporary key file readable by others: $f"
done
kill -9 "$bg" 2>/dev/null
wait "$bg" 2>/dev/null
bg=""
[ -e killdir/victim.example/key.pem ] && bad "killed leaf left key.pem" || ok
[ -e killdir/victim.example/cert.pem ] && bad "killed leaf left cert.pem" || ok
cg --dir killdir list >out.txt && ! grep -q victim out.txt && ok || bad "killed leaf is not in the state"
[ -e killdir/.stage.victim.example ] && bad "the next command did not remove the staged leaf" || ok
expect 0 "a new run after the kill succeeds, without --force" cg --dir killdir leaf victim.example

tb_done certgen-cli
