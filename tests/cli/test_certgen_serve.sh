#!/bin/sh
# certgen serve on loopback: the index and JSON mapping list every case; the
# chain each SNI name serves is the case's own (trustcheck reaches the case's
# rule on it); the connection-level cases behave as named when probed with
# openssl s_client and curl; --ports, IPv6 and the self-stop options work.
# Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
srv=""
srv_status=0
# stop_server: SIGTERM ends the server cleanly; its exit status lands in $srv_status.
stop_server() {
	if [ -n "$srv" ]; then
		kill "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null
		srv_status=$?
		srv=""
	fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

# start LOG ARGS...: runs certgen serve in the background, waits for its ports.
start() {
	log=$1
	shift
	"$CERTGEN" serve --out cases --duration 120 "$@" >"$log" 2>"$log.err" &
	srv=$!
	i=0
	while [ $i -lt 300 ] && ! grep -q '^serving' "$log" 2>/dev/null; do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^serving' "$log"
}

# sclient NAME ARGS...: one handshake to the SNI name NAME on $port; output in sc.txt.
sclient() {
	n=$1
	shift
	echo | timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername "$n" "$@" \
		>sc.txt 2>&1
}

# ---- the mapping, without serving
expect 0 "serve --list" "$CERTGEN" serve --out cases --list
cp out.txt list.json
nbad=$("$CERTGEN" bad --list | wc -l)
ncases=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["cases"]))' list.json)
[ "$ncases" -ge $((nbad + 7)) ] && ok || bad "--list: $ncases cases for $nbad bad kinds + 7 connection cases"
python3 - list.json >fields.txt <<'PY' || bad "--list: every case has a name, verdict and a readable root"
import json, os, sys
cases = json.load(open(sys.argv[1]))["cases"]
for c in cases:
    assert c["name"].endswith(".bad.test"), c
    assert c["expect"] in ("accept", "reject"), c
    assert c["expect"] == "accept" or c["rule"], c
    assert os.path.exists(c["anchor"]), c
    print(c["name"], c["expect"], c["policy"], c["rule"] or "-", c["anchor"])
PY
[ -s fields.txt ] && ok || bad "--list printed no cases"

# ---- one port, SNI picks the case
if start serve.log --port 0; then ok; else bad "serve did not start: $(head -c 300 serve.log.err)"; fi
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' serve.log)
ca=cases/pki/ca.pem

expect 0 "curl fetches the index over a verified connection" \
	curl -sS --max-time 20 --cacert "$ca" "https://localhost:$port/"
has out.txt "expired.bad.test" "index lists the expired case"
has out.txt "ats.tls-min-version" "index names the rule of the TLS 1.0 case"
rows=$(grep -c '<tr><td>' out.txt)
[ "$rows" = "$ncases" ] && ok || bad "index: $rows rows for $ncases cases"
expect 0 "curl fetches /cases.json" curl -sS --max-time 20 --cacert "$ca" \
	"https://localhost:$port/cases.json"
python3 -c 'import json,sys; d=json.load(open("out.txt")); assert len(d["cases"]) == int(sys.argv[1])' \
	"$ncases" && ok || bad "/cases.json lists every case"
expect 60 "curl refuses the expired case with its own root" curl -sS --max-time 20 \
	--cacert cases/bad/expired/anchor.pem --resolve "expired.bad.test:$port:127.0.0.1" \
	"https://expired.bad.test:$port/"
expect 0 "the expired case's page says what a client must do" curl -sS --max-time 20 -k \
	--resolve "expired.bad.test:$port:127.0.0.1" "https://expired.bad.test:$port/"
has out.txt "must reject this server (rfc5280.validity.expired" "case page names the rule"

# Each tls-server case: the chain served for its name is the case's chain, so
# trustcheck, given what the server sent, reaches the case's verdict and rule.
checked=0
while read -r name want policy rule anchor; do
	[ "$policy" = tls-server ] || continue
	sclient "$name" -showcerts -cipher 'DEFAULT:@SECLEVEL=0'
	sed -n '/BEGIN CERT/,/END CERT/p' sc.txt >served.pem
	if [ ! -s served.pem ]; then
		bad "$name: no certificate served"
		continue
	fi
	case "$name" in ocsp-*) continue ;; esac # OCSP is stapled, not in the chain
	crl=$(dirname "$anchor")/crl.pem
	[ -f "$crl" ] && set -- --crl "$crl" || set --
	"$TRUSTCHECK" --anchors "$anchor" --host "$name" "$@" --format json served.pem >tc.json 2>tc.err
	rc=$?
	got=$(python3 -c 'import json; print(json.load(open("tc.json"))["reason"]["id"])' 2>/dev/null)
	if [ "$want" = accept ] && [ $rc -eq 0 ]; then
		ok
	elif [ "$want" = reject ] && [ $rc -eq 1 ] && [ "$got" = "$rule" ]; then
		ok
	else
		bad "$name: trustcheck exit $rc reason '$got', the case says $want $rule"
	fi
	checked=$((checked + 1))
