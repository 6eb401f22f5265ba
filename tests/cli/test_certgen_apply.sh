#!/bin/sh
# certgen apply: the example fixtures of docs/fixtures.md build hierarchies that
# trustcheck judges as the documents say; strict parsing; the bad catalogue is
# one description shared by certgen bad and certgen apply.  Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
fx="$top/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
cg() { "$CERTGEN" "$@"; }
tc() { "$TRUSTCHECK" "$@"; }
tb_show_err=err.txt

# ---- cross-signed migration (Let's Encrypt, September 2021)
expect 0 "apply cross.json" cg apply "$fx/cross.json" --out le
expect 0 "the new root alone is enough" tc --anchors le/cross/new-root.pem --host cross.example.com \
	le/cross/chain.pem
expect 1 "the old root alone is not (it and the cross-sign expired)" tc --anchors le/cross/old-root.pem \
	--host cross.example.com le/cross/chain.pem
has out.txt "expired" "the old-root rejection says expired"
openssl x509 -in le/cross/cross.pem -noout -enddate >d.txt
has d.txt "notAfter=Sep 30 00:00:00 2021 GMT" "the cross-sign ends 2021-09-30 as declared"
[ "$(openssl x509 -in le/cross/cross.pem -noout -pubkey)" = \
  "$(openssl x509 -in le/cross/new-root.pem -noout -pubkey)" ] && ok || bad "cross-sign has the new root's key"

# ---- mTLS with two client CAs
expect 0 "apply mtls.json" cg apply "$fx/mtls.json" --out mtls
expect 0 "server certificate" tc --anchors mtls/root.pem --host api.mtls.example mtls/server/fullchain.pem
expect 0 "client of the first client CA" tc --anchors mtls/root.pem --purpose client mtls/alice/fullchain.pem
expect 0 "client of the second client CA" tc --anchors mtls/root.pem --purpose client \
	mtls/sensor-7/fullchain.pem
expect 1 "a client certificate is no server certificate" tc --anchors mtls/root.pem \
	--host api.mtls.example mtls/alice/fullchain.pem
has out.txt "rfc5280.eku" "the rejection names the EKU rule"
expect 0 "openssl: client of CA 1 against the client CA bundle" openssl verify -purpose sslclient \
	-partial_chain -CAfile mtls/client-cas.pem mtls/alice/fullchain.pem
[ "$(grep -c BEGIN mtls/client-cas.pem)" = 2 ] && ok || bad "client-cas.pem holds both client CAs"
[ "$(stat -c %a mtls/alice/key.pem)" = 600 ] && ok || bad "keys are 0600"

# ---- name-constrained intermediate
expect 0 "apply name-constrained.json" cg apply "$fx/name-constrained.json" --out nc
expect 0 "a name inside the constraints" tc --anchors nc/root.pem --host www.corp.example nc/www/fullchain.pem
expect 0 "an address inside the constraints" tc --anchors nc/root.pem --ip 10.1.2.3 nc/www/fullchain.pem
expect 1 "a name outside the permitted subtree" tc --anchors nc/root.pem --host www.other.example \
	nc/outside/fullchain.pem
has out.txt "rfc5280.nc.permitted" "rejected by the permitted subtree"
expect 1 "a name in the excluded subtree" tc --anchors nc/root.pem --host vault.corp.example \
	nc/excluded/fullchain.pem
has out.txt "rfc5280.nc.excluded" "rejected by the excluded subtree"
openssl x509 -in nc/www/fullchain.pem -noout -issuer >/dev/null && ok || bad "leaf readable"

# ---- defaults, --force, JSON
expect 0 "default output under the state directory" cg --dir st apply "$fx/mtls.json"
[ -f st/fixtures/mtls/root.pem ] && ok || bad "default --out is STATE/fixtures/NAME"
expect 1 "applying again is refused" cg --dir st apply "$fx/mtls.json"
has err.txt "--force" "the refusal names --force"
expect 0 "--force rebuilds" cg --dir st --force --format json apply "$fx/mtls.json"
python3 -c 'import json,sys; d=json.load(open("out.txt")); assert len(d["files"]) == 8' && ok ||
	bad "JSON lists the 8 files"

