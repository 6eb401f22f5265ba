#!/bin/sh
# trustcheck reads chains as users have them: "-" for standard input (PEM or
# DER), PKCS#7 bundles (PEM and DER), PKCS#12 files (with --password or
# --password-file, certificates only), and directories that also hold keys
# and empty files.  Containers are made here with the openssl CLI.
# Needs TRUSTCHECK, CERTGEN and TRUST_FIXTURES (make cli).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trustcheck_env.sh"
# leaf_subject: subject of certificate 0 of the chosen path in out.txt (JSON).
leaf_subject() {
	python3 -c 'import json,sys; r=json.load(open("out.txt")); print(r["paths"][r["chosen_path"]]["certificates"][0]["subject"])'
}
# one_error TEXT DESC: exactly one stderr line, naming TEXT.
one_error() {
	if [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$1" err.txt; then ok; else
		bad "$2: stderr is not one line naming '$1'"
	fi
}

# Standard input
expect 0 "PEM chain on stdin" sh -c "cat '$F/good/chain.pem' | $WRAP '$TRUSTCHECK' - $A $H --format json"
has out.txt '"source": "stdin"' "stdin certificates are labelled stdin"
openssl x509 -in "$F/good/leaf.pem" -outform DER -out leaf.der
expect 0 "DER leaf on stdin" sh -c "$WRAP '$TRUSTCHECK' - $A $H --intermediates '$F/good/inter.pem' <leaf.der"
expect 2 "empty stdin" sh -c "$WRAP '$TRUSTCHECK' - $A $H </dev/null"
one_error "stdin: empty input" "empty stdin"
expect 2 "garbage on stdin" sh -c "printf 'not a certificate' | $WRAP '$TRUSTCHECK' - $A $H"
one_error "stdin: " "garbage on stdin"

# PKCS#7 (certs-only SignedData), PEM and DER
openssl crl2pkcs7 -nocrl -certfile "$F/good/chain.pem" -out chain.p7b
openssl crl2pkcs7 -nocrl -certfile "$F/good/chain.pem" -outform DER -out chain-der.p7b
expect 0 "PKCS#7 PEM" tc chain.p7b $A $H --format json
[ "$(leaf_subject)" = "CN=good.example.com" ] && ok || bad "PKCS#7 PEM: leaf is '$(leaf_subject)'"
expect 0 "PKCS#7 DER" tc chain-der.p7b $A $H
expect 0 "PKCS#7 as --intermediates" tc "$F/good/leaf.pem" $A $H --intermediates chain-der.p7b
openssl crl2pkcs7 -nocrl -out empty.p7b
expect 2 "PKCS#7 without certificates" tc empty.p7b $A $H
one_error "empty.p7b: .*no certificates" "PKCS#7 without certificates"

# PKCS#12: key + leaf + intermediate under a password; certificates only without one
openssl pkcs12 -export -in "$F/good/leaf.pem" -inkey "$F/good/leaf.key" \
	-certfile "$F/good/inter.pem" -passout pass:s3cret -out server.p12
expect 0 "PKCS#12 with --password" tc server.p12 $A $H --password s3cret --format json
[ "$(leaf_subject)" = "CN=good.example.com" ] && ok || bad "PKCS#12: leaf is '$(leaf_subject)'"
printf 's3cret\n' >pw.txt
expect 0 "PKCS#12 with --password-file" tc server.p12 $A $H --password-file pw.txt
expect 0 "PKCS#12 on stdin" sh -c "$WRAP '$TRUSTCHECK' - $A $H --password s3cret <server.p12"
cp server.p12 server.pfx
expect 0 "PKCS#12 as .pfx" tc server.pfx $A $H --password=s3cret
expect 2 "PKCS#12 with a wrong password" tc server.p12 $A $H --password wrong
one_error "server.p12: wrong PKCS#12 password" "wrong password"
expect 2 "PKCS#12 without its password" tc server.p12 $A $H
one_error "server.p12: .*--password" "missing password"
expect 2 "password file that does not exist" tc server.p12 $A $H --password-file nope.txt
one_error "nope.txt" "missing password file"
expect 2 "--password and --password-file" tc server.p12 $A $H --password a --password-file pw.txt
one_error "not both" "two password options"
# No key, no password, intermediate first: the leaf is still found and put first.
cat "$F/good/inter.pem" "$F/good/leaf.pem" >inter-first.pem
openssl pkcs12 -export -nokeys -in inter-first.pem -passout pass: -out certs.p12
expect 0 "PKCS#12 without a key or password" tc certs.p12 $A $H --format json
[ "$(leaf_subject)" = "CN=good.example.com" ] && ok || bad "certs-only PKCS#12: leaf is '$(leaf_subject)'"

# Directories: keys and empty files are skipped with a note; one slash in paths
mkdir roots
cp "$F/good/root.pem" roots/root.pem
cp "$F/good/root.key" roots/root-key.pem
: >roots/empty.crt
expect 0 "anchors directory with a key and an empty file" tc "$F/good/chain.pem" --anchors roots/ $H
has err.txt "note: roots/root-key.pem: skipped, a private key" "key skipped with a note"
has err.txt "note: roots/empty.crt: skipped, an empty file" "empty file skipped with a note"
if grep -q '//' err.txt; then bad "doubled slash in '$(cat err.txt)'"; else ok; fi
expect 0 "--quiet keeps notes off stderr" tc "$F/good/chain.pem" --anchors roots/ $H -q
[ -s err.txt ] && bad "--quiet printed notes" || ok
mkdir pool
cp "$F/good/inter.pem" pool/inter.pem
expect 0 "intermediates directory given with a slash" tc "$F/good/leaf.pem" $A $H \
	--intermediates pool/ --format json
has out.txt '"source": "pool/inter.pem"' "pool file named with one slash"
printf 'garbage' >roots/broken.pem
expect 2 "a broken certificate file is still an error" tc "$F/good/chain.pem" --anchors roots $H
one_error "roots/broken.pem" "broken file in a directory"

tb_done trustcheck-input
