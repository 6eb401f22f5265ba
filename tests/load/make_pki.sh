#!/bin/sh
# The identities the mTLS load test drives the example server with, made by
# certgen: a server certificate, a good client, a client of another CA, an
# expired client, and a client that one of two CRLs revokes.
#
#   make_pki.sh DIR CERTGEN
#
# DIR gets ca.pem, server.pem/server.key, {good,stranger,expired,revoked}.pem
# and .key, crl-clean.pem (revokes nothing) and crl-revoked.pem (revokes
# "revoked").  The clients' CNs are load-good, load-stranger, ...
set -eu
[ $# -eq 2 ] || { echo "usage: make_pki.sh DIR CERTGEN" >&2; exit 2; }
out=$1
certgen=$2
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
cg() { "$certgen" --quiet --dir "$out/state" "$@" >/dev/null; }

cg ca --name "load test root"
cp "$out/state/ca.pem" "$out/ca.pem"
cg leaf localhost 127.0.0.1 ::1 --cert-file "$out/server.pem" --key-file "$out/server.key"
cg client load-good --cert-file "$out/good.pem" --key-file "$out/good.key"
cg client load-revoked --cert-file "$out/revoked.pem" --key-file "$out/revoked.key"
# Long expired: certgen refuses such a chain unless --force.
cg --force client load-expired --not-before 2020-01-01T00:00:00Z --not-after 2020-06-01T00:00:00Z \
	--cert-file "$out/expired.pem" --key-file "$out/expired.key"
cg crl
cp "$out/state/crl.pem" "$out/crl-clean.pem"
cg revoke load-revoked --reason keyCompromise
cg crl
cp "$out/state/crl.pem" "$out/crl-revoked.pem"

# A client whose CA the server does not know.
"$certgen" --quiet --dir "$out/other" ca --name "stranger root" >/dev/null
"$certgen" --quiet --dir "$out/other" client load-stranger \
	--cert-file "$out/stranger.pem" --key-file "$out/stranger.key" >/dev/null
