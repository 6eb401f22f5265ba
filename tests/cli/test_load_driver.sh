#!/bin/sh
# The mTLS load driver (tests/load/mtls_load.c) judges what it drives: a short
# clean run passes, and it fails when a swap never reaches the server or when a
# client gets the wrong verdict.  `make load` trusts these checks.
# Needs CERTGEN and BUILD (the example server and the driver built there).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"
build=${BUILD:-build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
load="$build/load/mtls-load"
server="$build/examples/mtls-server"
cd "$tmp" || exit 1
tb_show_out="$tmp/out.txt"
tb_show_err="$tmp/err.txt"

sh "$top/tests/load/make_pki.sh" pki "$CERTGEN" || { bad "make_pki.sh"; tb_done load-driver; exit 1; }

expect 0 "short load with two swaps" "$load" --server "$server" --pki pki \
	--handshakes 120 --warmup 40 --swaps 2 --no-rss-limit
has out.txt "wrong verdicts: 0" "no wrong verdict"
has out.txt "store swaps: 2 of 2 observed" "both swaps seen by a revoked-client probe"
has pki/server.log "reloaded" "the server logged its reloads"
has pki/server.log "rejected: revocation.revoked" "a revoked client was refused"

# --openssl-verify loads its CRL once and ignores SIGHUP: the swap must fail.
expect 1 "a server that does not reload" "$load" --server "$server" --pki pki \
	--handshakes 60 --warmup 20 --swaps 1 --swap-timeout 1 --no-rss-limit -- --openssl-verify
has err.txt "did not take the new CRL" "the unseen swap is named"

# The "good" identity replaced by one from another CA: refused, so a wrong verdict.
cp pki/stranger.pem pki/good.pem
cp pki/stranger.key pki/good.key
expect 1 "a good client that is refused" "$load" --server "$server" --pki pki \
	--handshakes 60 --warmup 20 --swaps 0 --no-rss-limit
has err.txt "WRONG VERDICT for good" "the wrong verdict is reported"
has out.txt "wrong verdicts: [1-9]" "and counted"

tb_done load-driver
