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
tb_done certgen-ux
