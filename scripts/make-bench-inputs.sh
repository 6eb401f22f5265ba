#!/bin/sh
# Generates the benchmark's certificates into DIR (default build/bench/inputs):
#   ec/ and rsa/: root.pem -> inter.pem -> leaf.pem for bench.example.com (openssl CLI),
#                 leaves.pem (LEAVES more leaves under inter.pem, for rotate),
#   pool-10/, pool-1000/, pool-10000/: unrelated intermediate CAs, in files of at
#                 most 1000 certificates (libtrust reads at most 4 MiB per input),
#   attime: the evaluation time (seconds since the epoch) every run uses, taken
#           right after generation, so a cached set stays valid whatever today is.
# Usage: scripts/make-bench-inputs.sh DIR GEN_LEAVES [LEAVES]
set -eu

dir=${1:?usage: make-bench-inputs.sh DIR GEN_LEAVES [LEAVES]}
gen=${2:?usage: make-bench-inputs.sh DIR GEN_LEAVES [LEAVES]}
leaves=${3:-20000}
host=bench.example.com

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/ext.cnf" <<EOF
[ req ]
distinguished_name = dn
[ dn ]
[ v3_root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_leaf_ec ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$host
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_leaf_rsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$host
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

serial() { echo "0x4$(openssl rand -hex 15)"; }

newkey() { # ALG OUT
	case $1 in
	ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" 2>/dev/null ;;
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
	esac
}

# issue ALG NAME SUBJECT ISSUER_NAME DAYS EXT
issue() {
	d=$tmp/$1
	newkey "$1" "$d/$2.key"
	openssl req -new -config "$tmp/ext.cnf" -key "$d/$2.key" -subj "$3" -out "$d/$2.csr"
	if [ "$4" = self ]; then
		openssl x509 -req -in "$d/$2.csr" -signkey "$d/$2.key" -set_serial "$(serial)" \
			-days "$5" -sha256 -extfile "$tmp/ext.cnf" -extensions "$6" \
			-out "$d/$2.pem" 2>/dev/null
	else
		openssl x509 -req -in "$d/$2.csr" -CA "$d/$4.pem" -CAkey "$d/$4.key" \
			-set_serial "$(serial)" -days "$5" -sha256 -extfile "$tmp/ext.cnf" \
			-extensions "$6" -out "$d/$2.pem" 2>/dev/null
	fi
	rm -f "$d/$2.csr"
}

chain() { # ALG LABEL
	mkdir -p "$tmp/$1"
	issue "$1" root "/O=trustbench bench/CN=Bench $2 Root" self 3650 v3_root
	issue "$1" inter "/O=trustbench bench/CN=Bench $2 Issuing CA" root 1825 v3_inter
	issue "$1" leaf "/CN=$host" inter 90 "v3_leaf_$1"
	"$gen" leaf --issuer-cert "$tmp/$1/inter.pem" --issuer-key "$tmp/$1/inter.key" \
		--key "$tmp/$1/leaf.key" --host "$host" --count "$leaves" --out "$tmp/$1/leaves.pem"
}

# RSA signing dominates; make the two chains side by side.
chain rsa RSA-2048 &
rsa_pid=$!
chain ec P-256
newkey ec "$tmp/pool.key"
for n in 10 1000 10000; do
	"$gen" pool --key "$tmp/pool.key" --count "$n" --out "$tmp/pool.pem"
	mkdir -p "$tmp/pool-$n"
	awk -v dir="$tmp/pool-$n" '
		/-----BEGIN CERTIFICATE-----/ { if (n % 1000 == 0) { if (out) close(out); out = sprintf("%s/part-%02d.pem", dir, n / 1000) } n++ }
		{ print > out }' "$tmp/pool.pem"
	rm -f "$tmp/pool.pem"
done
wait "$rsa_pid"
date +%s >"$tmp/attime"

rm -rf "$dir/ec" "$dir/rsa" "$dir"/pool-*
mv "$tmp/ec" "$tmp/rsa" "$tmp"/pool-* "$tmp/attime" "$dir/"
echo "bench inputs in $dir (attime $(cat "$dir/attime"))"
