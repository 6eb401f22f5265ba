#!/bin/sh
# The apple policy's certificate rules (apple-policy.md §1), each with a
# certificate that passes and one that fails, asserting the rule id; the
# validity and date rules at their exact boundaries (825 days and 825 days +
# 1 s, notBefore one second either side of each cut-over) and per anchor
# origin (--system-anchors=FILE, --anchors, --app-anchors).
# Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
. "$top/tests/cli/policy_lib.sh"

DAY=86400
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
ossl() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
ep() { date -u -d "$1" +%s; }

"$CERTGEN" -q --dir pki ca --not-before 2015-01-01T00:00:00Z --not-after 2045-01-01T00:00:00Z ||
	bad "certgen ca"
USER="--anchors pki/ca.pem"
SYS="--system-anchors=pki/ca.pem"
APP="--app-anchors pki/ca.pem"

# vleaf NAME NB_EPOCH SECONDS: a certgen leaf for host NAME valid exactly SECONDS.
vleaf() {
	"$CERTGEN" -q --force --dir pki leaf "$1" --not-before "$(iso "$2")" \
		--not-after "$(iso $(($2 + $3)))" 2>/dev/null || bad "certgen leaf $1"
}
# at NB_EPOCH: evaluate one day after notBefore.
at() { iso $(($1 + DAY)); }
# vcheck NAME ORIGIN NB SECONDS: check host NAME (made by vleaf) under --policy apple.
vcheck() {
	tcj --policy apple $2 --ct off --at "$(at "$3")" --host "$1" "pki/$1/fullchain.pem"
}

# ---- apple.validity-max-private: user and app roots, 825 days from 2019-07-01 ----
nb=$(ep 2025-01-01T00:00:00Z)
vleaf p825.test "$nb" $((825 * DAY))
vleaf p826.test "$nb" $((825 * DAY + 1))
vcheck p825.test "$USER" "$nb"
want "private: 825 days exactly" 0 apple.validity-max-private pass
vcheck p826.test "$USER" "$nb"
want "private: 825 days + 1 s" 1 apple.validity-max-private error
reason "private: 825 days + 1 s headline" apple.validity-max-private
vcheck p826.test "$APP" "$nb"
want "private: app anchors too" 1 apple.validity-max-private error
vcheck p826.test "$SYS" "$nb"
want "private: not for system roots" 1 apple.validity-max-private none
want "system: 825 days + 1 s breaks the 398-day rule" 1 apple.validity-max-system error

cut=$(ep 2019-07-01T00:00:00Z)
vleaf pbefore.test $((cut - 1)) $((900 * DAY))
vleaf pat.test "$cut" $((900 * DAY))
vleaf pafter.test $((cut + 1)) $((900 * DAY))
vcheck pbefore.test "$USER" $((cut - 1))
want "private: issued 1 s before 2019-07-01" 0 apple.validity-max-private none
vcheck pat.test "$USER" "$cut"
want "private: issued at 2019-07-01T00:00:00Z" 1 apple.validity-max-private error
vcheck pafter.test "$USER" $((cut + 1))
want "private: issued 1 s after 2019-07-01" 1 apple.validity-max-private error

# ---- apple.validity-max-system: system roots, 398 days (inclusive) from 2020-09-01 ----
nb=$(ep 2021-01-01T00:00:00Z)
vleaf s397.test "$nb" $((398 * DAY - 1))
vleaf s398.test "$nb" $((398 * DAY))
vcheck s397.test "$SYS" "$nb"
want "system: 398 days counted inclusively" 0 apple.validity-max-system pass
vcheck s398.test "$SYS" "$nb"
want "system: 398 days + the inclusive second" 1 apple.validity-max-system error
vcheck s398.test "$USER" "$nb"
want "system rule not for user roots" 0 apple.validity-max-system none

cut=$(ep 2020-09-01T00:00:00Z)
vleaf sbefore.test $((cut - 1)) $((500 * DAY))
vleaf sat.test "$cut" $((500 * DAY))
vleaf safter.test $((cut + 1)) $((500 * DAY))
vcheck sbefore.test "$SYS" $((cut - 1))
want "system: 500 days issued 1 s before 2020-09-01" 0 apple.validity-max-system none
want "system: ... is under the 825-day rule" 0 apple.validity-max-system-825 pass
vcheck sat.test "$SYS" "$cut"
want "system: 500 days issued at 2020-09-01" 1 apple.validity-max-system error
vcheck safter.test "$SYS" $((cut + 1))
want "system: 500 days issued 1 s after 2020-09-01" 1 apple.validity-max-system error

