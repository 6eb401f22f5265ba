#!/bin/sh
# trustcheck --email / --uri: a client certificate's SAN rfc822Name checked
# against the reference identity (local part exact, domain in any case), and
# malformed references refused as usage errors.  Needs TRUSTCHECK and CERTGEN.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
tb_show_out="$tmp/out.txt"
tb_show_err="$tmp/err.txt"

export CERTGEN_DIR="$tmp/pki"
"$CERTGEN" --quiet ca >/dev/null 2>&1 || bad "certgen ca"
"$CERTGEN" --quiet client svc --email Svc@example.com --cert-file svc.pem >/dev/null 2>&1 ||
	bad "certgen client"
C="svc.pem --anchors $CERTGEN_DIR/ca.pem --purpose client"

expect 0 "the SAN email matches" "$TRUSTCHECK" $C --email Svc@example.com
has out.txt "TRUSTED" "verdict line"
expect 0 "the domain matches in any case" "$TRUSTCHECK" $C --email Svc@EXAMPLE.COM
expect 1 "the local part is case-sensitive" "$TRUSTCHECK" $C --email svc@example.com
has out.txt "names.email.mismatch" "mismatch rule named"
has out.txt "email:Svc@example.com" "the certificate's email names listed"
expect 1 "a URI the certificate lacks" "$TRUSTCHECK" $C --uri spiffe://example.org/svc
has out.txt "names.uri.mismatch" "URI mismatch rule named"
expect 2 "an email without @" "$TRUSTCHECK" $C --email svc.example.com
has err.txt "svc.example.com" "the bad email named"
expect 2 "a URI without a scheme" "$TRUSTCHECK" $C --uri example.org/svc
has err.txt "no scheme" "what is wrong said"

tb_done client-names-cli
