#!/bin/sh
# make demo: a trusted chain, then a broken one, each explained by trustcheck.
set -eu
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
sh scripts/make-fixtures.sh "$tmp/fx" >/dev/null
tc=$build/trustcheck

echo "\$ trustcheck --anchors root.pem --host good.example.com good/chain.pem"
"$tc" --anchors "$tmp/fx/good/root.pem" --host good.example.com "$tmp/fx/good/chain.pem" || true
echo
echo "\$ trustcheck --anchors root.pem --host good.example.com expired/chain.pem"
if "$tc" --anchors "$tmp/fx/good/root.pem" --host good.example.com "$tmp/fx/expired/chain.pem"; then
	echo "demo: the expired chain was accepted" >&2
	exit 1
fi
