#!/bin/sh
# Policy files: --list-policies, strict parsing (exit 2 naming file, line and
# column), stacking and precedence, anchor origins, App Transport Security
# from policy JSON and from Info.plist (XML and binary), and SPKI pinning.
# Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
. "$top/tests/cli/policy_lib.sh"

"$CERTGEN" -q --dir pki ca || bad "certgen ca"
"$CERTGEN" -q --dir pki leaf api.example.com a.b.example.com example.com other.example.net \
	|| bad "certgen leaf"
CHAIN=pki/api.example.com/fullchain.pem

# ---- --list-policies ----
expect 0 "--list-policies" "$TRUSTCHECK" --list-policies
for p in rfc5280 tls-server tls-client webpki apple ats mtls; do
	has out.txt "^$p " "--list-policies names $p"
done
[ "$(wc -l <out.txt)" -ge 7 ] && ok || bad "--list-policies: one line per policy"

# ---- strict parsing ----
cat >unknown.json <<'EOF'
{
  "name": "mine",
  "rules": [
    {
      "id": "mine.x",
      "kind": "eku",
      "scope": { "origns": ["user"] }
    }
  ]
}
EOF
expect 2 "unknown key" "$TRUSTCHECK" --policy ./unknown.json --anchors pki/ca.pem $CHAIN
has err.txt "^trustcheck: ./unknown.json:7:18: rules\[0\].scope.origns: unknown key 'origns'" \
	"unknown key: file, line, column and key"
[ "$(wc -l <err.txt)" = 1 ] && ok || bad "unknown key: one line on stderr"
printf '{\n  "name": "x",\n  "rules": [ { "id": "a", "kind": "validity-max",\n    "params": { "max_days": "825" } } ]\n}\n' >type.json
expect 2 "wrong type" "$TRUSTCHECK" --policy ./type.json --anchors pki/ca.pem $CHAIN
has err.txt "type.json:4:29: rules\[0\].params.max_days: must be an integer, not a string" "wrong type message"
printf '{ "name": "x", "rules": [ { "id": "a", "kind": "validity-max", "params": { "max_days": 0 } } ] }' >range.json
expect 2 "impossible value" "$TRUSTCHECK" --policy ./range.json --anchors pki/ca.pem $CHAIN
has err.txt "range.json:1:[0-9]*: rules\[0\].params.max_days: 0 is outside 1..36500" "range message"
printf '{ "name": "x", "rules": [ { "id": "a", "kind": "no-such-kind" } ] }' >kind.json
expect 2 "unknown kind" "$TRUSTCHECK" --policy ./kind.json --anchors pki/ca.pem $CHAIN
has err.txt "unknown rule kind 'no-such-kind'" "unknown kind message"
printf '{ "name": "x",\n  "ats": { "NSExceptionDomains": { "Example.com": {} } } }' >case.json
expect 2 "upper-case ATS domain" "$TRUSTCHECK" --policy ./case.json --anchors pki/ca.pem $CHAIN
has err.txt "case.json:2:36: ats.NSExceptionDomains.Example.com: 'Example.com': write domains in lower case" \
	"ATS domain message"
printf '{ "name": "x",\n  "rules": [ }' >syntax.json
expect 2 "JSON syntax" "$TRUSTCHECK" --policy ./syntax.json --anchors pki/ca.pem $CHAIN
has err.txt "syntax.json:2:14:" "syntax error position"
printf '{ "name": "x", "pins": [ { "domain": "example.com", "ca": ["not-base64"] } ] }' >pin.json
expect 2 "bad pin" "$TRUSTCHECK" --policy ./pin.json --anchors pki/ca.pem $CHAIN
has err.txt "is not a base64 SHA-256 digest" "bad pin message"
expect 2 "unknown built-in" "$TRUSTCHECK" --policy nosuch --anchors pki/ca.pem $CHAIN
has err.txt "no built-in policy 'nosuch'" "unknown built-in message"

# ---- stacking and precedence ----
cat >short.json <<'EOF'
{ "name": "short", "rules": [
  { "id": "mine.short-leaf", "kind": "validity-max", "scope": { "certs": ["leaf"] },
    "params": { "max_days": 90 }, "remedy": "certgen leaf HOST --days 90" } ] }
EOF
cat >off.json <<'EOF'
{ "name": "off", "rules": [ { "id": "mine.short-leaf", "enabled": false } ] }
EOF
tcj --policy tls-server --policy ./short.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "stack: a later layer adds a rule" 1 mine.short-leaf error
has out.json '"policy": "tls-server+short"' "stack: the result names the stack"
tcj --policy tls-server --policy ./short.json --policy ./off.json --anchors pki/ca.pem \
	--host api.example.com $CHAIN