done <fields.txt
[ "$checked" -ge 15 ] && ok || bad "only $checked tls-server cases checked"

# TLS 1.0 / 1.1 only: no TLS 1.2 handshake; the old version with its own security level.
sclient tls10.bad.test -tls1_2
grep -q 'Cipher is (NONE)' sc.txt && ok || bad "tls10 case must refuse TLS 1.2"
sclient tls10.bad.test -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
grep -q 'Protocol  *: TLSv1$' sc.txt && ok || bad "tls10 case speaks TLS 1.0"
sclient tls11.bad.test -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
grep -q 'Protocol  *: TLSv1.1$' sc.txt && ok || bad "tls11 case speaks TLS 1.1"
expect 35 "curl (TLS 1.2 minimum) cannot connect to the TLS 1.0 case" curl -sS --max-time 20 \
	--tlsv1.2 -k --resolve "tls10.bad.test:$port:127.0.0.1" "https://tls10.bad.test:$port/"
# No forward secrecy: ECDHE is refused, plain RSA key exchange accepted.
sclient tls12-no-fs.bad.test -tls1_2 -cipher ECDHE
grep -q 'Cipher is (NONE)' sc.txt && ok || bad "no-fs case must refuse ECDHE"
sclient tls12-no-fs.bad.test -tls1_2
grep -Eq 'Cipher is AES(128|256)-' sc.txt && ok || bad "no-fs case uses RSA key exchange"
sclient tls12-no-fs.bad.test -tls1_3
grep -q 'Cipher is (NONE)' sc.txt && ok || bad "no-fs case has no TLS 1.3"
# Stapled OCSP.
sclient ocsp-revoked.bad.test -status
grep -q 'Cert Status: revoked' sc.txt && ok || bad "ocsp-revoked staples a revoked response"
sclient ocsp-good.bad.test -status
grep -q 'Cert Status: good' sc.txt && ok || bad "ocsp-good staples a good response"
sclient good.bad.test -status
grep -q 'no response sent' sc.txt && ok || bad "good staples nothing"
# Intermediates in reverse order.
sclient wrong-order.bad.test -showcerts
order=$(sed -n 's/^ [0-9] s:.*CN = //p' sc.txt | tr '\n' ' ')
[ "$order" = "wrong-order.bad.test sub1 sub2 " ] && ok || bad "wrong-order sends '$order'"
# An unknown name gets the index's certificate.
sclient nosuch.example -showcerts
grep -q 'CN = good.bad.test' sc.txt && ok || bad "unknown SNI falls back to the good case"
stop_server
[ "$srv_status" = 0 ] && ok || bad "server exit $srv_status after SIGTERM: $(tail -c 300 serve.log.err)"

# ---- one port per case, on IPv6 loopback when the machine has it
if start ports.log --ports --port 0 --max-connections 2 --bind 127.0.0.1; then ok; else
	bad "serve --ports did not start: $(head -c 300 ports.log.err)"
fi
p=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\) for expired\.bad\.test$/\1/p' ports.log)
if [ -n "$p" ]; then
	echo | timeout 20 openssl s_client -connect "127.0.0.1:$p" -noservername >sc.txt 2>&1
	grep -q 'CN = expired.bad.test' sc.txt && ok || bad "--ports: expired's port serves expired"
else
	bad "--ports: no port printed for expired.bad.test"
fi
stop_server
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	if start v6.log --port 0 --bind ::1 --max-connections 1; then ok; else bad "serve on ::1"; fi
	p=$(sed -n 's/^listening on \[::1\]:\([0-9]*\)$/\1/p' v6.log)
	expect 0 "curl over ::1" curl -sS --max-time 20 --cacert "$ca" "https://[::1]:$p/cases.json"
	stop_server
else
	echo "certgen-serve: no IPv6 loopback here; ::1 check skipped"
fi

# ---- it stops by itself, and refuses what it cannot do
start=$(date +%s)
"$CERTGEN" -q serve --out cases --port 0 --duration 1 >/dev/null 2>&1
[ $? -eq 0 ] && [ $(($(date +%s) - start)) -lt 60 ] && ok || bad "--duration 1 must end the server"
expect 2 "--bind needs an IP address" "$CERTGEN" serve --out cases --bind not-an-ip --duration 1
expect 2 "--port is a number" "$CERTGEN" serve --out cases --port eighty
expect 2 "unknown option" "$CERTGEN" serve --frobnicate

tb_done certgen-serve
