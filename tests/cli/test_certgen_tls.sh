#!/bin/sh
# certgen over a real TLS connection: openssl s_server serves certgen's leaf on
# a free loopback port and curl, trusting only certgen's root, must accept it;
# a wrong-host case from `certgen bad` must be refused.  Env: CERTGEN.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
srv=""
stop_server() {
	if [ -n "$srv" ]; then
		kill "$srv" 2>/dev/null
		i=0
		while [ $i -lt 20 ] && kill -0 "$srv" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null
		srv=""
	fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

# serve CERT KEY CHAIN: starts s_server on a free port (sets $port and $srv), or returns 1.
serve() {
	port=$((20000 + $$ % 20000))
	tries=0
	while [ $tries -lt 20 ]; do
		# -cert_chain needs at least one certificate; a leaf under the root has none.
		if [ -s "$3" ]; then
			openssl s_server -accept "$port" -cert "$1" -key "$2" -cert_chain "$3" -www -quiet \
				>server.log 2>&1 &
		else
			openssl s_server -accept "$port" -cert "$1" -key "$2" -www -quiet >server.log 2>&1 &
		fi
		srv=$!
		i=0
		while [ $i -lt 50 ] && kill -0 "$srv" 2>/dev/null; do
			# Listening once a plain TCP probe connects (s_server logs nothing by then).
			if curl -sk --max-time 2 -o /dev/null "https://127.0.0.1:$port/" 2>/dev/null; then
				# Still ours? Another process may own the port and ours have died on bind.
				sleep 0.2
				kill -0 "$srv" 2>/dev/null && return 0
				break
			fi
			sleep 0.1
			i=$((i + 1))
		done
		stop_server
		port=$((port + 1 + tries * 7))
		tries=$((tries + 1))
	done
	return 1
}

"$CERTGEN" -q ca && "$CERTGEN" -q leaf localhost 127.0.0.1 ::1 && ok || bad "certgen ca && leaf"
if serve pki/localhost/cert.pem pki/localhost/key.pem pki/localhost/chain.pem; then
	ok
	curl -sS --max-time 5 --cacert pki/ca.pem -o page.html "https://localhost:$port/" 2>curl.err &&
		ok || bad "curl --cacert pki/ca.pem https://localhost:$port/: $(cat curl.err)"
	grep -qi "s_server" page.html && ok || bad "the page came from s_server"
	curl -sS --max-time 5 --cacert pki/ca.pem -o /dev/null "https://127.0.0.1:$port/" 2>curl.err &&
		ok || bad "curl via the IPv4 SAN: $(cat curl.err)"
	echo | openssl s_client -connect "127.0.0.1:$port" -servername localhost -verify_hostname localhost \
		-CAfile pki/ca.pem -verify_return_error >sclient.txt 2>&1 && ok || bad "s_client verification"
	grep -q "Verify return code: 0 (ok)" sclient.txt && ok || bad "s_client says ok"
	"$CERTGEN" -q --dir other ca
	curl -sS --max-time 5 --cacert other/ca.pem -o /dev/null "https://localhost:$port/" 2>/dev/null
	[ $? = 60 ] && ok || bad "curl with another root must fail with 60 (peer certificate)"
	stop_server
else
	bad "no free port for s_server after 20 tries"
fi

# Through an intermediate: the server sends chain.pem, curl still trusts only the root.
"$CERTGEN" -q intermediate issuing && "$CERTGEN" -q leaf www.localhost --issuer issuing && ok ||
	bad "certgen intermediate && leaf"
if serve pki/www.localhost/cert.pem pki/www.localhost/key.pem pki/www.localhost/chain.pem; then
	curl -sS --max-time 5 --cacert pki/ca.pem --resolve "www.localhost:$port:127.0.0.1" -o /dev/null \
		"https://www.localhost:$port/" 2>curl.err && ok || bad "curl through the intermediate: $(cat curl.err)"
	stop_server
else
	bad "no free port for the intermediate server"
fi

# A broken case from the catalogue is refused over the wire too.
"$CERTGEN" -q bad wrong-host localhost --out badcases && ok || bad "certgen bad wrong-host"
if serve badcases/wrong-host/fullchain.pem badcases/wrong-host/key.pem badcases/wrong-host/fullchain.pem; then
	curl -sS --max-time 5 --cacert badcases/wrong-host/anchor.pem -o /dev/null "https://localhost:$port/" \
		2>curl.err
	rc=$?
	[ $rc = 60 ] && ok || bad "curl must refuse the wrong-host case (exit $rc, wanted 60)"
	grep -qi "match\|subject" curl.err && ok || bad "curl names the host mismatch: $(cat curl.err)"
	stop_server
else
	bad "no free port for the wrong-host server"
fi

tb_done certgen-tls