want "stack: a later layer disables it" 0 mine.short-leaf none
# Replacing an apple rule by id: a looser private maximum.
cat >loose.json <<'EOF'
{ "name": "loose", "rules": [
  { "id": "apple.validity-max-private", "kind": "validity-max",
    "scope": { "certs": ["leaf"], "origins": ["user", "app"] }, "params": { "max_days": 1000 } } ] }
EOF
"$CERTGEN" -q --force --dir pki leaf long.test --days 900 2>/dev/null || bad "900-day leaf"
tcj --policy apple --anchors pki/ca.pem --host long.test pki/long.test/fullchain.pem
want "apple alone: 900 days refused" 1 apple.validity-max-private error
tcj --policy apple --policy ./loose.json --anchors pki/ca.pem --host long.test pki/long.test/fullchain.pem
want "apple + loose: same id replaced" 0 apple.validity-max-private pass
# anchor_origins narrows: a system-only policy refuses a user root.
printf '{ "name": "sysonly", "anchor_origins": ["system"] }' >sysonly.json
tcj --policy tls-server --policy ./sysonly.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "anchor_origins: user root refused" 1 policy.anchor-origin error
tcj --policy tls-server --policy ./sysonly.json --system-anchors=pki/ca.pem --host api.example.com $CHAIN
want "anchor_origins: --system-anchors=FILE is system" 0 policy.anchor-origin none

# ---- ATS: app anchors, exceptions, precedence ----
tcj --policy ats --app-anchors pki/ca.pem --host api.example.com $CHAIN
want "ats: app anchors cannot loosen default trust" 1 ats.default-trust error
reason "ats: headline" ats.default-trust
tcj --policy apple --app-anchors pki/ca.pem --host api.example.com $CHAIN
want "apple without ATS: app anchors are fine" 0 ats.default-trust none
tcj --policy ats --anchors pki/ca.pem --host api.example.com $CHAIN
want "ats: user-installed root" 0 ats.default-trust pass
want "ats: TLS version needs a connection" 0 ats.tls-min-version info
has out.json '"needs": "connection"' "ats: connection rules marked"

mkats() { # NAME JSON-OF-ats: a policy with these ATS keys on top of ats.json
	printf '{ "name": "%s", "include": ["%s/policies/ats.json"], "ats": %s }' "$1" "$top" "$2" >"$1.json"
}
mkats insecure '{ "NSExceptionDomains": { "example.com": { "NSIncludesSubdomains": true,
	"NSExceptionAllowsInsecureHTTPLoads": true } } }'
tcj --policy ./insecure.json --app-anchors pki/ca.pem --host api.example.com $CHAIN
want "ats: NSExceptionAllowsInsecureHTTPLoads lets app anchors in (one label down)" 0 ats.default-trust warning
tcj --policy ./insecure.json --app-anchors pki/ca.pem --host example.com $CHAIN
want "ats: the exact domain" 0 ats.default-trust warning
tcj --policy ./insecure.json --app-anchors pki/ca.pem --host a.b.example.com $CHAIN
want "ats: NSIncludesSubdomains reaches one label only" 1 ats.default-trust error
mkats global '{ "NSAllowsArbitraryLoads": true, "NSExceptionDomains": { "api.example.com": {} } }'
tcj --policy ./global.json --app-anchors pki/ca.pem --host other.example.net $CHAIN
want "ats: NSAllowsArbitraryLoads for hosts without an entry" 0 ats.default-trust warning
has out.json "App Review asks for a justification of NSAllowsArbitraryLoads" "ats: review keys reported"
tcj --policy ./global.json --app-anchors pki/ca.pem --host api.example.com $CHAIN
want "ats: an empty entry replaces the global keys" 1 ats.default-trust error
mkats ignored '{ "NSAllowsArbitraryLoads": true, "NSAllowsLocalNetworking": true }'
tcj --policy ./ignored.json --app-anchors pki/ca.pem --host other.example.net $CHAIN
want "ats: NSAllowsArbitraryLoads ignored beside NSAllowsLocalNetworking" 1 ats.default-trust error
has out.json "is YES but ignored" "ats: the ignored key is reported"
mkats tls13 '{ "NSExceptionDomains": { "api.example.com": { "NSExceptionMinimumTLSVersion": "TLSv1.3" } } }'
tcj --policy ./tls13.json --anchors pki/ca.pem --host api.example.com $CHAIN
has out.json "negotiate TLSv1.3 or later" "ats: per-domain minimum TLS version recorded"

# ---- Info.plist: XML and binary, misspelled key ----
python3 - <<'PY' || bad "write plists"
import plistlib
ats = {"NSAppTransportSecurity": {"NSExceptionDomains": {"example.com": {
    "NSIncludesSubdomains": True, "NSExceptionAllowsInsecureHTTPLoads": True}}}}
