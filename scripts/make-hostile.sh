#!/bin/sh
# Makes hostile inputs under DIR for the bad-input CLI tests and the fuzz seed
# corpus.  Nothing here is committed: the certificates carry dates, so they are
# made fresh from FIXTURES (scripts/make-fixtures.sh output) and hostile-gen.
#
#   big.pem         10 MB of PEM-looking text (over the 4 MiB input limit)
#   garbage.bin     random bytes            empty.pem     zero bytes
#   truncated.der   the good leaf's DER cut in half
#   truncated.pem   the good chain with its last END line cut off
#   badbase64.pem   the good leaf with a broken base64 body
#   notcert.pem     a PEM block that is not a certificate (a private key)
#   bundle1000.pem  1,000 self-signed CAs
#   deep50/         a 50-intermediate chain (see hostile-gen deep)
#   cycle/          A and B cross-signed in a cycle, leaf under A
#   mesh/           6 layers of 4 cross-signed CAs, no anchor reachable
#   variants/       correctly signed edge-case leaves under the fixtures' intermediate
#
# Usage: scripts/make-hostile.sh DIR FIXTURES HOSTILE_GEN VARIANT_GEN
set -eu
out=${1:?usage: make-hostile.sh DIR FIXTURES HOSTILE_GEN VARIANT_GEN}
fx=${2:?fixtures directory}
gen=${3:?hostile-gen binary}
vgen=${4:?variant-gen binary}
mkdir -p "$out/deep50" "$out/cycle" "$out/mesh" "$out/variants"

{
	echo "-----BEGIN CERTIFICATE-----"
	head -c 9900000 /dev/zero | tr '\0' 'A' | fold -w 64
	echo "-----END CERTIFICATE-----"
} > "$out/big.pem"
head -c 4096 /dev/urandom > "$out/garbage.bin"
: > "$out/empty.pem"
openssl x509 -in "$fx/good/leaf.pem" -outform DER -out "$out/full.der"
size=$(wc -c < "$out/full.der")
head -c $((size / 2)) "$out/full.der" > "$out/truncated.der"
rm -f "$out/full.der"
sed '$d' "$fx/good/chain.pem" > "$out/truncated.pem"
sed '4s/^.\{8\}/!!**!!**/' "$fx/good/leaf.pem" > "$out/badbase64.pem"
cp "$fx/good/leaf.key" "$out/notcert.pem"

"$gen" bundle 1000 "$out/bundle1000.pem"
"$gen" deep 50 "$out/deep50"
"$gen" cycle "$out/cycle"
"$gen" mesh 4 6 "$out/mesh"
"$vgen" "$fx" "$out/variants"
