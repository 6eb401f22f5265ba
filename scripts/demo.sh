#!/bin/sh
# make demo: certgen makes a CA and a leaf in a temporary directory, trustcheck
# accepts the leaf; then one broken case from `certgen bad`, rejected with its reason.
set -eu
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cg=$build/certgen
tc=$build/trustcheck

echo "\$ certgen --dir pki ca && certgen --dir pki leaf localhost 127.0.0.1 ::1"
"$cg" --dir "$tmp/pki" -q ca
"$cg" --dir "$tmp/pki" leaf localhost 127.0.0.1 ::1
echo
echo "\$ trustcheck --anchors pki/ca.pem --host localhost pki/localhost/fullchain.pem"
"$tc" --anchors "$tmp/pki/ca.pem" --host localhost "$tmp/pki/localhost/fullchain.pem"
echo
echo "\$ certgen bad expired && trustcheck --anchors bad/expired/anchor.pem --host bad.example bad/expired/fullchain.pem"
"$cg" -q bad expired --out "$tmp/bad"
if "$tc" --anchors "$tmp/bad/expired/anchor.pem" --host bad.example "$tmp/bad/expired/fullchain.pem"; then
	echo "demo: the expired chain was accepted" >&2
	exit 1
fi
echo "(rejected, as bad/expired/case.json expects: rule rfc5280.validity.expired)"