# ---- apple.validity-max-system-825: system roots, 2018-03-01 .. 2020-08-31 ----
nb=$(ep 2019-01-01T00:00:00Z)
vleaf t825.test "$nb" $((825 * DAY))
vleaf t826.test "$nb" $((825 * DAY + 1))
vcheck t825.test "$SYS" "$nb"
want "system 825: exactly 825 days" 0 apple.validity-max-system-825 pass
vcheck t826.test "$SYS" "$nb"
want "system 825: 825 days + 1 s" 1 apple.validity-max-system-825 error
cut=$(ep 2018-03-01T00:00:00Z)
vleaf tbefore.test $((cut - 1)) $((900 * DAY))
vleaf tat.test "$cut" $((900 * DAY))
vleaf tafter.test $((cut + 1)) $((900 * DAY))
vcheck tbefore.test "$SYS" $((cut - 1))
want "system 825: issued 1 s before 2018-03-01" 0 apple.validity-max-system-825 none
vcheck tat.test "$SYS" "$cut"
want "system 825: issued at 2018-03-01" 1 apple.validity-max-system-825 error
vcheck tafter.test "$SYS" $((cut + 1))
want "system 825: issued 1 s after 2018-03-01" 1 apple.validity-max-system-825 error

# ---- apple.ct-required: system roots, leaves from 2018-10-16, SCT count ----
nb=$(ep 2025-01-01T00:00:00Z)
vleaf ct.test "$nb" $((199 * DAY))
tcj --policy apple $SYS --at "$(at "$nb")" --host ct.test pki/ct.test/fullchain.pem
want "ct: a system chain without SCTs" 1 apple.ct-required error
reason "ct: headline" apple.ct-required
tcj --policy apple $SYS --ct off --at "$(at "$nb")" --host ct.test pki/ct.test/fullchain.pem
want "ct: --ct off reports CT as not checked" 0 apple.ct-required info
has out.json "not checked" "ct: --ct off says so"
tcj --policy apple $USER --at "$(at "$nb")" --host ct.test pki/ct.test/fullchain.pem
want "ct: user roots never need SCTs" 0 apple.ct-required none
cut=$(ep 2018-10-16T00:00:00Z)
vleaf ctbefore.test $((cut - 1)) $((300 * DAY))
vleaf ctat.test "$cut" $((300 * DAY))
vleaf ctafter.test $((cut + 1)) $((300 * DAY))
tcj --policy apple $SYS --at "$(at $((cut - 1)))" --host ctbefore.test pki/ctbefore.test/fullchain.pem
want "ct: issued 1 s before 2018-10-16" 0 apple.ct-required none
tcj --policy apple $SYS --at "$(at "$cut")" --host ctat.test pki/ctat.test/fullchain.pem
want "ct: issued at 2018-10-16" 1 apple.ct-required error
tcj --policy apple $SYS --at "$(at $((cut + 1)))" --host ctafter.test pki/ctafter.test/fullchain.pem
want "ct: issued 1 s after 2018-10-16" 1 apple.ct-required error

