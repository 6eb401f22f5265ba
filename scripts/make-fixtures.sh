#!/bin/sh
# Makes the test certificates under DIR.  The hierarchies are declared in
# fixtures/*.json (format: docs/fixtures.md) and built by `certgen apply`;
# dates are relative to now, so the fixtures never go stale; nothing here is
# committed.
#
#   fixtures/engine.json
#     good/      root.pem root.key inter.pem inter.key leaf.pem leaf.key chain.pem (leaf+inter)
#                fullchain.pem (leaf+inter+root); leaf names: DNS good.example.com,
#                DNS *.wild.example.com, IP 127.0.0.1, IP ::1; EKU serverAuth
#     client/    leaf.pem chain.pem: clientAuth leaf under good/inter
#     expired/   chain.pem: expired leaf under good/inter (expired 2021)
#     wronghost/ chain.pem: leaf for other.example.net under good/inter
#     revoked/   chain.pem crl.pem: leaf revoked (keyCompromise) by good/inter's CRL
#     rollover/  old.pem new.pem (two intermediates named "Rollover CA" with different keys,
#                both under good/root) decoy.pem (a third "Rollover CA" whose SKI copies
#                new.pem's) leaf.pem (signed by new) pool.pem (decoy+old+new)
#     loop/      a-by-b.pem b-by-a.pem (two CAs cross-signed in a cycle) b-by-root.pem
#                leaf.pem (under A) cycle.pem (a-by-b+b-by-a) pool.pem (cycle + b-by-root)
#   fixtures/untrusted.json
#     untrusted/ root.pem chain.pem: leaf + intermediate under a root nobody trusts
#   fixtures/cross.json
#     cross/     new-root.pem old-root.pem (expired) cross.pem (new root's key signed by the
#                old root, expired) inter.pem leaf.pem chain.pem (leaf+inter+cross)
#   fixtures/rsa.json
#     rsa/       root.pem chain.pem: RSA-2048 hierarchy, host rsa.example.com
#   garbage/     garbage.bin empty.pem truncated.der badbase64.pem (made here)
#   certgen/     made by certgen commands: pki/ (ca.pem, issuing/ intermediate, localhost/
#                leaf with DNS localhost, IP 127.0.0.1 and ::1, alice/ client) and
#                bad/KIND/ for every `certgen bad` kind (fullchain.pem, anchor.pem, case.json)
#
# Usage: scripts/make-fixtures.sh DIR CERTGEN
set -eu
out=${1:?usage: make-fixtures.sh DIR CERTGEN}
cg=${2:?usage: make-fixtures.sh DIR CERTGEN}
top=$(pwd)
case "$cg" in /*) ;; *) cg="$top/$cg" ;; esac
mkdir -p "$out"
for f in engine untrusted cross rsa; do
	"$cg" -q --force apply "$top/fixtures/$f.json" --out "$out"
done
cd "$out"
umask 077

# garbage
mkdir -p garbage
head -c 4096 /dev/urandom > garbage/garbage.bin
: > garbage/empty.pem
openssl x509 -in good/leaf.pem -outform DER -out garbage/full.der
head -c 200 garbage/full.der > garbage/truncated.der
rm garbage/full.der
sed '3s/^..../!!!!/' good/leaf.pem > garbage/badbase64.pem

rm -rf certgen
"$cg" -q --dir certgen/pki ca
"$cg" -q --dir certgen/pki intermediate issuing
"$cg" -q --dir certgen/pki leaf localhost 127.0.0.1 ::1 --issuer issuing
"$cg" -q --dir certgen/pki client alice --email alice@example.com
"$cg" -q bad --all certgen/bad

chmod -R u+rwX,go+rX .
