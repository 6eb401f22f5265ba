#!/bin/sh
# trustcheck --connect against certgen serve and openssl s_server on free
# loopback ports (IPv4 and ::1): the chain the server sent is judged as a file
# would be, the connection facts are reported, ATS's protocol and forward-
# secrecy rules are judged against them (and loosened by a policy file or an
# Info.plist exception), and refused, silent and non-TLS ports fail in one
# line with exit 2 within the timeout.  Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$tmp"

# tc NAME WANT_EXIT ARGS...: trustcheck --format json; the report in r.json.
tc() {
	name=$1 want=$2
	shift 2
	"$TRUSTCHECK" "$@" --format json >r.json 2>err.txt
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, wanted $want ($(head -c 300 err.txt))"; fi
}
# field EXPR: a value from r.json, e.g. field '["connection"]["protocol"]'.
field() { python3 -c 'import json,sys; print(eval("json.load(open(\"r.json\"))" + sys.argv[1]))' "$1" 2>/dev/null; }
# is NAME EXPR VALUE
is() {
	v=$(field "$2")
	if [ "$v" = "$3" ]; then ok; else bad "$1: $2 is '$v', wanted '$3'"; fi
}

# ---- certgen serve: every case on one port
"$CERTGEN" serve --out cases --port 0 --duration 300 >serve.log 2>serve.err &
pids="$pids $!"
i=0
while [ $i -lt 300 ] && ! grep -q '^serving' serve.log 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' serve.log)
[ -n "$port" ] && ok || bad "certgen serve did not start: $(head -c 300 serve.err)"
ca=cases/pki/ca.pem
srv=127.0.0.1:$port

tc "good over TLS 1.3" 0 --connect "$srv" --host good.bad.test --anchors "$ca"
is "good" '["connection"]["protocol"]' TLSv1.3
is "good" '["connection"]["forward_secret"]' True
is "good" '["connection"]["sent_intermediates"]' 1
is "good" '["connection"]["sent_in_order"]' True
is "good" '["host"]' good.bad.test
python3 -c 'import json, jsonschema, sys
jsonschema.validate(json.load(open("r.json")), json.load(open(sys.argv[1])))' \
	"$here/../../docs/report-schema.json" 2>err.txt && ok || bad "connection report fails the schema: $(tail -1 err.txt)"
tc "a chain read from files has no connection" 0 --anchors "$ca" --host good.bad.test \
	cases/pki/good.bad.test/fullchain.pem
is "files" '["connection"]' None

# The text report says what the handshake showed.
"$TRUSTCHECK" --connect "$srv" --host good.bad.test --anchors "$ca" >out.txt 2>&1
has out.txt "connection: TLSv1.3 TLS_AES_" "text report shows protocol and suite"

# ATS: TLS 1.1 and RSA key exchange are refused with the rule id ...
tc "TLS 1.1 under ats" 1 --connect "$srv" --host tls11.bad.test --anchors "$ca" --policy ats
is "tls11" '["reason"]["id"]' ats.tls-min-version
is "tls11" '["connection"]["protocol"]' TLSv1.1
tc "TLS 1.0 under ats" 1 --connect "$srv" --host tls10.bad.test --anchors "$ca" --policy ats
is "tls10" '["reason"]["id"]' ats.tls-min-version
tc "RSA key exchange under ats" 1 --connect "$srv" --host tls12-no-fs.bad.test --anchors "$ca" \
	--policy ats
is "no-fs" '["reason"]["id"]' ats.pfs-ciphers
is "no-fs" '["connection"]["forward_secret"]' False
# ... and accepted with the matching exception, from a policy file ...
cat >exceptions.json <<'EOF'
{ "name": "exceptions",
  "ats": { "NSExceptionDomains": {
    "tls11.bad.test": { "NSExceptionMinimumTLSVersion": "TLSv1.1" },
    "tls12-no-fs.bad.test": { "NSExceptionRequiresForwardSecrecy": false } } } }