typo = {"NSAppTransportSecurity": {"NSExceptionDomains": {"example.com": {
    "NSIncludesSubdomains": True, "NSExceptionAllowInsecureHTTPLoads": True}}}}
for name, d in (("xml", ats), ("typo", typo)):
    with open(f"{name}.plist", "wb") as f:
        plistlib.dump(d, f, fmt=plistlib.FMT_XML)
with open("bin.plist", "wb") as f:
    plistlib.dump(ats, f, fmt=plistlib.FMT_BINARY)
PY
head -c 6 bin.plist | grep -q bplist && ok || bad "bin.plist is a binary plist"
for f in xml bin; do
	tcj --ats-plist $f.plist --app-anchors pki/ca.pem --host api.example.com $CHAIN
	want "plist ($f): exception lets app anchors in" 0 ats.default-trust warning
	has out.json '"policy": "ats+info-plist"' "plist ($f): ats implied"
	tcj --ats-plist $f.plist --app-anchors pki/ca.pem --host other.example.net $CHAIN
	want "plist ($f): other hosts keep ATS" 1 ats.default-trust error
done
tcj --ats-plist typo.plist --app-anchors pki/ca.pem --host api.example.com $CHAIN
want "plist: a misspelled key is ignored, as on a device" 1 ats.default-trust error
has err.txt "unknown ATS key 'NSExceptionAllowInsecureHTTPLoads'.*did you mean 'NSExceptionAllowsInsecureHTTPLoads'" \
	"plist: misspelled key warning names the closest key"
printf 'not a plist' >junk.plist
expect 2 "plist: not a plist" "$TRUSTCHECK" --ats-plist junk.plist --anchors pki/ca.pem $CHAIN
has err.txt "junk.plist: not a property list" "plist: junk message"

# ---- SPKI pinning: CA vs leaf identities ----
CAPIN=$("$CERTGEN" pin pki/ca.pem)
LEAFPIN=$("$CERTGEN" pin pki/api.example.com/cert.pem)
"$CERTGEN" -q --dir other ca || bad "second CA"
OTHERPIN=$("$CERTGEN" pin other/ca.pem)
pins() { # NAME CA-LIST LEAF-LIST: NSPinnedDomains for example.com (+ one label)
	printf '{ "name": "%s", "include": ["%s/policies/ats.json"], "ats": { "NSPinnedDomains": { "example.com": { "NSIncludesSubdomains": true%s%s } } } }' \
		"$1" "$top" "${2:+, \"NSPinnedCAIdentities\": [$2]}" "${3:+, \"NSPinnedLeafIdentities\": [$3]}" >"$1.json"
}
id() { printf '{ "SPKI-SHA256-BASE64": "%s" }' "$1"; }
pins pin-ca "$(id "$CAPIN")" ""
tcj --policy ./pin-ca.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins: CA identity matches the anchor" 0 ats.pinned-domains pass
pins pin-other "$(id "$OTHERPIN")" ""
tcj --policy ./pin-other.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins: wrong CA identity" 1 ats.pinned-domains error
has out.json "expected $OTHERPIN" "pins: failure names the expected pin"
has out.json "cert 1 $CAPIN" "pins: failure names the pins found"
pins pin-leafasca "$(id "$LEAFPIN")" ""
tcj --policy ./pin-leafasca.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins: a leaf key is not a CA identity" 1 ats.pinned-domains error
pins pin-leaf "" "$(id "$LEAFPIN")"
tcj --policy ./pin-leaf.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins: leaf identity" 0 ats.pinned-domains pass
pins pin-both "$(id "$CAPIN")" "$(id "$CAPIN")"
tcj --policy ./pin-both.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins: both given, leaf wrong" 1 ats.pinned-domains error
tcj --policy ./pin-other.json --anchors pki/ca.pem --host a.b.example.com $CHAIN
want "pins: two labels down is not covered" 0 ats.pinned-domains none
printf '{ "name": "p", "pins": [ { "domain": "api.example.com", "leaf": ["%s"] } ] }' "$OTHERPIN" >jpin.json
tcj --policy tls-server --policy ./jpin.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins from policy JSON" 1 pin.spki error
has out.json "expected $OTHERPIN; found $LEAFPIN" "pins (JSON): expected and found"
python3 - "$OTHERPIN" <<'PY' || bad "write pinned plist"
import plistlib, sys
d = {"NSAppTransportSecurity": {"NSPinnedDomains": {"api.example.com": {
    "NSPinnedCAIdentities": [{"SPKI-SHA256-BASE64": sys.argv[1]}]}}}}
with open("pin.plist", "wb") as f:
    plistlib.dump(d, f, fmt=plistlib.FMT_BINARY)
PY
tcj --ats-plist pin.plist --anchors pki/ca.pem --host api.example.com $CHAIN
want "pins from a binary Info.plist" 1 ats.pinned-domains error