# SCTs that cannot be verified never count (verified counting: test_ct.sh).  The
# list holds 3 SCTs signed by nobody: without a log list the rule fails saying so;
# with one, each SCT is reported as from an unknown log and the rule still fails.
sct() { # one serialized SCT with log id byte $1
	printf '0033' # length 51
	printf '00'   # v1
	i=0; while [ $i -lt 32 ]; do printf '%s' "$1"; i=$((i + 1)); done
	printf '0000018f00000000' # timestamp
	printf '0000'             # no extensions
	printf '0403'             # sha256 / ecdsa
	printf '000430020100'     # 4-byte signature
}
sctext() { # N: the extension value holding N SCTs
	body=""
	k=1; while [ "$k" -le "$1" ]; do body="$body$(sct "0$k")"; k=$((k + 1)); done
	len=$((${#body} / 2))
	list=$(printf '%04x' "$len")$body
	llen=$((${#list} / 2))
	printf '1.3.6.1.4.1.11129.2.4.2=DER:04%s%s' "$(printf '81%02x' "$llen")" "$list"
}
base="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth"
mkleaf sct3 "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "$base
subjectAltName=DNS:sct3.test
$(sctext 3)"
tcj --policy apple $SYS --at "$(at "$nb")" --host sct3.test sct3.pem
want "ct: 3 unverifiable SCTs, no log list" 1 apple.ct-required error
has out.json "3 SCTs cannot be verified: no CT log list" "ct: the finding names the missing log list"
"$CERTGEN" -q --dir pki ct-log || bad "certgen ct-log"
tcj --policy apple $SYS --at "$(at "$nb")" --host sct3.test --ct-log-list pki/ct/log-list.json sct3.pem
want "ct: 3 SCTs from logs not in the list" 1 apple.ct-required error
want "ct: each is from an unknown log" 1 ct.sct.unknown-log warning

# ---- EKU rules ----
A="--at $(at "$nb")"
mkleaf noeku "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectAltName=DNS:noeku.test"
tcj --policy apple $USER $A --host noeku.test noeku.pem
want "eku-serverauth-required: no EKU, user root (published rule)" 1 apple.eku-serverauth-required error
has out.json "skips chains to user-installed roots" "eku-serverauth-required: says what devices do"
tcj --policy apple $SYS --ct off $A --host noeku.test noeku.pem
want "eku-serverauth-system: no EKU, system root" 1 apple.eku-serverauth-system error
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "eku-serverauth-required: serverAuth passes" 0 apple.eku-serverauth-required pass
cut=$(ep 2019-07-01T00:00:00Z)
mkleaf ekubefore "$(ossl $((cut - 1)))" "$(ossl $((cut + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectAltName=DNS:ekubefore.test"
mkleaf ekuat "$(ossl "$cut")" "$(ossl $((cut + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectAltName=DNS:ekuat.test"
mkleaf ekuafter "$(ossl $((cut + 1)))" "$(ossl $((cut + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectAltName=DNS:ekuafter.test"
tcj --policy apple $USER --at "$(at "$cut")" --host ekubefore.test ekubefore.pem
want "eku-serverauth-required: issued 1 s before 2019-07-01" 0 apple.eku-serverauth-required none
tcj --policy apple $USER --at "$(at "$cut")" --host ekuat.test ekuat.pem
want "eku-serverauth-required: issued at 2019-07-01" 1 apple.eku-serverauth-required error
tcj --policy apple $USER --at "$(at "$cut")" --host ekuafter.test ekuafter.pem
want "eku-serverauth-required: issued 1 s after 2019-07-01" 1 apple.eku-serverauth-required error

mkleaf anyeku "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=anyExtendedKeyUsage
subjectAltName=DNS:anyeku.test"
tcj --policy apple $SYS --ct off $A --host anyeku.test anyeku.pem
want "eku-serverauth-system: anyEKU is not enough" 1 apple.eku-serverauth-system error
want "eku-loose: anyEKU is enough" 1 apple.eku-loose pass
tcj --policy apple $SYS --ct off $A --host ct.test pki/ct.test/fullchain.pem
want "eku-serverauth-system: serverAuth passes" 0 apple.eku-serverauth-system pass
mkleaf clienteku "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:clienteku.test"
tcj --policy apple $USER $A --host clienteku.test clienteku.pem
want "eku-loose: clientAuth only" 1 apple.eku-loose error

"$CERTGEN" -q --dir pki intermediate midc --eku clientAuth --not-before 2020-01-01T00:00:00Z \
	--not-after 2040-01-01T00:00:00Z || bad "certgen intermediate --eku clientAuth"
"$CERTGEN" -q --dir pki intermediate mids --eku serverAuth --not-before 2020-01-01T00:00:00Z \
	--not-after 2040-01-01T00:00:00Z || bad "certgen intermediate --eku serverAuth"
"$CERTGEN" -q --force --dir pki leaf midc.test --issuer midc 2>/dev/null || bad "leaf under midc"
"$CERTGEN" -q --dir pki leaf mids.test --issuer mids || bad "leaf under mids"
tcj --policy apple $USER --host midc.test pki/midc.test/fullchain.pem
want "eku-intermediate: clientAuth intermediate" 1 apple.eku-intermediate error
tcj --policy apple $USER --host mids.test pki/mids.test/fullchain.pem
want "eku-intermediate: serverAuth intermediate" 0 apple.eku-intermediate pass

# ---- apple.tls-keyusage, apple.san-required ----
mkleaf kuka "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,keyAgreement
extendedKeyUsage=serverAuth
subjectAltName=DNS:kuka.test"
tcj --policy apple $USER $A --host kuka.test kuka.pem
want "tls-keyusage: keyAgreement without digitalSignature" 1 apple.tls-keyusage error
reason "tls-keyusage: headline" apple.tls-keyusage
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "tls-keyusage: certgen's digitalSignature leaf" 0 apple.tls-keyusage pass
mkleaf cnonly "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth"
tcj --policy apple $USER $A --host cnonly cnonly.pem
want "san-required: the host only in the CN" 1 apple.san-required error
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "san-required: SAN present" 0 apple.san-required pass

# ---- key sizes and algorithms, every certificate ----
mk_keyleaf() {
	mkleaf "$1" "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$1.test" "$2"
}
mk_keyleaf rsa1024 RSA:1024
mk_keyleaf rsa2048 RSA:2048
mk_keyleaf p224 EC:P-224
tcj --policy apple $USER $A --host rsa1024.test rsa1024.pem
want "rsa-min-2048: RSA 1024" 1 apple.rsa-min-2048 error
want "weak-key: RSA 1024 is not fatally weak" 1 apple.weak-key pass
tcj --policy apple $USER $A --host rsa2048.test rsa2048.pem
want "rsa-min-2048: RSA 2048" 0 apple.rsa-min-2048 pass
tcj --policy apple $USER $A --host p224.test p224.pem
want "ec-min-256: P-224" 1 apple.ec-min-256 error
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "ec-min-256: P-256" 0 apple.ec-min-256 pass
"$CERTGEN" -q --force --dir pki leaf ed.test --key ed25519 2>/dev/null || bad "certgen ed25519 leaf"
tcj --policy apple $USER --host ed.test pki/ed.test/fullchain.pem
want "key-algorithm: Ed25519 leaf" 1 apple.key-algorithm error
if [ "$(sev apple.weak-key)" = error ]; then ok; else bad "weak-key: Ed25519 is not an RSA/EC key"; fi
if openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:768 -out /dev/null 2>/dev/null; then
	mk_keyleaf rsa768 RSA:768
	tcj --policy apple $USER $A --host rsa768.test rsa768.pem
	want "weak-key: RSA 768" 1 apple.weak-key error
fi

# ---- apple.sha2-required ----
mkleaf sha1 "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:sha1.test" EC:P-256 sha1
tcj --policy apple $USER $A --host sha1.test sha1.pem
want "sha2-required: SHA-1 leaf" 1 apple.sha2-required error
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "sha2-required: SHA-256 chain" 0 apple.sha2-required pass

# ---- names: apple.dns-match, apple.wildcard, apple.dns-name-syntax, apple.ip-san ----
nleaf() { # NAME SAN-LIST
	mkleaf "$1" "$(ossl "$nb")" "$(ossl $((nb + 199 * DAY)))" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$2"
}
nleaf wild 'DNS:*.example.com'
nleaf partial 'DNS:f*.example.com'
nleaf suffix 'DNS:*.co.uk'
nleaf odd 'DNS:odd.test,DNS:trailing.test.'
nleaf ipsan 'IP:192.0.2.1'
nleaf ipdns 'DNS:192.0.2.1'
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "dns-match: the host" 0 apple.dns-match pass
tcj --policy apple $USER $A --host other.test pki/ct.test/fullchain.pem
want "dns-match: another host" 1 apple.dns-match error
tcj --policy apple $USER $A --host a.example.com wild.pem
want "wildcard: one label" 0 apple.dns-match pass
want "wildcard: one label is fine" 0 apple.wildcard none
tcj --policy apple $USER $A --host b.a.example.com wild.pem
want "wildcard: two labels" 1 apple.wildcard error
tcj --policy apple $USER $A --host foo.example.com partial.pem
want "wildcard: partial label" 1 apple.wildcard error
tcj --policy apple $USER $A --host x.co.uk suffix.pem
want "wildcard: over a public suffix" 1 apple.wildcard error
tcj --policy apple $USER $A --host odd.test odd.pem
want "dns-name-syntax: a trailing dot is ignored by devices" 0 apple.dns-name-syntax warning
tcj --policy apple $USER $A --host ct.test pki/ct.test/fullchain.pem
want "dns-name-syntax: plain names" 0 apple.dns-name-syntax pass
tcj --policy apple $USER $A --ip 192.0.2.1 ipsan.pem
want "ip-san: SAN iPAddress" 0 apple.ip-san pass
tcj --policy apple $USER $A --ip 192.0.2.1 ipdns.pem
want "ip-san: an address in a DNS entry" 1 apple.ip-san error

# Remedies: every apple rule carries one, shown under a failure and in JSON.
tcj --policy apple $USER --ct off --at "$(at "$(ep 2025-01-01T00:00:00Z)")" --host p826.test pki/p826.test/fullchain.pem
has out.json '"remedy": "reissue with a validity of at most 825 days' "remedy in JSON"
"$TRUSTCHECK" --policy apple $USER --at "$(at "$(ep 2025-01-01T00:00:00Z)")" --host p826.test \
	pki/p826.test/fullchain.pem >out.txt 2>&1
has out.txt "fix: reissue with a validity of at most 825 days" "remedy under the text failure"
# The remedies' certgen commands give certificates that pass.
"$CERTGEN" -q --dir pki leaf fix825.test --days 824 || bad "certgen --days 824"
tcj --policy apple $USER --host fix825.test pki/fix825.test/fullchain.pem
want "remedy: --days 824 passes the private maximum" 0 apple.validity-max-private pass
"$CERTGEN" -q --dir pki leaf fix397.test --days 397 || bad "certgen --days 397"
tcj --policy apple $SYS --ct off --host fix397.test pki/fix397.test/fullchain.pem
want "remedy: --days 397 passes the system maximum" 0 apple.validity-max-system pass
python3 - "$top/policies" <<'PY' && ok || bad "every apple/ats rule has a remedy"
import json, sys
for name in ("apple", "ats"):
    for r in json.load(open(f"{sys.argv[1]}/{name}.json"))["rules"]:
        if not r.get("remedy"):
            sys.exit(f"{name}: {r['id']} has no remedy")
PY

# ---- apple.ca-basic-constraints, apple.ca-keyusage (rule 18), apple.temporal-validity (rule 19)
cat >ca-rules.json <<'JSON'
{ "format": 1,
  "certificates": [
    { "name": "root", "subject": "/CN=CA Rules Root" },
    { "name": "ok-inter", "issuer": "root", "profile": "ca" },
    { "name": "ok", "issuer": "ok-inter", "san": ["ok.test"] },
    { "name": "nobc-inter", "issuer": "root", "profile": "ca", "defects": ["no-basic-constraints"] },
    { "name": "nobc", "issuer": "nobc-inter", "san": ["nobc.test"] },
    { "name": "noku-inter", "issuer": "root", "profile": "ca", "key_usage": ["digitalSignature"] },
    { "name": "noku", "issuer": "noku-inter", "san": ["noku.test"] },
    { "name": "old", "issuer": "ok-inter", "san": ["old.test"],
      "validity": { "not_before": "now-30d", "not_after": "now-1d" } }
  ],
  "files": [
    { "path": "root.pem", "certs": ["root"] },
    { "path": "ok.pem", "certs": ["ok", "ok-inter"] },
    { "path": "nobc.pem", "certs": ["nobc", "nobc-inter"] },
    { "path": "noku.pem", "certs": ["noku", "noku-inter"] },
    { "path": "old.pem", "certs": ["old", "ok-inter"] }
  ] }
JSON
"$CERTGEN" -q apply ca-rules.json --out ca-rules || bad "certgen apply ca-rules.json"
cr() { tcj --policy apple --anchors ca-rules/root.pem --ct off --host "$1.test" "ca-rules/$1.pem"; }
cr ok
want "rule 18: a v3 CA intermediate" 0 apple.ca-basic-constraints pass
want "rule 18: keyUsage with keyCertSign" 0 apple.ca-keyusage pass
want "rule 19: every certificate in date" 0 apple.temporal-validity pass
cr nobc
want "rule 18: an intermediate without basicConstraints" 1 apple.ca-basic-constraints error
cr noku
want "rule 18: an intermediate whose keyUsage lacks keyCertSign" 1 apple.ca-keyusage error
cr old
want "rule 19: an expired leaf" 1 apple.temporal-validity error
tcj --policy apple --anchors ca-rules/root.pem --ct off --host ok.test --at 2099-01-01T00:00:00Z \
	ca-rules/ok.pem
want "rule 19: the anchor expired too" 1 apple.temporal-validity error
python3 -c 'import json
f = [x for p in [json.load(open("out.json"))] for x in p["paths"][p["chosen_path"]]["findings"]
     if x["id"] == "apple.temporal-validity" and x["severity"] == "error"]
assert {x["cert"] for x in f} == {0, 1, 2}, f' && ok || bad "rule 19 names every expired certificate, the anchor included"

tb_done apple-policy
