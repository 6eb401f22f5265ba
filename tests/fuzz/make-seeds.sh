#!/bin/sh
# Seed corpora for the fuzz harnesses, made from the generated fixtures and
# hostile inputs (so nothing with a date is committed):
#   OUT/load_build/  every fixture certificate, chain, CRL and key file as PEM,
#                    the chains and CRL also as DER, the small hostile inputs and
#                    the edge-case variants (variant_gen.c)
#   OUT/cert_parse/  the same files as load_build
#   OUT/names/       tests/fuzz/names_seeds.txt, one "PATTERN\nHOST" file a line
#   OUT/nc_match/    the same lines plus nc_seeds.txt, as "NAME\nCONSTRAINT"
#
# Usage: tests/fuzz/make-seeds.sh FIXTURES HOSTILE OUT
set -eu
fx=${1:?usage: make-seeds.sh FIXTURES HOSTILE OUT}
hostile=${2:?hostile directory}
out=${3:?output directory}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/load_build" "$out/names" "$out/nc_match"
lb=$out/load_build

for f in "$fx"/*/*.pem "$fx"/*/*.der "$fx"/*/*.bin; do
	[ -f "$f" ] || continue
	case $f in *.key) continue ;; esac
	cp "$f" "$lb/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp "$fx/good/leaf.key" "$lb/good-leaf.key"

# DER forms: every certificate of a PEM file, back to back, as load_der reads them.
for f in "$fx"/*/chain.pem "$fx"/good/root.pem "$fx"/loop/pool.pem; do
	name=$(basename "$(dirname "$f")")-$(basename "$f" .pem).der
	: > "$lb/$name"
	awk -v dir="$lb" '/-----BEGIN/{n++; f=dir "/.split" n} {print > f}' "$f"
	for part in "$lb"/.split*; do
		openssl x509 -in "$part" -outform DER >> "$lb/$name"
	done
	rm -f "$lb"/.split*
done
openssl crl -in "$fx/revoked/crl.pem" -outform DER -out "$lb/revoked-crl.der"

for f in garbage.bin empty.pem truncated.der truncated.pem badbase64.pem notcert.pem \
	deep50/chain.pem deep50/pool.pem cycle/chain.pem mesh/pool.pem; do
	cp "$hostile/$f" "$lb/hostile-$(echo "$f" | tr / -)"
done
for f in "$hostile"/variants/*.pem; do
	cp "$f" "$lb/variant-$(basename "$f")"
done

cp -R "$lb" "$out/cert_parse"

# split LIST PREFIX: each "A B" line of LIST becomes PREFIX-N holding "A\nB".
split() {
	grep -v '^#' "$1" | awk -v p="$2" '{ f = p "-" NR; printf "%s\n%s", $1, $2 > f; close(f) }'
}
split "$here/names_seeds.txt" "$out/names/seed"
split "$here/names_seeds.txt" "$out/nc_match/names"
split "$here/nc_seeds.txt" "$out/nc_match/nc"
