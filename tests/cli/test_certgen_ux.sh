#!/bin/sh
# certgen as mkcert and step users expect it: hints that paste, exact validity,
# output paths, install into a trust store, sign a CSR, renew, apply a fixture.
# Env: CERTGEN, TRUSTCHECK (set by make cli).
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
cg() { "$CERTGEN" "$@"; }
tb_show_err=err.txt
# run_hint FILE PATTERN: runs the printed line of FILE that matches PATTERN, as printed.
run_hint() {
	line=$(grep -- "$2" "$1" | head -1 | sed 's/^ *//; s/^Next: //; s/^check: //')
	[ -n "$line" ] || { bad "no hint matching '$2' in $1"; return 1; }
	PATH="$(dirname "$CERTGEN"):$PATH" sh -c "$line" >hint.out 2>hint.err
}

# ---- every command listed by --help has its own --help with examples
for c in $(cg --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }'); do
	expect 0 "$c --help" cg "$c" --help
	has out.txt "example" "$c --help shows examples"
done

# ---- -V, and hints carry the --dir used (with quotes where the shell needs them)
expect 0 "-V prints the version" cg -V
has out.txt "^certgen [0-9]" "-V is --version"
expect 0 "ca in a directory with a space" cg --dir "my pki" ca
has out.txt "^Next: certgen --dir 'my pki' leaf" "Next: names the --dir"
run_hint out.txt "^Next:" && ok || bad "the Next: hint runs as printed ($(cat hint.err))"
[ -f "my pki/localhost/cert.pem" ] && ok || bad "the pasted hint issued into 'my pki'"
expect 0 "revoke prints publishing commands" cg --dir "my pki" revoke localhost
run_hint out.txt " crl --issuer" && ok || bad "the crl hint runs as printed ($(cat hint.err))"
[ -f "my pki/crl.pem" ] && ok || bad "the pasted crl hint wrote my pki/crl.pem"
run_hint out.txt " ocsp localhost" && ok || bad "the ocsp hint runs as printed ($(cat hint.err))"
expect 0 "ocsp" cg --dir "my pki" ocsp localhost --status revoked
has out.txt "-issuer 'my pki/ca.pem'" "ocsp names the real issuer file"
run_hint out.txt "openssl ocsp" && ok || bad "ocsp's check runs as printed ($(cat hint.err))"
has hint.out "revoked" "the pasted openssl ocsp check says revoked"
expect 2 "a missing directory names the --dir in its hint" cg --dir nowhere list
has err.txt "certgen --dir nowhere ca" "missing-dir hint carries --dir"

# ---- cross prints only what it wrote; its help examples run in order
cg cross --help | sed -n '/^examples/,/^$/p' | grep '^  certgen' | sed 's/#.*//' >cross.sh
[ "$(wc -l <cross.sh)" -ge 3 ] && ok || bad "cross --help has its examples"
PATH="$(dirname "$CERTGEN"):$PATH" sh -e cross.sh >cross.out 2>cross.err && ok ||
	bad "cross --help examples run in order ($(cat cross.err))"
grep "^  new/ca-by-old" cross.out | grep -q "key.pem" && bad "cross mentions a key.pem it did not write" || ok
[ -e new/ca-by-old/key.pem ] && bad "cross wrote a key" || ok
openssl x509 -in new/ca-by-old/cert.pem -noout -checkend 0 >/dev/null && bad "last example: expired" || ok

# ---- --not-before/--not-after: exact to the second, RFC 3339 with offsets
expect 0 "root" cg ca
expect 0 "leaf with exact validity" cg leaf exact.example --not-before 2026-01-01T00:00:00Z \
	--not-after 2027-02-03T23:59:59+01:00 --force