# ---- strict parsing: one line naming the file and the problem, exit 2, nothing written
doc() { printf '{"format": 1, "certificates": [%s], "files": [%s]}\n' "$1" "$2" >bad.json; }
refuse() {
	expect 2 "$1" cg apply bad.json --out refused
	has err.txt "bad.json" "$1: the error names the file"
	has err.txt "$2" "$1: the error says what"
	[ "$(wc -l <err.txt)" = 1 ] && ok || bad "$1: one line"
	[ -e refused ] && bad "$1: something was written" || ok
}
doc '{"name": "r", "sans": ["x"]}' '{"path": "r.pem", "certs": ["r"]}'
refuse "an unknown key" "unknown key 'sans'"
doc '{"name": "r", "issuer": "nobody"}' '{"path": "r.pem", "certs": ["r"]}'
refuse "a dangling issuer" "issuer 'nobody'"
doc '{"name": "a", "issuer": "b"}, {"name": "b", "issuer": "a"}' '{"path": "a.pem", "certs": ["a"]}'
refuse "an issuer cycle" "cycle"
doc '{"name": "r"}' '{"path": "../r.pem", "certs": ["r"]}'
refuse "a path escaping the output" "relative path"
doc '{"name": "r"}' '{"path": "r.pem", "certs": ["r"]}, {"path": "s.pem", "certs": ["s"]}'
refuse "a file naming no certificate" "names no certificate"
doc '{"name": "r", "validity": {"not_after": "tomorrow"}}' '{"path": "r.pem", "certs": ["r"]}'
refuse "a bad time" "RFC 3339"
doc '{"name": "r", "defects": ["cursed"]}' '{"path": "r.pem", "certs": ["r"]}'
refuse "an unknown defect" "unknown defect 'cursed'"
doc '{"name": "r", "san": ["${nowhere}"]}' '{"path": "r.pem", "certs": ["r"]}'
refuse "an unknown variable" 'nowhere'
printf '{"format": 1, "format": 1}' >bad.json
refuse "a duplicate key" "duplicate"

# ---- deliberate defects and absolute/relative validity
cat >defects.json <<'J'
{ "format": 1, "vars": { "host": "d.example" },
  "certificates": [
    { "name": "root" },
    { "name": "leaf", "issuer": "root", "san": ["${host}"], "defects": ["bad-signature", "no-ski"],
      "validity": { "not_before": "now-2h", "days": 3 } },
    { "name": "nobc", "issuer": "root", "san": ["${host}"], "defects": ["no-basic-constraints"],
      "digest": "sha384", "eku": ["serverAuth", "clientAuth"] }
  ],
  "files": [ { "path": "root.pem", "certs": ["root"] }, { "path": "leaf.pem", "certs": ["leaf"] },
             { "path": "nobc.pem", "certs": ["nobc"] } ] }
J
expect 0 "apply with defects and --var" cg apply defects.json --out d --var host=v.example
expect 1 "the wrong signature is caught" tc --anchors d/root.pem --host v.example d/leaf.pem
has out.txt "rfc5280.signature.invalid" "bad-signature defect"
openssl x509 -in d/leaf.pem -noout -text >t.txt
grep -q "Subject Key Identifier" t.txt && bad "no-ski defect left an SKI" || ok
has t.txt "DNS:v.example" "--var overrides the document's vars"
openssl x509 -in d/nobc.pem -noout -text >t.txt
grep -q "Basic Constraints" t.txt && bad "no-basic-constraints left the extension" || ok
has t.txt "ecdsa-with-SHA384" "digest sha384"
has t.txt "TLS Web Client Authentication" "eku list"

# ---- one catalogue for certgen bad and certgen apply
expect 0 "certgen bad --all" cg bad --all viabad
expect 0 "certgen apply fixtures/bad.json" cg apply "$fx/bad.json" --out viaapply
(cd viabad && ls) >a.txt
(cd viaapply && ls) >b.txt
cmp -s a.txt b.txt && ok || bad "the same kinds either way"
[ "$(wc -l <a.txt)" -ge 21 ] && ok || bad "at least 21 kinds"
same=0
for k in $(cat a.txt); do cmp -s "viabad/$k/case.json" "viaapply/$k/case.json" || same=1; done
[ $same = 0 ] && ok || bad "case.json identical either way"
expect 0 "apply one case with a host" cg apply "$fx/bad.json" --case wildcard-too-broad \
	--var host=www.test.local --var tld=local --out one
has one/wildcard-too-broad/case.json '"host": "wildcard.local"' "case host from variables"
expect 2 "an unknown case" cg apply "$fx/bad.json" --case no-such-case --out one
has err.txt "no-such-case" "names the unknown case"

tb_done certgen-apply