EOF
tc "TLS 1.1 with NSExceptionMinimumTLSVersion" 0 --connect "$srv" --host tls11.bad.test \
	--anchors "$ca" --policy ats --policy ./exceptions.json
tc "TLS 1.0 is below that exception" 1 --connect "$srv" --host tls10.bad.test --anchors "$ca" \
	--policy ats --policy ./exceptions.json
tc "RSA key exchange with NSExceptionRequiresForwardSecrecy NO" 0 --connect "$srv" \
	--host tls12-no-fs.bad.test --anchors "$ca" --policy ats --policy ./exceptions.json
# ... or from the app's Info.plist.
cat >Info.plist <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>NSAppTransportSecurity</key><dict>
  <key>NSExceptionDomains</key><dict>
    <key>tls12-no-fs.bad.test</key><dict>
      <key>NSExceptionRequiresForwardSecrecy</key><false/>
    </dict>
  </dict>
</dict>
</dict></plist>
EOF
tc "RSA key exchange with the Info.plist exception" 0 --connect "$srv" --host tls12-no-fs.bad.test \
	--anchors "$ca" --ats-plist Info.plist
tc "the plist does not lower the TLS version" 1 --connect "$srv" --host tls11.bad.test \
	--anchors "$ca" --ats-plist Info.plist
is "plist tls11" '["reason"]["id"]' ats.tls-min-version

# A server that leaves out its intermediate; one that sends them out of order.
tc "missing intermediate" 1 --connect "$srv" --host incomplete-chain.bad.test \
	--anchors cases/bad/incomplete-chain/anchor.pem
is "incomplete" '["reason"]["id"]' path.no-issuer
is "incomplete" '["connection"]["sent_intermediates"]' 0
tc "intermediates out of order" 0 --connect "$srv" --host wrong-order.bad.test --anchors "$ca"
is "wrong-order" '["connection"]["sent_intermediates"]' 2
is "wrong-order" '["connection"]["sent_in_order"]' False
tc "expired leaf" 1 --connect "$srv" --host expired.bad.test --anchors cases/bad/expired/anchor.pem
is "expired" '["reason"]["id"]' rfc5280.validity.expired
tc "stapled OCSP is seen" 0 --connect "$srv" --host ocsp-good.bad.test --anchors "$ca"
is "ocsp" '["connection"]["ocsp_stapled"]' True
# The stapled response is judged: good covers the leaf, revoked rejects it.
is "stapled good covers the leaf" '["paths"][0]["certificates"][0]["revocation"]' \
	"{'status': 'good', 'source': 'ocsp'}"
tc "stapled revoked OCSP rejects" 1 --connect "$srv" --host ocsp-revoked.bad.test --anchors "$ca"
is "stapled revoked" '["reason"]["id"]' revocation.revoked
python3 -c 'import json; f = [f for f in json.load(open("r.json"))["paths"][0]["findings"]
	if f["id"] == "revocation.revoked"][0]
assert f["params"]["source"] == "ocsp" and f["params"]["reason"] == "keyCompromise"' \
	&& ok || bad "stapled revoked: finding lacks source ocsp / reason keyCompromise"
# Stapled responses a client must not use (both say revoked): accepted with the
# reason under soft-fail, rejected as not covered under hard-fail.
for c in "expired nextUpdate has passed" "wrong-signer not issued by the certificate's issuer"; do
	h=ocsp-${c%% *}.bad.test
	tc "$h, soft" 0 --connect "$srv" --host "$h" --anchors "$ca"
	python3 -c 'import json, sys; p = json.load(open("r.json"))["paths"][0]
