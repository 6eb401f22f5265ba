#!/bin/sh
# trustcheck --policy mtls end to end on certgen client certificates: clientAuth
# required, only configured CAs, and the allow-list kinds (anchor and client
# pins, subject and SAN patterns) stacked from a deployment's own file.
# Needs TRUSTCHECK and CERTGEN.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
tb_show_out="$tmp/out.txt"
tb_show_err="$tmp/err.txt"

export CERTGEN_DIR="$tmp/pki"
"$CERTGEN" --quiet ca >/dev/null 2>&1 || { bad "certgen ca"; tb_done mtls-cli; exit 1; }
root="$CERTGEN_DIR/ca.pem"
"$CERTGEN" --quiet client svc-a --email svc-a@example.com --cert-file svc-a.pem >/dev/null 2>&1
"$CERTGEN" --quiet client intruder --cert-file intruder.pem >/dev/null 2>&1
"$CERTGEN" --quiet leaf web.test --cert-file server.pem >/dev/null 2>&1
root_pin=$("$CERTGEN" pin "$root")
svc_pin=$("$CERTGEN" pin svc-a.pem)
[ -n "$root_pin" ] && [ -n "$svc_pin" ] || bad "certgen pin printed nothing"

M="--purpose client --policy mtls"

expect 0 "client certificate from the configured CA" "$TRUSTCHECK" svc-a.pem --anchors "$root" $M
has out.txt "TRUSTED" "verdict line"
expect 1 "a server certificate is no client" "$TRUSTCHECK" server.pem --anchors "$root" $M
has out.txt "mtls.eku.client-auth" "clientAuth rule named"
expect 1 "the CA as a system anchor is not a configured CA" "$TRUSTCHECK" svc-a.pem \
	--system-anchors="$root" $M
has out.txt "policy.anchor-origin" "anchor origin named"

# A deployment's overlay: only this CA (by pin), only svc-* clients.
cat >clients.json <<JSON
{
  "name": "clients",
  "rules": [
    { "id": "mtls.anchor.pinned", "kind": "anchor-pins",
      "params": { "spki_sha256": ["$root_pin"] } },
    { "id": "mtls.client.names", "kind": "client-names",
      "params": { "subjects": ["CN=svc-*"] } }
  ]
}
JSON
expect 0 "allowed client through the overlay" "$TRUSTCHECK" svc-a.pem --anchors "$root" $M \
	--policy ./clients.json
expect 1 "client outside the name allow-list" "$TRUSTCHECK" intruder.pem --anchors "$root" $M \
	--policy ./clients.json
has out.txt "mtls.client.names" "name rule named"

# Anchor pin that is not this CA's: refused even though the CA is configured.
other_pin=$(printf '%s' "$svc_pin")
sed "s|$root_pin|$other_pin|" clients.json >other-ca.json
expect 1 "CA not in the anchor pins" "$TRUSTCHECK" svc-a.pem --anchors "$root" $M \
	--policy ./other-ca.json
has out.txt "mtls.anchor.pinned" "anchor pin rule named"

# Client pins: exactly one client key allowed.
cat >pinned.json <<JSON
{ "name": "pinned", "rules": [ { "id": "mtls.client.pinned", "kind": "client-pins",
  "params": { "spki_sha256": ["$svc_pin"] } } ] }
JSON
expect 0 "pinned client" "$TRUSTCHECK" svc-a.pem --anchors "$root" $M --policy ./pinned.json
expect 1 "unpinned client" "$TRUSTCHECK" intruder.pem --anchors "$root" $M --policy ./pinned.json
has out.txt "mtls.client.pinned" "client pin rule named"
sed "s|$svc_pin|not-a-pin|" pinned.json >badpin.json
expect 1 "a malformed pin fails closed" "$TRUSTCHECK" svc-a.pem --anchors "$root" $M \
	--policy ./badpin.json
has out.txt "not-a-pin" "the broken pin is named"

# SAN patterns: the client's email SAN is what the allow-list names.
cat >sans.json <<JSON
{ "name": "sans", "rules": [ { "id": "mtls.client.sans", "kind": "client-names",
  "params": { "sans": ["email:*@example.com", "URI:spiffe://example.org/*"] } } ] }
JSON
expect 0 "client whose email SAN is allowed" "$TRUSTCHECK" svc-a.pem --anchors "$root" $M \
	--policy ./sans.json
expect 1 "client without an allowed SAN" "$TRUSTCHECK" intruder.pem --anchors "$root" $M \
	--policy ./sans.json
has out.txt "mtls.client.sans" "SAN rule named"
cat >empty.json <<JSON
{ "name": "empty", "rules": [ { "id": "mtls.client.none", "kind": "client-names" } ] }
JSON
expect 1 "a name rule without patterns fails closed" "$TRUSTCHECK" svc-a.pem --anchors "$root" \
	$M --policy ./empty.json
has out.txt "no subject or SAN pattern" "the empty rule says why"

tb_done mtls-cli
