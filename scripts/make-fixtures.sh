#!/bin/sh
# Makes the test certificates under DIR with the openssl CLI.  Dates are
# relative to now, so the fixtures never go stale; nothing here is committed.
#
#   good/      root.pem root.key inter.pem inter.key leaf.pem leaf.key chain.pem (leaf+inter)
#              fullchain.pem (leaf+inter+root); leaf names: DNS good.example.com,
#              DNS *.wild.example.com, IP 127.0.0.1, IP ::1; EKU serverAuth
#   client/    leaf.pem chain.pem: clientAuth leaf under good/inter
#   expired/   chain.pem: expired leaf under good/inter (expired 2021)
#   wronghost/ chain.pem: leaf for other.example.net under good/inter
#   untrusted/ root.pem chain.pem: leaf + intermediate under a root nobody trusts
#   revoked/   chain.pem crl.pem: leaf revoked (keyCompromise) by good/inter's CRL
#   cross/     new-root.pem old-root.pem (expired) cross.pem (new root's key signed by the
#              old root, expired) inter.pem leaf.pem chain.pem (leaf+inter+cross)
#   rsa/       root.pem chain.pem: RSA-2048 hierarchy, host rsa.example.com
#   rollover/  old.pem new.pem (two intermediates named "Rollover CA" with different keys,
#              both under good/root) decoy.pem (a third "Rollover CA" whose SKI copies
#              new.pem's) leaf.pem (signed by new) pool.pem (decoy+old+new)
#   loop/      a-by-b.pem b-by-a.pem (two CAs cross-signed in a cycle) b-by-root.pem
#              leaf.pem (under A) cycle.pem (a-by-b+b-by-a) pool.pem (cycle + b-by-root)
#   garbage/   garbage.bin empty.pem truncated.der badbase64.pem
#
# Usage: scripts/make-fixtures.sh DIR [CERTGEN]
set -eu
out=${1:?usage: make-fixtures.sh DIR}
cg=${2:-}
case "$cg" in "" | /*) ;; *) cg="$(pwd)/$cg" ;; esac
mkdir -p "$out"
cd "$out"
umask 077

ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# root KEY OUT CN DAYS
root() {
	openssl req -x509 -new -key "$1" -out "$2" -subj "/O=trustbench fixtures/CN=$3" \
		-days "$4" -sha256 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# sign CSRKEY OUT SUBJ CA CAKEY DAYS EXTFILE
sign() {
	openssl req -new -key "$1" -subj "$3" -out "$2.csr" 2>/dev/null
	openssl x509 -req -in "$2.csr" -CA "$4" -CAkey "$5" -CAcreateserial -out "$2" \
		-days "$6" -sha256 -extfile "$7" 2>/dev/null
	rm -f "$2.csr"
}

cat > ca.ext <<'X'
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
X
cat > ca-nolen.ext <<'X'
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
X
leafext() {
	cat > "$1" <<X
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=$2
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
subjectAltName=$3
X
}

# good
mkdir -p good
ec good/root.key; root good/root.key good/root.pem "Fixture Root" 3650
ec good/inter.key; sign good/inter.key good/inter.pem "/O=trustbench fixtures/CN=Fixture Intermediate" good/root.pem good/root.key 1825 ca.ext
leafext leaf.ext serverAuth "DNS:good.example.com,DNS:*.wild.example.com,IP:127.0.0.1,IP:::1"
ec good/leaf.key; sign good/leaf.key good/leaf.pem "/CN=good.example.com" good/inter.pem good/inter.key 90 leaf.ext
cat good/leaf.pem good/inter.pem > good/chain.pem
cat good/leaf.pem good/inter.pem good/root.pem > good/fullchain.pem

# client
mkdir -p client
leafext client.ext clientAuth "email:alice@example.com"
ec client/leaf.key; sign client/leaf.key client/leaf.pem "/CN=alice" good/inter.pem good/inter.key 90 client.ext
cat client/leaf.pem good/inter.pem > client/chain.pem

# wronghost
mkdir -p wronghost
leafext wrong.ext serverAuth "DNS:other.example.net"
ec wronghost/leaf.key; sign wronghost/leaf.key wronghost/leaf.pem "/CN=good.example.com" good/inter.pem good/inter.key 90 wrong.ext
cat wronghost/leaf.pem good/inter.pem > wronghost/chain.pem

# untrusted
mkdir -p untrusted
ec untrusted/root.key; root untrusted/root.key untrusted/root.pem "Nobody Trusts This Root" 3650
ec untrusted/inter.key; sign untrusted/inter.key untrusted/inter.pem "/O=trustbench fixtures/CN=Untrusted Intermediate" untrusted/root.pem untrusted/root.key 1825 ca.ext
ec untrusted/leaf.key; sign untrusted/leaf.key untrusted/leaf.pem "/CN=good.example.com" untrusted/inter.pem untrusted/inter.key 90 leaf.ext
cat untrusted/leaf.pem untrusted/inter.pem > untrusted/chain.pem

# expired and revoked need explicit dates and a CRL: openssl ca with a scratch database.
mkdir -p ca-db expired revoked
: > ca-db/index.txt
echo 1000 > ca-db/serial
echo 1000 > ca-db/crlnumber
cat > ca.cnf <<X
[ ca ]
default_ca = fx
[ fx ]
dir = ca-db
database = ca-db/index.txt
serial = ca-db/serial
crlnumber = ca-db/crlnumber
new_certs_dir = ca-db
certificate = good/inter.pem
private_key = good/inter.key
default_md = sha256
default_crl_days = 30
policy = any
unique_subject = no
copy_extensions = none
[ any ]
organizationName = optional
commonName = supplied
[ leaf_ext ]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
subjectAltName=DNS:good.example.com
X
ec expired/leaf.key
openssl req -new -key expired/leaf.key -subj "/CN=good.example.com" -out expired/leaf.csr 2>/dev/null
openssl ca -batch -config ca.cnf -extensions leaf_ext -startdate 20200101000000Z \
	-enddate 20210101000000Z -in expired/leaf.csr -out expired/leaf.pem -notext 2>/dev/null
cat expired/leaf.pem good/inter.pem > expired/chain.pem
ec revoked/leaf.key
openssl req -new -key revoked/leaf.key -subj "/CN=good.example.com" -out revoked/leaf.csr 2>/dev/null
openssl ca -batch -config ca.cnf -extensions leaf_ext -days 90 -in revoked/leaf.csr \
	-out revoked/leaf.pem -notext 2>/dev/null
openssl ca -batch -config ca.cnf -revoke revoked/leaf.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config ca.cnf -gencrl -out revoked/crl.pem 2>/dev/null
cat revoked/leaf.pem good/inter.pem > revoked/chain.pem
rm -f expired/leaf.csr revoked/leaf.csr

# cross: the 2021 Let's Encrypt pattern.  The old root and the cross-sign have
# expired; the new root is trusted, so the builder must take inter -> new root.
mkdir -p cross
ec cross/old.key; ec cross/new.key
openssl req -new -key cross/old.key -subj "/O=trustbench fixtures/CN=Old Root" -out cross/old.csr 2>/dev/null
cat > cross/old-root.cnf <<X
[ ca ]
default_ca = fx
[ fx ]
database = cross/index.txt
serial = cross/serial
new_certs_dir = cross
default_md = sha256
policy = any
unique_subject = no
[ any ]
organizationName = optional
commonName = supplied
[ root_ext ]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
X
: > cross/index.txt; echo 2000 > cross/serial
openssl ca -batch -config cross/old-root.cnf -selfsign -keyfile cross/old.key -extensions root_ext \
	-startdate 20100101000000Z -enddate 20210930000000Z -in cross/old.csr -out cross/old-root.pem -notext 2>/dev/null
root cross/new.key cross/new-root.pem "New Root" 3650
openssl req -new -key cross/new.key -subj "/O=trustbench fixtures/CN=New Root" -out cross/new.csr 2>/dev/null
openssl ca -batch -config cross/old-root.cnf -cert cross/old-root.pem -keyfile cross/old.key \
	-extensions root_ext -startdate 20150101000000Z -enddate 20210930000000Z \
	-in cross/new.csr -out cross/cross.pem -notext 2>/dev/null
ec cross/inter.key; sign cross/inter.key cross/inter.pem "/O=trustbench fixtures/CN=Cross Intermediate" cross/new-root.pem cross/new.key 1825 ca.ext
leafext cross.ext serverAuth "DNS:cross.example.com"
ec cross/leaf.key; sign cross/leaf.key cross/leaf.pem "/CN=cross.example.com" cross/inter.pem cross/inter.key 90 cross.ext
cat cross/leaf.pem cross/inter.pem cross/cross.pem > cross/chain.pem
cat cross/old-root.pem cross/new-root.pem > cross/anchors.pem
rm -f cross/*.csr cross/index.txt* cross/serial* cross/*.cnf cross/[0-9A-F]*.pem

# rsa
mkdir -p rsa
rsa rsa/root.key; root rsa/root.key rsa/root.pem "Fixture RSA Root" 3650
rsa rsa/inter.key; sign rsa/inter.key rsa/inter.pem "/O=trustbench fixtures/CN=Fixture RSA Intermediate" rsa/root.pem rsa/root.key 1825 ca.ext
leafext rsaleaf.ext serverAuth "DNS:rsa.example.com"
rsa rsa/leaf.key; sign rsa/leaf.key rsa/leaf.pem "/CN=rsa.example.com" rsa/inter.pem rsa/inter.key 90 rsaleaf.ext
cat rsa/leaf.pem rsa/inter.pem > rsa/chain.pem

# rollover: same DN, different keys, plus a decoy copying the real key id.
mkdir -p rollover
ec rollover/old.key; ec rollover/new.key; ec rollover/decoy.key
sign rollover/old.key rollover/old.pem "/O=trustbench fixtures/CN=Rollover CA" good/root.pem good/root.key 1000 ca.ext
sign rollover/new.key rollover/new.pem "/O=trustbench fixtures/CN=Rollover CA" good/root.pem good/root.key 1500 ca.ext
skid=$(openssl x509 -in rollover/new.pem -noout -ext subjectKeyIdentifier | sed -n 2p | tr -d ' ')
sed "s/^subjectKeyIdentifier=hash/subjectKeyIdentifier=$skid/" ca.ext > decoy.ext
sign rollover/decoy.key rollover/decoy.pem "/O=trustbench fixtures/CN=Rollover CA" good/root.pem good/root.key 1825 decoy.ext
leafext roll.ext serverAuth "DNS:rollover.example.com"
ec rollover/leaf.key; sign rollover/leaf.key rollover/leaf.pem "/CN=rollover.example.com" rollover/new.pem rollover/new.key 90 roll.ext
cat rollover/decoy.pem rollover/old.pem rollover/new.pem > rollover/pool.pem

# loop: A and B sign each other; B is also signed by the trusted root.
mkdir -p loop
ec loop/a.key; ec loop/b.key
openssl req -new -key loop/a.key -subj "/O=trustbench fixtures/CN=Loop CA A" -out loop/a.csr 2>/dev/null
openssl req -new -key loop/b.key -subj "/O=trustbench fixtures/CN=Loop CA B" -out loop/b.csr 2>/dev/null
openssl req -x509 -new -key loop/b.key -subj "/O=trustbench fixtures/CN=Loop CA B" -days 1825 -out loop/b-self.pem \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-addext "subjectKeyIdentifier=hash" 2>/dev/null
openssl x509 -req -in loop/a.csr -CA loop/b-self.pem -CAkey loop/b.key -CAcreateserial -days 1825 \
	-sha256 -extfile ca-nolen.ext -out loop/a-by-b.pem 2>/dev/null
openssl x509 -req -in loop/b.csr -CA loop/a-by-b.pem -CAkey loop/a.key -CAcreateserial -days 1825 \
	-sha256 -extfile ca-nolen.ext -out loop/b-by-a.pem 2>/dev/null
openssl x509 -req -in loop/b.csr -CA good/root.pem -CAkey good/root.key -CAcreateserial -days 1000 \
	-sha256 -extfile ca-nolen.ext -out loop/b-by-root.pem 2>/dev/null
leafext loopleaf.ext serverAuth "DNS:loop.example.com"
ec loop/leaf.key; sign loop/leaf.key loop/leaf.pem "/CN=loop.example.com" loop/a-by-b.pem loop/a.key 90 loopleaf.ext
cat loop/a-by-b.pem loop/b-by-a.pem > loop/cycle.pem
cat loop/a-by-b.pem loop/b-by-a.pem loop/b-by-root.pem > loop/pool.pem
rm -f loop/*.csr loop/b-self.pem loop/*.srl

# garbage
mkdir -p garbage
head -c 4096 /dev/urandom > garbage/garbage.bin
: > garbage/empty.pem
openssl x509 -in good/leaf.pem -outform DER -out garbage/full.der
head -c 200 garbage/full.der > garbage/truncated.der
rm garbage/full.der
sed '3s/^..../!!!!/' good/leaf.pem > garbage/badbase64.pem

# certgen/  made by certgen when it is built: pki/ (ca.pem, issuing/ intermediate,
#           localhost/ leaf with DNS localhost, IP 127.0.0.1 and ::1, alice/ client) and
#           bad/KIND/ for every `certgen bad` kind (fullchain.pem, anchor.pem, case.json)
if [ -n "$cg" ] && [ -x "$cg" ]; then
	rm -rf certgen
	"$cg" -q --dir certgen/pki ca
	"$cg" -q --dir certgen/pki intermediate issuing
	"$cg" -q --dir certgen/pki leaf localhost 127.0.0.1 ::1 --issuer issuing
	"$cg" -q --dir certgen/pki client alice --email alice@example.com
	"$cg" -q bad --all certgen/bad
fi

rm -rf ca-db ./*.ext rollover/*.srl ca.cnf good/*.srl untrusted/*.srl rsa/*.srl cross/*.srl ./*.srl
chmod -R u+rwX,go+rX .
