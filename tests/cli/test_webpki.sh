#!/bin/sh
# trustcheck --policy webpki end to end: certificates from certgen, and from
# openssl under certgen's CA where certgen will not make the broken shape.
# Each Baseline Requirements rule is kept once and broken once, and the
# report must name the rule id.  Needs TRUSTCHECK and CERTGEN.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
tb_show_out="$tmp/out.txt"
tb_show_err="$tmp/err.txt"

# finding FILE ID SEVERITY: the chosen path of the JSON report has finding ID at SEVERITY.
finding() {
	if python3 - "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["paths"][d["chosen_path"]] if d["chosen_path"] is not None else {"findings": []}
sys.exit(0 if any(f["id"] == sys.argv[2] and f["severity"] == sys.argv[3]
                  for f in p["findings"]) else 1)
PY
	then ok; else bad "$1: no $2 at $3"; fi
}

export CERTGEN_DIR="$tmp/pki"
# A root valid 2020-2040, so the SC-081 dates can be checked with --at.
"$CERTGEN" --quiet ca --not-before 2020-01-01T00:00:00Z --not-after 2040-01-01T00:00:00Z \
	>/dev/null 2>&1 || { bad "certgen ca"; tb_done webpki-cli; exit 1; }
root="$CERTGEN_DIR/ca.pem"
ca_key="$CERTGEN_DIR/ca-key.pem"

# A compliant leaf: trusted under webpki, and the report says which policy.
"$CERTGEN" --quiet leaf web.test --cert-file web.pem --key-file web-key.pem >/dev/null 2>&1
expect 0 "compliant leaf under webpki" "$TRUSTCHECK" web.pem --anchors "$root" --host web.test \
	--policy webpki --format json
has out.txt '"policy": "webpki"' "report names the webpki policy"
finding out.txt webpki.cn.not-in-san pass

# mk NAME SUBJECT SAN [EKU [KEY]]: an openssl-made leaf under certgen's root,
# for shapes certgen refuses to issue.  EKU "-" leaves extendedKeyUsage out.
mk() {
	name=$1 subj=$2 san=$3 eku=${4:-serverAuth} key=${5:-ec:P-256}
	case "$key" in
	ec:*) set -- -newkey ec -pkeyopt "ec_paramgen_curve:${key#ec:}" ;;
	*) set -- -newkey "$key" ;;
	esac
	openssl req -new "$@" -nodes -keyout "$name.key" -subj "$subj" -out "$name.csr" \
		2>/dev/null
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature"
		[ "$eku" = - ] || echo "extendedKeyUsage=$eku"
		echo "subjectAltName=$san"
		echo "authorityKeyIdentifier=keyid"
		echo "subjectKeyIdentifier=hash"
	} >"$name.ext"
	openssl x509 -req -in "$name.csr" -CA "$root" -CAkey "$ca_key" -CAcreateserial \
		-days 90 -sha256 -extfile "$name.ext" -out "$name.pem" 2>/dev/null ||
		bad "openssl could not make $name"
}

# webpki_only NAME ID HOST: tls-server trusts NAME.pem, webpki rejects it with ID.
webpki_only() {
	expect 0 "$1 under tls-server" "$TRUSTCHECK" "$1.pem" --anchors "$root" --host "$3"
	expect 1 "$1 under webpki" "$TRUSTCHECK" "$1.pem" --anchors "$root" --host "$3" \
		--policy webpki --format json
	finding out.txt "$2" error
}

mk cn-case "/CN=Web.Test" "DNS:web.test"
webpki_only cn-case webpki.cn.not-in-san web.test
# A stacked file can switch one rule off (docs/policy-format.md's example).
echo '{ "name": "mine", "rules": [ { "id": "webpki.cn.not-in-san", "enabled": false } ] }' >mine.json
expect 0 "webpki without the CN rule" "$TRUSTCHECK" cn-case.pem --anchors "$root" --host web.test \
	--policy webpki --policy ./mine.json
mk cn-hexip "/CN=0xC0A80101" "IP:192.168.1.1"
expect 1 "CN IPv4 in hex" "$TRUSTCHECK" cn-hexip.pem --anchors "$root" --ip 192.168.1.1 \
	--policy webpki
has out.txt "webpki.cn.not-in-san" "hex IPv4 CN names the rule"
has out.txt "192.168.1.1. written differently" "hex IPv4 CN says the form it should have"
mk cn-v6 "/CN=2001:0db8:0:0:0:0:0:1" "IP:2001:db8::1"
expect 1 "CN IPv6 uncompressed" "$TRUSTCHECK" cn-v6.pem --anchors "$root" --ip 2001:db8::1 \
	--policy webpki
has out.txt "webpki.cn.not-in-san" "uncompressed IPv6 CN names the rule"
mk cn-ok6 "/CN=2001:db8::1" "IP:2001:db8::1"
expect 0 "CN IPv6 in RFC 5952 form" "$TRUSTCHECK" cn-ok6.pem --anchors "$root" --ip 2001:db8::1 \
	--policy webpki
mk underscore "/CN=my_host.web.test" "DNS:my_host.web.test"
webpki_only underscore webpki.san.underscore my_host.web.test
mk psl "/CN=*.github.io" "DNS:*.github.io"
webpki_only psl webpki.san.wildcard-public-suffix web.github.io
mk no-eku "/CN=web.test" "DNS:web.test" -
webpki_only no-eku webpki.eku.missing web.test
mk any-eku "/CN=web.test" "DNS:web.test" "serverAuth,anyExtendedKeyUsage"
webpki_only any-eku webpki.eku.any web.test

# Keys: P-521 and a 2052-bit RSA modulus pass tls-server, not webpki.
mk p521 "/CN=web.test" "DNS:web.test" serverAuth ec:P-521
webpki_only p521 webpki.key.forbidden web.test
mk rsa2052 "/CN=web.test" "DNS:web.test" serverAuth rsa:2052
webpki_only rsa2052 webpki.key.rsa-modulus web.test

# SC-081 with the root given as a system anchor: from 2026-03-15 a leaf may be
# valid 200 days, counted inclusively (notAfter - notBefore + 1 s).
sched() { # NAME NOT-BEFORE NOT-AFTER
	"$CERTGEN" --quiet leaf "$1.test" --not-before "$2" --not-after "$3" --cert-file "$1.pem" \
		--force >/dev/null 2>&1 || bad "certgen leaf $1"
}
S="--policy webpki --at 2026-03-16T00:00:00Z --format json"
sched long 2026-03-15T00:00:00Z 2026-10-01T00:00:00Z
expect 1 "201-day leaf issued 2026-03-15, system anchor" "$TRUSTCHECK" long.pem \
	--system-anchors="$root" --host long.test $S
finding out.txt cabf.validity-schedule error
has out.txt '"remedy": "reissue with a validity' "the schedule's failure carries its remedy"
expect 0 "the same leaf under a user anchor" "$TRUSTCHECK" long.pem --anchors "$root" \
	--host long.test $S
sched early 2026-03-14T23:59:59Z 2026-09-30T23:59:59Z
expect 0 "201-day leaf issued one second earlier (398 days then)" "$TRUSTCHECK" early.pem \
	--system-anchors="$root" --host early.test $S
finding out.txt cabf.validity-schedule pass
sched edge 2026-03-15T00:00:00Z 2026-09-30T23:59:59Z
expect 0 "exactly 200 days" "$TRUSTCHECK" edge.pem --system-anchors="$root" --host edge.test $S
finding out.txt cabf.validity-schedule warning

tb_done webpki-cli
