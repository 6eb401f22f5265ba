#!/bin/sh
# What trustcheck tells a newcomer: which anchors it used when none were
# named (the system store), that no host name was checked, that a bundle
# looks reversed, and headlines that name the certificate and say what to
# do.  Formats agree across text, JSON and certgen; text stays within 100
# columns.  SSL_CERT_FILE points the "system store" at a bundle made here, so
# no result depends on the machine's own bundle; one run uses the real one.
# Needs TRUSTCHECK, CERTGEN and TRUST_FIXTURES (make cli).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trustcheck_env.sh"
B="$F/certgen/bad"
# line N TEXT DESC: line N of out.txt contains TEXT (fixed string).
line() {
	if sed -n "$1p" out.txt | grep -qF -- "$2"; then ok; else
		bad "$3: line $1 is '$(sed -n "$1p" out.txt)', want '$2'"
	fi
}
# flat TEXT DESC: the report's first 6 lines, unwrapped, contain TEXT (fixed string).
flat() {
	if head -n 6 out.txt | tr '\n' ' ' | tr -s ' ' | grep -qF -- "$1"; then ok; else
		bad "$2: '$1' not in: $(head -n 6 out.txt | tr '\n' ' ' | tr -s ' ')"
	fi
}
# json EXPR: a value of the JSON report in out.txt, by a Python expression on r.
json() { python3 -c "import json; r = json.load(open('out.txt')); print($1)"; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1' != '$2'"; fi; }
# width: every line of out.txt fits in 100 columns (the trustcheck(1) promise).
width() {
	w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' out.txt)
	if [ "$w" -le 100 ]; then ok; else bad "$1: a line of $w columns"; fi
}

# 1. No --anchors: the system store, named with its file and count.
cat "$F/good/root.pem" "$F/rsa/root.pem" >bundle.pem
export SSL_CERT_FILE="$tmp/bundle.pem"
expect 0 "no anchors: the system store" tc "$F/good/chain.pem" $H
line 1 "TRUSTED  good.example.com" "system store trusts the good chain"
line 2 "anchors: system ($tmp/bundle.pem, 2 roots)" "system store named"
width "system store report"
expect 0 "system store in JSON" tc "$F/good/chain.pem" $H --format json
same "$(json 'r["anchors"]')" "[{'origin': 'system', 'source': '$tmp/bundle.pem', 'count': 2}]" \
	"JSON anchors"
same "$(json 'r["paths"][r["chosen_path"]]["certificates"][-1]["anchor_origin"]')" system \
	"anchor origin"
ln -s bundle.pem link.pem
expect 0 "system bundle named by where its link leads" env SSL_CERT_FILE="$tmp/link.pem" \
	$WRAP "$TRUSTCHECK" "$F/good/chain.pem" $H
line 2 "anchors: system ($tmp/bundle.pem, 2 roots)" "link resolved"
expect 0 "--anchors replaces the system store" tc "$F/good/chain.pem" $A $H --format json
same "$(json '[a["origin"] for a in r["anchors"]]')" "['user']" "only user anchors"
expect 0 "--anchors and --system-anchors" tc "$F/good/chain.pem" $A $H --system-anchors
flat "anchors: user ($F/good/root.pem, 1 root); system ($tmp/bundle.pem, 2 roots)" \
	"both sources named"
unset SSL_CERT_FILE

# 2. The machine's own store never holds the fixtures' private root: the
# headline says so and what to pass.
expect 1 "private root against the real system store" tc "$F/good/fullchain.pem" $H
line 2 "because path.untrusted-root (certificate 2, CN=Fixture Root)" "untrusted root headline"
flat "is self-issued but not in the system trust store: if it is your private root, trust it with --anchors FILE" \
	"private root advice"
grep -q "anchors: system (/" out.txt && ok || bad "real system store not named"
expect 1 "private chain without its root, real system store" tc "$F/good/chain.pem" $H
line 2 "because path.no-issuer (certificate 1, CN=Fixture Intermediate)" "missing root headline"
flat "neither in the chain nor in the system trust store: if that is a private root, trust it with --anchors FILE" \
	"missing root advice"

# 3. No host name: said on the verdict line, and the CN is never shown there.
expect 0 "no host" tc "$F/good/chain.pem" $A
line 1 "TRUSTED  (no host name checked: give --host)  (policy: tls-server)" "no-host verdict"
if head -n 1 out.txt | grep -q "CN="; then bad "the verdict line shows a CN"; else ok; fi
expect 0 "no host, rfc5280" tc "$F/good/chain.pem" $A --policy rfc5280
line 1 "TRUSTED  (policy: rfc5280)" "rfc5280 checks no names and says none"
expect 0 "no host, JSON" tc "$F/good/chain.pem" $A --format json
same "$(json 'r["host"], r["ip"]')" "None None" "host and ip null"

# 4. A reversed bundle (root first): the root is the certificate served, and a
# CA's key (keyCertSign, cRLSign) may not sign TLS handshakes, so it is not
# trusted; the warning says what went wrong.
cat "$F/good/root.pem" "$F/good/inter.pem" "$F/good/leaf.pem" >reversed.pem
expect 1 "reversed bundle" tc reversed.pem $A
line 2 "because tls.key-usage.purpose (certificate 0, CN=Fixture Root)" \
	"reversed bundle rejected for its key usage"
if grep -qF "warning tls.leaf.ca: the first certificate, CN=Fixture Root,O=trustbench fixtures, is a CA" out.txt
then ok; else bad "reversed bundle not warned about"; fi
if grep -qF "the bundle looks reversed: put the leaf CN=good.example.com first" out.txt
then ok; else bad "reversed advice missing"; fi
expect 1 "reversed bundle, JSON" tc reversed.pem $A --format json
same "$(json '[(f["severity"], f["cert"]) for f in r["paths"][r["chosen_path"]]["findings"] if f["id"] == "tls.leaf.ca"]')" \
	"[('warning', 0)]" "tls.leaf.ca finding"
expect 1 "a CA certificate alone" tc "$B/ca-as-leaf/fullchain.pem" --anchors "$B/ca-as-leaf/anchor.pem" \
	--host bad.example
line 2 "because tls.key-usage.purpose" "CA as leaf rejected for its key usage"
if grep -qF "warning tls.leaf.ca" out.txt; then ok; else bad "CA as leaf not warned about"; fi
expect 0 "the right order is not warned about" tc "$F/good/fullchain.pem" $A $H
if grep -q "tls.leaf.ca" out.txt; then bad "warning on a well-ordered chain"; else ok; fi

# 5. Headlines: the certificate (index and subject) on line 2, and what to do.
openssl req -new -key "$F/good/leaf.key" -subj /CN=aia.example.com -out aia.csr 2>/dev/null
cat >aia.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:aia.example.com
authorityInfoAccess = caIssuers;URI:http://pki.example.test/inter.crt
EXT
openssl x509 -req -in aia.csr -CA "$F/good/inter.pem" -CAkey "$F/good/inter.key" \
	-CAcreateserial -days 30 -sha256 -extfile aia.ext -out aia.pem 2>/dev/null
expect 1 "missing intermediate" tc aia.pem $A --host aia.example.com
line 2 "because path.no-issuer (certificate 0, CN=aia.example.com)" "missing intermediate headline"
flat "its issuer CN=Fixture Intermediate,O=trustbench fixtures is neither in the chain nor among the anchors" \
	"issuer DN looked for"
flat "(its caIssuers URL: http://pki.example.test/inter.crt)" "caIssuers URL"
flat "add the missing intermediate with --intermediates FILE" "missing intermediate advice"
width "missing intermediate report"
expect 1 "missing intermediate, JSON" tc aia.pem $A --host aia.example.com --format json
same "$(json '[f["params"] for f in r["paths"][0]["findings"] if f["id"] == "path.no-issuer"][0]["ca-issuers"]')" \
	"http://pki.example.test/inter.crt" "ca-issuers param"
expect 0 "the advice works" tc aia.pem $A --host aia.example.com --intermediates "$F/good/inter.pem"

expect 1 "host only in the CN" tc "$B/cn-only/fullchain.pem" --anchors "$B/cn-only/anchor.pem" \
	--host bad.example
line 2 "because names.dns.mismatch (certificate 0, CN=bad.example): bad.example is only in the subject CN," \
	"CN-only headline"
flat "which is ignored (RFC 6125 section 6.4.4): reissue the certificate with a SAN DNS:bad.example" \
	"CN-only advice"
# Each rejection names its certificate on line 2: algorithm, key size,
# basic constraints and path length among them.
while read -r kind headline; do
	expect 1 "bad $kind" tc "$B/$kind/fullchain.pem" --anchors "$B/$kind/anchor.pem" --host bad.example
	line 2 "because $headline" "$kind headline"
	width "$kind report"
done <<'CASES'
sha1-leaf rfc5280.signature.weak-digest (certificate 0, CN=bad.example): signed with SHA1
sha1-intermediate rfc5280.signature.weak-digest (certificate 1, CN=certgen bad intermediate)
rsa-1024 rfc5280.key.rsa-too-small (certificate 0, CN=bad.example)
non-critical-basic-constraints rfc5280.basic-constraints.not-critical (certificate 1, CN=certgen bad intermediate)
pathlen-violation rfc5280.basic-constraints.path-length (certificate 1, CN=certgen bad sub-intermediate)
expired rfc5280.validity.expired (certificate 0, CN=bad.example)
wrong-host names.dns.mismatch (certificate 0, CN=
CASES

# 6. One format across text, JSON and certgen.
expect 0 "RSA chain, text" tc "$F/rsa/chain.pem" --anchors "$F/rsa/root.pem" --host rsa.example.com
has out.txt "RSA 2048   sha256WithRSAEncryption" "text names the RSA signature by its long name"
width "RSA report"
expect 0 "RSA chain, JSON" tc "$F/rsa/chain.pem" --anchors "$F/rsa/root.pem" --host rsa.example.com \
	--format json
same "$(json 'r["paths"][0]["certificates"][0]["signature_algorithm"]')" \
	"$(openssl x509 -in "$F/rsa/chain.pem" -noout -text | sed -n 's/^ *Signature Algorithm: //p' | head -n 1)" \
	"signature algorithm as openssl x509 -text names it"
expect 0 "good chain, JSON" tc "$F/good/chain.pem" $A $H --format json
same "$(json 'r["paths"][0]["certificates"][0]["spki_sha256_base64"]')" \
	"$("$CERTGEN" pin "$F/good/leaf.pem")" "report pin equals certgen pin"
same "$(json 'r["paths"][0]["certificates"][1]["subject"]')" \
	"CN=Fixture Intermediate,O=trustbench fixtures" "subject in RFC 2253 form"
"$CERTGEN" --format json pin "$F/good/inter.pem" >pin.json
same "$(python3 -c 'import json; print(json.load(open("pin.json"))["subject"])')" \
	"CN=Fixture Intermediate,O=trustbench fixtures" "certgen pin uses the same DN form"
expect 1 "JSON of a missing issuer" tc "$F/good/leaf.pem" $A $H --format json
same "$(json '[f["params"]["issuer"] for f in r["paths"][0]["findings"] if f["id"] == "path.no-issuer"][0]')" \
	"$(json 'r["paths"][0]["certificates"][0]["issuer"]')" "issuer DN in findings and certificates"
expect 2 "--policy tls-client with --purpose server" tc "$F/client/chain.pem" $A \
	--policy tls-client --purpose server
has err.txt "contradicts --purpose server" "contradiction refused"
expect 0 "--policy tls-client alone" tc "$F/client/chain.pem" $A --policy tls-client --format json
same "$(json 'r["policy"], r["purpose"]')" "tls-client client" "policy and purpose agree"

# 7. Long names and URLs wrap within 100 columns.
ou="An Organisational Unit With A Long Name For Wrapping Tests"
openssl req -new -key "$F/good/leaf.key" -out long.csr 2>/dev/null -subj \
	"/C=GB/O=Trustbench Long Names Limited/OU=$ou/OU=$ou 2/CN=a-long-common-name-for-wrapping.department.example.com"
cat >long.ext <<'EXT'
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:a-long-common-name-for-wrapping.department.example.com
authorityInfoAccess = caIssuers;URI:http://a-rather-long-host-name.pki.example.test/issuing/certificates/intermediate-2026.crt
EXT
openssl x509 -req -in long.csr -CA "$F/good/inter.pem" -CAkey "$F/good/inter.key" \
	-CAcreateserial -days 30 -sha256 -extfile long.ext -out long.pem 2>/dev/null
expect 1 "long names, missing intermediate" tc long.pem $A --host x.example.com --explain
width "long names"
if tr -d '\n ' <out.txt | grep -qF "pki.example.test/issuing/certificates/intermediate-2026.crt"; then ok
else bad "long URL not shown whole"; fi
expect 1 "long names, wrong host" tc long.pem $A --host x.example.com --intermediates \
	"$F/good/inter.pem" --explain
width "long names, wrong host"

tb_done trustcheck-advice
