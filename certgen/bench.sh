#!/bin/sh
# make bench-certgen: wall time of `certgen ca && certgen leaf HOST` against the
# equivalent openssl CLI recipe (req -x509 for the CA; req + x509 -req for the
# leaf), same run, same machine, for EC P-256 and RSA-2048.
# Usage: certgen/bench.sh CERTGEN [RUNS]
set -eu
cg=${1:?usage: bench.sh CERTGEN [RUNS]}
runs=${2:-20}
case "$cg" in /*) ;; *) cg="$PWD/$cg" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
cat > leaf.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
subjectAltName=DNS:bench.example
X

now_ns() { date +%s%N; }

certgen_once() {
	rm -rf d
	"$cg" --dir d -q ca --key "$1" && "$cg" --dir d -q leaf bench.example --key "$1"
}

openssl_once() {
	rm -f ca.pem ca.key leaf.csr leaf.key leaf.pem ca.srl
	openssl req -x509 -newkey "$1" $2 -nodes -keyout ca.key -out ca.pem -subj "/CN=bench root" \
		-days 3650 -sha256 -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -new -newkey "$1" $2 -nodes -keyout leaf.key -out leaf.csr \
		-subj "/CN=bench.example" 2>/dev/null
	openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem \
		-days 199 -sha256 -extfile leaf.ext 2>/dev/null
}

# Runs alternate between the two, so load from other processes hits both alike.
# alternate ALG OKEY OOPT: prints "certgen_ms openssl_ms" totals for $runs runs
alternate() {
	c=0
	o=0
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now_ns)
		certgen_once "$1" >/dev/null
		t1=$(now_ns)
		openssl_once "$2" "$3" >/dev/null
		t2=$(now_ns)
		c=$((c + (t1 - t0) / 1000))
		o=$((o + (t2 - t1) / 1000))
		i=$((i + 1))
	done
	echo "$((c / 1000)) $((o / 1000))"
}

status=0
printf '%-9s %12s %12s %8s  %s\n' key "certgen ms" "openssl ms" ratio "target <= 0.50"
for alg in ec256 rsa2048; do
	case $alg in
	ec256) okey=ec; oopt="-pkeyopt ec_paramgen_curve:P-256" ;;
	rsa2048) okey=rsa:2048; oopt="" ;;
	esac
	certgen_once $alg >/dev/null
	openssl_once $okey "$oopt"
	set -- $(alternate $alg $okey "$oopt")
	c=$1
	o=$2
	ratio=$(awk -v c="$c" -v o="$o" 'BEGIN { printf "%.2f", c / o }')
	met=$(awk -v r="$ratio" 'BEGIN { print (r <= 0.50) ? "met" : "MISSED" }')
	[ "$met" = met ] || status=1
	printf '%-9s %12s %12s %8s  %s\n' $alg "$((c / runs))/run" "$((o / runs))/run" "$ratio" "$met"
done
echo "($runs runs each, alternating; certgen includes its libtrust check and fsyncs every file)"
# A missed target is reported; BENCH_STRICT=1 turns it into a failure.
[ "${BENCH_STRICT:-0}" = 1 ] && exit $status
exit 0