f = [f for f in p["findings"] if f["id"] == "revocation.ocsp-unusable" and f["cert"] == 0][0]
assert sys.argv[1] in f["message"] and f["params"]["origin"] == "stapled", f
assert p["certificates"][0]["revocation"]["status"] == "not-covered"' "${c#* }" \
		&& ok || bad "$h: no stapled ocsp-unusable saying '${c#* }'"
	tc "$h, hard" 1 --connect "$srv" --host "$h" --anchors "$ca" --revocation hard
	is "$h, hard" '["reason"]["id"]' revocation.not-covered
done
# A delegated responder's staple is used: revoked rejects.
tc "stapled by a delegated responder" 1 --connect "$srv" --host ocsp-delegated.bad.test \
	--anchors "$ca"
is "delegated" '["reason"]["id"]' revocation.revoked
tc "https URL form" 0 --connect "https://localhost:$port/index.html" --anchors "$ca"
is "url" '["host"]' localhost
tc "an IP target is checked as an IP" 0 --connect "$srv" --anchors "$ca"
is "ip target" '["ip"]' 127.0.0.1

# ---- --ats-diagnostics: each configuration, then the smallest Info.plist change
# diag NAME WANT_EXIT HOST ANCHOR: runs the diagnostics into diag.txt.
diag() {
	"$TRUSTCHECK" --connect "$srv" --host "$3" --anchors "$4" --ats-diagnostics >diag.txt 2>err.txt
	rc=$?
	[ $rc -eq "$2" ] && ok || bad "$1: exit $rc, wanted $2 ($(head -c 200 err.txt))"
	awk 'length > 100 { exit 1 }' diag.txt && ok || bad "$1: a line over 100 columns"
}
# snippet_is NAME: the lines from the verdict's heading on equal the here-document on stdin.
snippet_is() {
	sed -n '/^The smallest Info.plist change/,$p' diag.txt >got.txt
	if cmp -s - got.txt; then ok; else bad "$1: the suggested change differs:"; cat got.txt >&2; fi
}
diag "diagnostics, TLS 1.1 server" 1 tls11.bad.test "$ca"
grep -q '^  Default ATS  *FAIL  ats.tls-min-version: server has TLSv1.1 at most' diag.txt && ok ||
	bad "the default configuration fails on the protocol version"
grep -q '^  NSExceptionMinimumTLSVersion TLSv1.1  *PASS' diag.txt && ok || bad "TLS 1.1 minimum passes"
snippet_is "TLS 1.1 server" <<'PLIST'
The smallest Info.plist change that makes the connection work:
NSExceptionMinimumTLSVersion TLSv1.1

<key>NSAppTransportSecurity</key>
<dict>
    <key>NSExceptionDomains</key>
    <dict>
        <key>tls11.bad.test</key>
        <dict>
            <key>NSExceptionMinimumTLSVersion</key>
            <string>TLSv1.1</string>
        </dict>
    </dict>
</dict>
PLIST
diag "diagnostics, RSA key exchange server" 1 tls12-no-fs.bad.test "$ca"
grep -q '^  Default ATS  *FAIL  ats.pfs-ciphers' diag.txt && ok || bad "the default fails on forward secrecy"
snippet_is "no forward secrecy" <<'PLIST'
The smallest Info.plist change that makes the connection work:
NSExceptionRequiresForwardSecrecy NO

<key>NSAppTransportSecurity</key>
<dict>
    <key>NSExceptionDomains</key>
    <dict>
        <key>tls12-no-fs.bad.test</key>
        <dict>
            <key>NSExceptionRequiresForwardSecrecy</key>
            <false/>
        </dict>
    </dict>
</dict>
PLIST
diag "diagnostics, expired leaf" 1 expired.bad.test cases/bad/expired/anchor.pem
grep -q '^No ATS exception makes this connection work' diag.txt && ok || bad "expired: no exception fixes it"
grep -q 'Fix the server: rfc5280.validity.expired' diag.txt && ok || bad "expired: names the chain's rule"
[ "$(grep -c '  FAIL  ' diag.txt)" = 8 ] && ok || bad "expired: every configuration fails"
diag "diagnostics, a good server" 0 good.bad.test "$ca"
grep -q 'no Info.plist change is needed' diag.txt && ok || bad "good: nothing to change"
expect 2 "--ats-diagnostics without --connect" "$TRUSTCHECK" --ats-diagnostics --anchors "$ca" \
	cases/pki/ca.pem

# ---- openssl s_server: TLS 1.2 with ECDHE, and TLS 1.3 on ::1
s_server() {
	p=$(free_port)
	openssl s_server -accept "$p" "$@" -cert cases/pki/good.bad.test/cert.pem \
		-key cases/pki/good.bad.test/key.pem -cert_chain cases/pki/sub1/cert.pem -www -quiet \
		>/dev/null 2>&1 &
	pids="$pids $!"
}
s_server -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
if wait_port "$p"; then
	tc "s_server TLS 1.2 ECDHE under ats" 0 --connect "127.0.0.1:$p" --host good.bad.test \
		--anchors "$ca" --policy ats
	is "tls12" '["connection"]["protocol"]' TLSv1.2
	is "tls12" '["connection"]["cipher"]' TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
else
	bad "openssl s_server (TLS 1.2) did not start"
fi
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	p=$(free_port)
	openssl s_server -accept "[::1]:$p" -6 -tls1_3 -cert cases/pki/good.bad.test/cert.pem \
		-key cases/pki/good.bad.test/key.pem -cert_chain cases/pki/sub1/cert.pem -www -quiet \
		>/dev/null 2>&1 &
	pids="$pids $!"
	if wait_port "$p" ::1; then
		tc "s_server TLS 1.3 on ::1" 0 --connect "[::1]:$p" --anchors "$ca"
		is "v6" '["ip"]' ::1
		is "v6" '["connection"]["protocol"]' TLSv1.3
	else
		bad "openssl s_server on ::1 did not start"
	fi
else
	echo "connect-cli: no IPv6 loopback here; ::1 check skipped"
fi

# port_of FILE: the port a helper server printed into FILE (waits up to 15 s).
port_of() {
	i=0
	while [ $i -lt 150 ] && [ ! -s "$1" ]; do sleep 0.1; i=$((i + 1)); done
	cat "$1"
}

# ---- failures: one line, exit 2, within the timeout
# err_is NAME TEXT SECONDS ARGS...: exit 2, one stderr line containing TEXT, in under SECONDS.
err_is() {
	name=$1 text=$2 limit=$3
	shift 3
	t0=$(date +%s)
	"$TRUSTCHECK" "$@" >out.txt 2>err.txt
	rc=$?
	t1=$(date +%s)
	if [ $rc -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$text" err.txt &&
		[ $((t1 - t0)) -lt "$limit" ]; then
		ok
	else
		bad "$name: exit $rc after $((t1 - t0)) s: $(head -c 300 err.txt)"
	fi
}
p=$(free_port)
err_is "refused port" "connection refused" 5 --connect "127.0.0.1:$p" --anchors "$ca"
# A silent port: the kernel accepts the connection, nobody speaks TLS.
python3 -c 'import socket, time, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(60)' >silent.port &
pids="$pids $!"
err_is "silent port" "timed out during the TLS handshake" 6 --connect "127.0.0.1:$(port_of silent.port)" \
	--timeout 1.5 --anchors "$ca"
# Not TLS: a server that answers in plain HTTP.
python3 -c 'import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
for _ in range(3):
    c, _ = s.accept(); c.recv(4096)
    c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"); c.close()' >plain.port &
pids="$pids $!"
err_is "plain HTTP" "no TLS" 6 --connect "127.0.0.1:$(port_of plain.port)" --anchors "$ca"
err_is "unresolvable name" "cannot resolve" 30 --connect "no-such-host.invalid:443" --anchors "$ca"
err_is "not a URL we check" "only https://" 5 --connect "http://example.com/" --anchors "$ca"
err_is "IPv6 needs brackets" "brackets" 5 --connect "::1:443" --anchors "$ca"
err_is "port out of range" "port from 1 to 65535" 5 --connect "127.0.0.1:70000" --anchors "$ca"
expect 2 "chain files and --connect together" "$TRUSTCHECK" --connect "$srv" --anchors "$ca" \
	cases/pki/ca.pem
expect 2 "--timeout without --connect" "$TRUSTCHECK" --timeout 3 --anchors "$ca" cases/pki/ca.pem

tb_done connect-cli
