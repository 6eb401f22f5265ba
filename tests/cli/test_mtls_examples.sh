#!/bin/sh
# examples/mtls-server and examples/mtls-client on loopback (127.0.0.1 and ::1),
# ports chosen by the kernel at run time, every server started and stopped here.
# The server accepts a good certgen client (curl and openssl s_client) and
# refuses one from another CA, an expired one, a serverAuth-only one, a revoked
# one and one outside the policy's client pins, logging the libtrust rule id of
# each; SIGHUP picks up a replaced CRL and CA file without a restart and keeps
# the old store when the new files are broken.  The client, holding identities
# under three CAs, picks the one openssl s_server -Verify 1 -CAfile names (also
# through an intermediate) and none, with reasons, when none fits.
# Needs CERTGEN and BUILD (for build/examples).
set -u
tmp=$(mktemp -d)
pids=""
stop_all() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pids=""; }
trap 'stop_all; rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"
EX="${BUILD:-build}/examples"
case "$EX" in /*) ;; *) EX="$top/$EX" ;; esac
cd "$tmp" || exit 1
tb_show_out="$tmp/out.txt"
tb_show_err="$tmp/err.txt"

cg() { dir=$1; shift; CERTGEN_DIR="$tmp/$dir" "$CERTGEN" --quiet "$@" >/dev/null 2>&1 || bad "certgen $dir $*"; }
cg A ca --name "Root A"
cg A intermediate issA
cg A leaf localhost 127.0.0.1 ::1
cg A client alice --email alice@example.com
cg A client rev
cg A client mallory
cg A client old --not-before 2020-01-01 --not-after 2021-01-01 --force
cg A leaf web.test
cg A crl
cg B ca --name "Root B"
cg B client bob
cg C ca --name "Root C"
cg C client carol
cg D ca --name "Root D"
cg A client dave --issuer issA
cp A/ca.pem cas.pem
cp A/crl.pem crl.pem

# Only these client keys (all but mallory's) pass the deployment's pin rule.
pins=""
for c in A/alice A/rev A/old A/web.test B/bob; do
	pins="$pins${pins:+, }\"$("$CERTGEN" pin "$c/cert.pem")\""
done
cat >pins.json <<JSON
{ "name": "pins", "rules": [ { "id": "site.client.pinned", "kind": "client-pins",
  "params": { "spki_sha256": [$pins] } } ] }
JSON

# start ADDR LOG ARGS...: mtls-server (under $wrap) on a kernel-chosen port of ADDR;
# $port, $spid set.
start() {
	addr=$1 log=$2
	shift 2
	rm -f port.txt # before the background child recreates it: never read the last server's port
	$wrap "$EX/mtls-server" --ca cas.pem --cert A/localhost/cert.pem --key A/localhost/key.pem \
		--port 0 --bind "$addr" "$@" >port.txt 2>"$log" &
	spid=$!
	pids="$pids $spid"
	port=""
	for _ in $(seq 600); do
		port=$(head -n 1 port.txt 2>/dev/null)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	bad "mtls-server did not start on $addr: $(cat "$log")"
}

# logged LOG PATTERN WHAT [N]: LOG shows PATTERN (on N lines, default 1) within 20 s
# (workers log asynchronously, and the server sees a signal within 200 ms).
logged() {
	for _ in $(seq 200); do
		[ "$(grep -c -- "$2" "$1")" -ge "${4:-1}" ] && { ok; return 0; }
		sleep 0.1
	done
	bad "$3: '$2' not on ${4:-1} line(s) of $1: $(tail -n 3 "$1")"
}

# ask URLHOST NAME: curl with NAME's certificate and key (out.txt, err.txt).
ask() { curl -sS --max-time 60 --cacert A/ca.pem --cert "$2/cert.pem" --key "$2/key.pem" \
	"https://$1:$port/" >out.txt 2>err.txt; }

# refused URLHOST NAME RULE LOG: the handshake fails and the server logs RULE for it.
refused() {
	if ask "$1" "$2"; then bad "$2 was accepted"; else ok; fi
	logged "$4" "rejected: $3" "$2 refused by $3"
}

M="--policy $top/policies/mtls.json --policy pins.json"
for where in 127.0.0.1 ::1; do
	case $where in *:*) url="[$where]" ;; *) url=$where ;; esac
	log="server-$where.log"
	# The ::1 server runs under valgrind (when there is one and the build is not
	# sanitized, whose own leak check covers that pass): its exit status after
	# SIGTERM then also says no leak and no memory error.
	wrap=""
	if [ "$where" = ::1 ] && command -v valgrind >/dev/null &&
		! ldd "$EX/mtls-server" | grep -q 'lib[at]san'; then
		wrap="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
	fi
	start "$where" "$log" $M --crl crl.pem
	expect 0 "$where: good client through curl" ask "$url" A/alice
	has out.txt "^subject: CN=alice" "identity in the body"
	has out.txt "^san: email:alice@example.com" "SAN in the body"
	has out.txt "^  1 CN=Root A" "chain in the body"
	logged "$log" "accepted CN=alice" "$where: acceptance logged"
	printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -quiet -connect "$url:$port" \
		-CAfile A/ca.pem -cert A/alice/cert.pem -key A/alice/key.pem >out.txt 2>err.txt
	has out.txt "HTTP/1.1 200 OK" "$where: good client through s_client"
	has out.txt "^subject: CN=alice" "s_client sees the identity"
	refused "$url" B/bob "path\." "$log"
	refused "$url" A/old "rfc5280.validity.expired" "$log"
	refused "$url" A/web.test "rfc5280.eku.missing-purpose" "$log"
	refused "$url" A/mallory "site.client.pinned" "$log"
	if [ "$where" = 127.0.0.1 ]; then
		# Live reload: rev passes, is revoked, and the next handshake refuses it.
		expect 0 "rev accepted before its revocation" ask "$url" A/rev
		cg A revoke rev
		cg A crl
		cp A/crl.pem crl.new && mv crl.new crl.pem
		kill -HUP "$spid"
		logged "$log" "reloaded cas.pem and 1 CRL" "reload logged"
		refused "$url" A/rev "revocation.revoked" "$log"
		# A broken CRL file: the reload fails, says why, and the old store stays.
		cp crl.pem crl.good
		echo "not a CRL" >crl.pem
		kill -HUP "$spid"
		logged "$log" "reload failed, keeping the current store: crl.pem" "failed reload logged"
		expect 0 "alice still accepted after a failed reload" ask "$url" A/alice
		if ask "$url" A/rev; then bad "rev accepted after a failed reload"; else ok; fi
		# A newly trusted CA: B's root appended to the CA file.
		mv crl.good crl.pem
		cat A/ca.pem B/ca.pem >cas.new && mv cas.new cas.pem
		kill -HUP "$spid"
		logged "$log" "reloaded cas.pem" "CA reload logged" 2
		expect 0 "bob accepted once B's root is in the CA file" ask "$url" B/bob
	else
		refused "$url" A/rev "revocation.revoked" "$log"
	fi
	kill "$spid"
	wait "$spid"
	got=$?
	[ "$got" = 0 ] && ok || bad "$where: server exit $got on SIGTERM ${wrap:+(valgrind)}: $(tail -n 5 "$log")"
	logged "$log" "mtls-server: stopped" "$where: clean stop"
	cp A/ca.pem cas.pem
done

# The OpenSSL-only baseline (for benchmarks) judges the same files by itself.
wrap=""
start 127.0.0.1 openssl.log --crl crl.pem --openssl-verify
expect 0 "baseline: good client" ask 127.0.0.1 A/alice
has out.txt "^subject: CN=alice" "baseline: identity in the body"
if ask 127.0.0.1 A/rev; then bad "baseline: revoked client accepted"; else ok; fi
logged openssl.log "handshake failed: certificate revoked" "baseline: OpenSSL's reason logged"
if ask 127.0.0.1 B/bob; then bad "baseline: foreign client accepted"; else ok; fi
kill "$spid"
wait "$spid" && ok || bad "baseline server exit status"

expect 2 "server without --ca" "$EX/mtls-server" --cert A/localhost/cert.pem \
	--key A/localhost/key.pem --port 0
has err.txt "usage" "usage shown"
echo "garbage" >bad.pem
expect 2 "server with a broken CA file" "$EX/mtls-server" --ca bad.pem \
	--cert A/localhost/cert.pem --key A/localhost/key.pem --port 0
has err.txt "bad.pem" "the broken file is named"

# The example client against openssl s_server -Verify 1 -CAfile X.
mkdir ids && cp -r A/dave B/bob C/carol ids/
# s_server CAFILE ADDR: one connection, on a kernel-chosen port ($port).
s_server() {
	rm -f s_server.log # as in start(): the child truncates it only some time after the fork
	openssl s_server -www -Verify 1 -CAfile "$1" -accept "$2:0" -naccept 1 \
		-cert A/localhost/cert.pem -key A/localhost/key.pem >s_server.log 2>&1 &
	pids="$pids $!"
	port=""
	for _ in $(seq 50); do
		port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' s_server.log 2>/dev/null)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	bad "s_server did not start"
}
# pick CAFILE ADDR RC WHAT [CA]: mtls-client against s_server -CAfile CAFILE on ADDR.
pick() {
	s_server "$1" "$2"
	expect "$3" "client: $4" "$EX/mtls-client" --identities ids --connect "$2:$port" \
		--ca "${5:-A/ca.pem}"
}
pick B/ca.pem 127.0.0.1 0 "B's CA named, bob chosen"
has out.txt "^chose bob (CN=bob" "bob chosen with his subject"
has out.txt "not carol (CN=carol.*identity.ca-not-accepted" "carol's reason"
has out.txt "server answered:" "s_server's answer printed"
pick A/ca.pem "[::1]" 0 "A's root is dave's intermediate's issuer"
has out.txt "^chose dave (CN=dave" "dave chosen through issA"
pick D/ca.pem 127.0.0.1 1 "nothing under D"
has out.txt "^chose none" "none chosen"
has out.txt "not bob (CN=bob.*identity.ca-not-accepted" "bob's reason"
has out.txt "not dave (CN=dave.*identity.ca-not-accepted" "dave's reason"
pick A/ca.pem 127.0.0.1 1 "a server its --ca does not vouch for" B/ca.pem
has out.txt "handshake failed: .*certificate verify failed" "the refused server certificate said"
if grep -q "^chose" out.txt; then bad "a choice reported before the server asked"; else ok; fi
stop_all
expect 2 "client with nothing listening" "$EX/mtls-client" --identities ids \
	--connect "127.0.0.1:$port" --ca A/ca.pem
has err.txt "cannot connect" "the failed connection said"
expect 2 "client without --connect" "$EX/mtls-client" --identities ids
expect 2 "client with a folder lacking its key" sh -c \
	'mkdir -p bad/x && cp ids/bob/cert.pem bad/x/ && "$0" --identities bad --connect 127.0.0.1:1' \
	"$EX/mtls-client"
has err.txt "bad/x" "the broken folder named"

tb_done mtls-examples
