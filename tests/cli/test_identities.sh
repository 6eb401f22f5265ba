#!/bin/sh
# trustcheck --connect --identities against openssl s_server -Verify 1 -CAfile:
# with client identities under three CAs it names the one the server's CA list
# accepts (also when that CA issued the identity's intermediate, not its
# leaf), and none, with every identity's reason, when no CA fits; with an RSA
# and an EC identity under one CA, the server's signature algorithms
# (-client_sigalgs) decide, and are shown, with ECDSA schemes read as the
# negotiated version defines them (TLS 1.2: any curve; TLS 1.3: the named one).
# Loopback only; the port is chosen at run time.  Needs TRUSTCHECK and CERTGEN.
set -u
tmp=$(mktemp -d)
server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; server_pid=""; }
trap 'stop_server; rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
tb_show_out="$tmp/out.txt"
tb_show_err="$tmp/err.txt"

for ca in A B C D E; do CERTGEN_DIR="$tmp/$ca" "$CERTGEN" --quiet ca --name "Root $ca" >/dev/null 2>&1 || bad "ca $ca"; done
CERTGEN_DIR="$tmp/A" "$CERTGEN" --quiet intermediate issA >/dev/null 2>&1 || bad "intermediate"
CERTGEN_DIR="$tmp/A" "$CERTGEN" --quiet client alice --issuer issA >/dev/null 2>&1 || bad "alice"
CERTGEN_DIR="$tmp/B" "$CERTGEN" --quiet client bob >/dev/null 2>&1 || bad "bob"
CERTGEN_DIR="$tmp/C" "$CERTGEN" --quiet client carol >/dev/null 2>&1 || bad "carol"
CERTGEN_DIR="$tmp/A" "$CERTGEN" --quiet leaf localhost >/dev/null 2>&1 || bad "server leaf"
mkdir ids && cp -r A/alice B/bob C/carol ids/
# Under E: an RSA and an EC identity; the RSA one lasts longer, so it wins any tie.
CERTGEN_DIR="$tmp/E" "$CERTGEN" --quiet client erin-rsa --key rsa2048 --days 300 >/dev/null 2>&1 ||
	bad "erin-rsa"
CERTGEN_DIR="$tmp/E" "$CERTGEN" --quiet client erin-ec >/dev/null 2>&1 || bad "erin-ec"
mkdir ids2 && cp -r E/erin-rsa E/erin-ec ids2/
CERTGEN_DIR="$tmp/E" "$CERTGEN" --quiet client erin-p384 --key ec384 >/dev/null 2>&1 || bad "erin-p384"
mkdir ids3 && cp -r E/erin-p384 ids3/

# start_server CAFILE ADDR [ARGS...]: s_server on a free port (retrying taken ones), $port set.
# -quiet prints no ACCEPT line, so readiness is the port taking a connection (that probe is
# why there is no -naccept: it would count as the one connection).
start_server() {
	cafile=$1 addr=$2
	shift 2
	for _ in 1 2 3 4 5 6 7 8; do
		port=$(free_port)
		openssl s_server -quiet -Verify 1 -CAfile "$cafile" -accept "$addr:$port" \
			-cert A/localhost/cert.pem -key A/localhost/key.pem "$@" >server.log 2>&1 &
		server_pid=$!
		if wait_port "$port" "$(echo "$addr" | tr -d '[]')" "$server_pid" &&
			kill -0 "$server_pid" 2>/dev/null; then return 0; fi
		stop_server
	done
	bad "s_server did not start"
}

start_server B/ca.pem 127.0.0.1
expect 0 "B's CA named: bob chosen" "$TRUSTCHECK" --connect "127.0.0.1:$port" --identities ids
has out.txt "from 1 CA" "the CA list is shown"
has out.txt "chosen: bob" "bob chosen"
has out.txt "alice: identity.ca-not-accepted" "alice's reason"
has out.txt "carol: identity.ca-not-accepted" "carol's reason"
stop_server

start_server A/ca.pem 127.0.0.1
expect 0 "A's root names alice's intermediate's issuer" "$TRUSTCHECK" --connect "127.0.0.1:$port" \
	--identities ids
has out.txt "chosen: alice" "alice chosen through her intermediate"
stop_server

start_server D/ca.pem "[::1]"
expect 1 "no identity under D" "$TRUSTCHECK" --connect "[::1]:$port" --identities ids
has out.txt "chosen: none of 3 identities fits" "none chosen"
has out.txt "bob: identity.ca-not-accepted" "bob's reason"
stop_server

# The server's signature algorithms: ECDSA P-256 only rules the RSA identity out.
start_server E/ca.pem 127.0.0.1 -client_sigalgs ECDSA+SHA256
expect 0 "ECDSA+SHA256 only: the EC identity" "$TRUSTCHECK" --connect "127.0.0.1:$port" \
	--identities ids2
has out.txt "accepts client signatures: ecdsa_secp256r1_sha256$" "the server's sigalgs are shown"
has out.txt "chosen: erin-ec" "erin-ec chosen"
has out.txt "erin-rsa: identity.sigalg: its RSA key cannot make" "erin-rsa's reason"
stop_server
# With RSA-PSS allowed too, the longer-lived RSA identity wins again.
start_server E/ca.pem 127.0.0.1 -client_sigalgs ECDSA+SHA256:RSA-PSS+SHA256
expect 0 "ECDSA and RSA-PSS: the RSA identity" "$TRUSTCHECK" --connect "127.0.0.1:$port" \
	--identities ids2
has out.txt "signatures: ecdsa_secp256r1_sha256 rsa_pss_rsae_sha256$" "both sigalgs shown"
has out.txt "chosen: erin-rsa" "erin-rsa chosen"
stop_server
# ECDSA P-384 only: neither key can sign; each says so.
start_server E/ca.pem "[::1]" -client_sigalgs ECDSA+SHA384
expect 1 "ECDSA P-384 only: none" "$TRUSTCHECK" --connect "[::1]:$port" --identities ids2
has out.txt "chosen: none of 2 identities fits" "none chosen"
has out.txt "erin-ec: identity.sigalg: its EC key cannot make" "erin-ec's reason"
stop_server
# ecdsa_secp256r1_sha256 means "ECDSA with SHA-256" in TLS 1.2, any curve: the P-384
# identity fits and the server takes its signature; TLS 1.3 ties it to P-256.
start_server E/ca.pem 127.0.0.1 -tls1_2 -client_sigalgs ECDSA+SHA256
expect 0 "TLS 1.2, ECDSA+SHA256: the P-384 identity" "$TRUSTCHECK" --connect "127.0.0.1:$port" \
	--identities ids3
has out.txt "chosen: erin-p384" "erin-p384 chosen under TLS 1.2"
stop_server
start_server E/ca.pem 127.0.0.1 -tls1_3 -client_sigalgs ECDSA+SHA256
expect 1 "TLS 1.3, ECDSA+SHA256: no P-384" "$TRUSTCHECK" --connect "127.0.0.1:$port" \
	--identities ids3
has out.txt "chosen: none of 1 identities fits" "none chosen under TLS 1.3"
has out.txt "erin-p384: identity.sigalg: its EC key cannot make" "erin-p384's reason under TLS 1.3"
stop_server

expect 2 "--identities without --connect" "$TRUSTCHECK" --identities ids
expect 2 "an identities folder without a key" sh -c 'mkdir -p bad/x && cp ids/bob/cert.pem bad/x/ &&
	"$0" --connect 127.0.0.1:1 --identities bad' "$TRUSTCHECK"
has err.txt "bad/x" "the broken folder named"

tb_done identities-cli