openssl x509 -in pki/exact.example/cert.pem -noout -startdate -enddate >dates.txt
has dates.txt "notBefore=Jan  1 00:00:00 2026 GMT" "notBefore exact"
has dates.txt "notAfter=Feb  3 22:59:59 2027 GMT" "notAfter exact, offset applied"
expect 0 "--not-before with --days" cg leaf days.example --not-before 2026-03-01 --days 398 --force
openssl x509 -in pki/days.example/cert.pem -noout -enddate >dates.txt
has dates.txt "notAfter=Apr  3 00:00:00 2027 GMT" "notBefore + 398 days"
expect 0 "an exact span over 825 days warns" cg leaf long.example --not-before 2026-01-01T00:00:00Z \
	--not-after 2028-04-05T00:00:01Z --force
has err.txt "Apple" "826 days names Apple's limit"
expect 2 "a bad month is refused" cg leaf bad.example --not-after 2026-13-01
has err.txt "RFC 3339" "the error names the format"
expect 2 "notAfter before notBefore is refused" cg leaf bad.example --not-before 2027-01-01 \
	--not-after 2026-01-01
[ -e pki/bad.example ] && bad "a refused leaf left files" || ok
expect 0 "intermediate with exact validity" cg intermediate exact-ca --not-before 2026-01-01T00:00:00Z \
	--not-after 2030-01-01T00:00:00Z
openssl x509 -in pki/exact-ca/cert.pem -noout -enddate >dates.txt
has dates.txt "notAfter=Jan  1 00:00:00 2030 GMT" "intermediate notAfter exact"

# ---- --cert-file/--key-file
expect 0 "leaf with output paths" cg leaf files.example --cert-file out/files.pem --key-file out/files-key.pem
[ "$(stat -c %a out/files-key.pem)" = 600 ] && ok || bad "--key-file is 0600"
cmp -s out/files.pem pki/files.example/cert.pem && ok || bad "--cert-file holds the certificate"
cmp -s out/files-key.pem pki/files.example/key.pem && ok || bad "--key-file holds the key"
expect 1 "existing --cert-file is refused" cg leaf files2.example --cert-file out/files.pem
[ -e pki/files2.example/cert.pem ] && bad "refused --cert-file left state files" || ok

# ---- sign: a CSR made by openssl; only its SANs are copied
pub() { openssl x509 -in "$1" -noout -pubkey; }
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout app-key.pem \
	-subj /CN=app.test -addext subjectAltName=DNS:app.test,DNS:www.app.test,IP:10.9.8.7 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	-addext "nameConstraints=critical,permitted;DNS:evil.example" -addext extendedKeyUsage=codeSigning \
	-addext "authorityInfoAccess=caIssuers;URI:http://evil.example/ca" -out app.csr 2>/dev/null
expect 0 "sign an openssl CSR" cg sign app.csr --cert-file app.pem
has err.txt "ignoring the requested extensions" "the ignored extensions are named"
[ "$(pub app.pem)" = "$(openssl pkey -in app-key.pem -pubout)" ] && ok || bad "signed cert has the CSR's key"
openssl x509 -in app.pem -noout -text >t.txt
has t.txt "DNS:app.test, DNS:www.app.test, IP Address:10.9.8.7" "the CSR's SANs are copied"
has t.txt "CA:FALSE" "CA:TRUE from the CSR is not copied"
grep -q "Certificate Sign" t.txt && bad "keyCertSign from the CSR was copied" || ok
grep -q "Name Constraints" t.txt && bad "nameConstraints from the CSR was copied" || ok
grep -q "Code Signing" t.txt && bad "the CSR's EKU was copied" || ok
grep -q "evil.example/ca" t.txt && bad "the CSR's AIA was copied" || ok
has t.txt "TLS Web Server Authentication" "server EKU from certgen's profile"
[ -e pki/app.test/key.pem ] && bad "sign wrote a key it does not have" || ok
expect 0 "openssl verifies the signed leaf" openssl verify -purpose sslserver -CAfile pki/ca.pem app.pem
expect 0 "trustcheck accepts it" "$TRUSTCHECK" --anchors pki/ca.pem --host www.app.test pki/app.test/fullchain.pem
openssl req -in app.csr -outform DER -out app.der 2>/dev/null
python3 -c 'import sys; b=bytearray(open("app.der","rb").read()); b[-1]^=1; open("tampered.der","wb").write(b)'
expect 2 "a CSR whose signature does not verify is refused" cg sign tampered.der --name tampered.test
has err.txt "signature does not verify" "the refusal says why"
[ -e pki/tampered.test ] && bad "a refused CSR left files" || ok
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout cn-key.pem \
	-subj /CN=cnonly.test -out cn.csr 2>/dev/null