# ---- more ATS keys ----
mkats nofs '{ "NSExceptionDomains": { "api.example.com": { "NSExceptionRequiresForwardSecrecy": false } } }'
tcj --policy ats --anchors pki/ca.pem --host api.example.com $CHAIN
want "ats.key-size runs by default" 0 ats.key-size pass
tcj --policy ./nofs.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "ats.key-size is removed by NSExceptionRequiresForwardSecrecy NO" 0 ats.key-size none
has out.json "RSA key-transport suites are also accepted" "ats: forward secrecy off recorded"
mkats ct '{ "NSExceptionDomains": { "api.example.com": { "NSRequiresCertificateTransparency": true } } }'
tcj --policy ./ct.json --anchors pki/ca.pem --host api.example.com $CHAIN
want "ats: NSRequiresCertificateTransparency YES on a private chain (legacy)" 1 ats.settings error
has out.json "NSRequiresCertificateTransparency is obsolete" "ats: obsolete key warned"
tcj --policy ./ct.json --anchors pki/ca.pem --ct off --host api.example.com $CHAIN
want "ats: --ct off skips the legacy CT rule (the obsolete key still warns)" 0 ats.settings warning
mkleaf sha224 20250101000000Z 20450101000000Z "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:sha224.test" EC:P-256 sha224
tcj --policy ats --anchors pki/ca.pem --host sha224.test sha224.pem
want "ats.sha256-min: SHA-224 fails under ATS" 1 ats.sha256-min error
want "apple.sha2-required: SHA-224 is not on trustd's list" 1 apple.sha2-required pass

# Local hosts are outside ATS unless NSAllowsLocalNetworking is NO.
"$CERTGEN" -q --dir pki leaf localhost 127.0.0.1 || bad "certgen leaf localhost"
tcj --policy ats --app-anchors pki/ca.pem --ip 127.0.0.1 pki/localhost/fullchain.pem
want "ats: an IP host is not subject to ATS" 0 ats.default-trust warning
mkats nolocal '{ "NSAllowsLocalNetworking": false }'
tcj --policy ./nolocal.json --app-anchors pki/ca.pem --ip 127.0.0.1 pki/localhost/fullchain.pem
want "ats: NSAllowsLocalNetworking NO puts local hosts back under ATS" 1 ats.default-trust error

# ---- the README's commands, as printed ----
mkdir readme
"$CERTGEN" -q --dir readme ca && "$CERTGEN" -q --dir readme leaf api.example.com 127.0.0.1 ||
	bad "README: the tour's PKI"
python3 - "$top/README.md" "$tmp/readme" "$CERTGEN" "$TRUSTCHECK" "$top" <<'PY' && ok || bad "README: ATS commands"
import subprocess, sys
readme, pki, certgen, trustcheck, top = sys.argv[1:]
text = open(readme).read()
section = text.split("### Will iOS and macOS accept it?")[1].split("The same search as a picture")[0]
lines = section.splitlines()
cmds, i = [], 0
while i < len(lines):
    if lines[i].startswith("$ "):
        cmd = lines[i][2:]
        while cmd.endswith("\\"):
            i += 1
            cmd = cmd[:-1] + lines[i].strip()
        expect = lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith(("$", "```")) else None
        cmds.append((cmd, expect))
    i += 1
assert len(cmds) >= 3, cmds
for cmd, expect in cmds:
    cmd = cmd.replace("/tmp/pki", pki).replace("build/certgen", certgen).replace("build/trustcheck", trustcheck)
    out = subprocess.run(cmd, shell=True, cwd=top, capture_output=True, text=True)
    first = out.stdout.splitlines()[0] if out.stdout else ""
    if expect and first != expect:
        sys.exit(f"README: '{cmd}' printed '{first}', README shows '{expect}'")
    if "--policy ats" in cmd and "fix: reissue with a validity of at most 825 days" not in out.stdout:
        sys.exit("README: the fix line is missing")
PY

# ---- docs/policy-format.md documents every rule kind and every ATS key ----
python3 - "$top" <<'PY' && ok || bad "policy-format.md is complete"
import re, sys
top = sys.argv[1]
doc = open(f"{top}/docs/policy-format.md").read()
kinds = re.findall(r'\{ "([a-z-]+)", [a-z_]+params', open(f"{top}/trust/policy_kinds.c").read())
assert len(kinds) >= 12, kinds
missing = [k for k in kinds if f"**{k}**" not in doc and f"`{k}`" not in doc]
load = open(f"{top}/trust/policy_load.c").read()
ats_keys = set(re.findall(r'"(NS[A-Za-z]+)"', load))
missing += [k for k in sorted(ats_keys) if f"`{k}`" not in doc]
if missing:
    sys.exit(f"undocumented: {missing}")
PY

tb_done policies