expect 0 "a CSR without SANs uses a host name CN" cg sign cn.csr --client
openssl x509 -in pki/cnonly.test/cert.pem -noout -ext subjectAltName,extendedKeyUsage >t.txt
has t.txt "DNS:cnonly.test" "CN becomes the SAN"
has t.txt "TLS Web Client Authentication" "--client profile"
openssl req -new -newkey rsa:1024 -nodes -keyout weak-key.pem -subj /CN=weak.test -out weak.csr 2>/dev/null
expect 2 "a 1024-bit RSA CSR is refused" cg sign weak.csr
has err.txt "weak" "the refusal says the key is weak"
expect 2 "not a CSR" cg sign app-key.pem
has err.txt "app-key.pem" "names the file"

# ---- renew: same key and names, new serial and dates; the old one stays in the state
expect 0 "leaf to renew" cg leaf renew.test --days 10
cp pki/renew.test/cert.pem renew-old.pem
cp pki/renew.test/key.pem renew-old-key.pem
old_serial=$(openssl x509 -in renew-old.pem -noout -serial | cut -d= -f2)
expect 0 "renew" cg renew renew.test --days 60
new_serial=$(openssl x509 -in pki/renew.test/cert.pem -noout -serial | cut -d= -f2)
[ "$old_serial" != "$new_serial" ] && ok || bad "renew gives a new serial"
[ "$(pub pki/renew.test/cert.pem)" = "$(pub renew-old.pem)" ] && ok || bad "renew keeps the key"
cmp -s pki/renew.test/key.pem renew-old-key.pem && ok || bad "key.pem is unchanged"
openssl x509 -in pki/renew.test/cert.pem -noout -subject -ext subjectAltName >a.txt
openssl x509 -in renew-old.pem -noout -subject -ext subjectAltName >b.txt
cmp -s a.txt b.txt && ok || bad "renew keeps subject and names"
openssl x509 -in pki/renew.test/cert.pem -noout -checkend $((50 * 86400)) >/dev/null && ok ||
	bad "--days 60 applied"
expect 0 "list --all" cg --format json list --all
python3 - "$old_serial" "$new_serial" <<'PY' && ok || bad "list --all shows the old certificate superseded"
import json, sys
d = json.load(open("out.txt"))
st = {c["serial"].lstrip("0"): c["status"] for c in d["certificates"] if c["name"] == "renew.test"}
old, new = (s.lstrip("0") for s in sys.argv[1:3])
assert st.get(old) == "superseded" and st.get(new) == "valid", st
PY
expect 0 "the old certificate can still be revoked by serial" cg revoke "$old_serial"
expect 0 "trustcheck accepts the renewed leaf" "$TRUSTCHECK" --anchors pki/ca.pem --host renew.test \
	pki/renew.test/fullchain.pem
expect 0 "renew a CSR-signed leaf (no key held)" cg renew app.test
[ "$(pub pki/app.test/cert.pem)" = "$(openssl pkey -in app-key.pem -pubout)" ] && ok ||
	bad "renewed CSR leaf keeps the requester's key"
expect 0 "renew an intermediate" cg renew exact-ca --days 100
openssl x509 -in pki/exact-ca/cert.pem -noout -ext basicConstraints >t.txt
has t.txt "CA:TRUE" "a renewed intermediate is still a CA"
expect 2 "renew the root is refused" cg renew ca
expect 2 "renew an unknown name" cg renew nobody.test

tb_done certgen-ux
