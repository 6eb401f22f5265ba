#!/bin/sh
# trustcheck's command line: exit codes, messages and output switches on the
# generated fixtures.  Needs TRUSTCHECK (the binary) and TRUST_FIXTURES.
# TRUSTCHECK_WRAPPER runs every invocation under a checker, e.g.
#   TRUSTCHECK_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99"
set -u
TC=${TRUSTCHECK:?set TRUSTCHECK to the trustcheck binary}
WRAP=${TRUSTCHECK_WRAPPER:-}
F=${TRUST_FIXTURES:?set TRUST_FIXTURES to the generated fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/lib.sh"

# run NAME WANT_EXIT ARGS...: runs trustcheck, keeps stdout/stderr in $tmp.
run() {
	name=$1 want=$2
	shift 2
	$WRAP "$TC" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "$name: exit $rc, want $want; stderr: $(head -c 300 "$tmp/err")"
	fi
}
out_has() { if grep -q -- "$2" "$tmp/out"; then ok; else bad "$1: stdout lacks '$2'"; fi; }
first_line() {
	line=$(head -n 1 "$tmp/out")
	case "$line" in "$2"*) ok ;; *) bad "$1: first line is '$line', want '$2...'" ;; esac
}
out_empty() { if [ -s "$tmp/out" ]; then bad "$1: stdout not empty"; else ok; fi; }
err_empty() { if [ -s "$tmp/err" ]; then bad "$1: stderr not empty: $(head -c 200 "$tmp/err")"; else ok; fi; }
# err_line NAME PATTERN: exactly one line on stderr, naming PATTERN.
err_line() {
	n=$(wc -l <"$tmp/err")
	if [ "$n" -ne 1 ]; then bad "$1: $n lines on stderr, want 1"; return; fi
	if grep -q -- "^trustcheck: .*$2" "$tmp/err"; then ok; else
		bad "$1: stderr '$(cat "$tmp/err")' lacks '$2'"
	fi
}

A="--anchors $F/good/root.pem"
H="--host good.example.com"

# Verdicts
run "good chain" 0 "$F/good/chain.pem" $A $H
first_line "good chain" "TRUSTED  good.example.com"
out_has "good chain lists the leaf" "0  leaf    CN=good.example.com"
out_has "good chain shows SANs" "SAN DNS:good.example.com"
out_has "good chain shows the user anchor" "anchor  CN=Fixture Root (user)"
err_empty "good chain"
run "good chain by IP" 0 "$F/good/chain.pem" $A --ip 127.0.0.1
run "good chain by IPv6" 0 "$F/good/chain.pem" $A --ip ::1
run "wrong IP" 1 "$F/good/chain.pem" $A --ip 10.0.0.1
run "wrong host" 1 "$F/wronghost/chain.pem" $A $H
first_line "wrong host" "NOT TRUSTED  good.example.com"
out_has "wrong host says why" "because names.dns.mismatch"
run "wrong host under rfc5280 only" 0 "$F/wronghost/chain.pem" $A $H --policy rfc5280
run "expired leaf" 1 "$F/expired/chain.pem" $A $H
out_has "expired leaf says why" "because rfc5280.validity.expired"
run "untrusted root" 1 "$F/untrusted/chain.pem" $A $H
out_has "untrusted root says why" "because path."
run "RSA chain" 0 "$F/rsa/chain.pem" --anchors "$F/rsa/root.pem" --host rsa.example.com
out_has "RSA chain key" "RSA 2048"
run "client chain as client" 0 "$F/client/chain.pem" $A --purpose client
out_has "client chain policy" "(policy: tls-client)"
run "client chain as server" 1 "$F/client/chain.pem" $A
run "leaf with --intermediates" 0 "$F/good/leaf.pem" $A $H --intermediates "$F/good/inter.pem"
run "leaf without its intermediate" 1 "$F/good/leaf.pem" $A $H
run "chain split over two files" 0 "$F/good/leaf.pem" "$F/good/inter.pem" $A $H
run "cross-signed, expired old root" 0 "$F/cross/chain.pem" --anchors "$F/cross/anchors.pem" \
	--host cross.example.com --explain
out_has "explain lists the other path" "other paths (--explain)"
out_has "explain names the expired path" "rfc5280.validity.expired"
# Policy rules that read extensions (SAN, SCTs) work on lazily parsed records.
run "apple policy" 0 "$F/good/chain.pem" $A $H --policy apple
run "ats policy" 0 "$F/good/chain.pem" $A $H --policy ats
run "system anchors do not trust a private root" 1 "$F/good/chain.pem" --system-anchors $H

# Time, depth and revocation
run "--at past leaf expiry" 1 "$F/good/chain.pem" $A $H --at 2099-01-01T00:00:00Z
out_has "--at past leaf expiry" "rfc5280.validity.expired"
run "--at in 2020 makes the expired leaf valid but not its new CA" 1 "$F/expired/chain.pem" $A \
	$H --at 2020-06-01T00:00:00Z
out_has "--at in 2020" "rfc5280.validity.not-yet-valid"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
soon=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%S.123+02:00 2>/dev/null || echo "$now")
run "--at now" 0 "$F/good/chain.pem" $A $H --at "$now"
run "--at with fraction and offset" 0 "$F/good/chain.pem" $A $H --at "$soon"
run "--at=value form" 0 "$F/good/chain.pem" $A $H "--at=$now"
for t in 2026-02-30T00:00:00Z 2026-01-01T24:00:00Z 2026-01-01 2026-01-01T00:00:00 \
	2026-01-01T00:00:00+0100 "2026-01-01 00:00:00Z" 2026-01-01T00:00:00.Z x; do
	run "bad --at '$t'" 2 "$F/good/chain.pem" $A $H --at "$t"
	err_line "bad --at '$t'" "--at: "
done
run "--max-depth 0 rejects an intermediate" 1 "$F/good/chain.pem" $A $H --max-depth 0
run "--max-depth 1 allows one intermediate" 0 "$F/good/chain.pem" $A $H --max-depth 1
run "bad --max-depth" 2 "$F/good/chain.pem" $A $H --max-depth -1
run "revoked leaf with --crl" 1 "$F/revoked/chain.pem" $A $H --crl "$F/revoked/crl.pem"
out_has "revoked leaf says why" "because revocation.revoked"
run "revoked leaf without a CRL" 0 "$F/revoked/chain.pem" $A $H
run "good leaf with the CRL" 0 "$F/good/chain.pem" $A $H --crl "$F/revoked/crl.pem"
# The intermediate's CRL covers the leaf, not the intermediate: a warning
# under soft (the default), the reason for rejection under hard.
out_has "soft: the uncovered intermediate is a warning" "warn  revocation.not-covered"
out_has "soft: the count says what was covered" "1 of 2 certificates below the anchor"
run "--revocation hard, intermediate uncovered" 1 "$F/good/chain.pem" $A $H \
	--crl "$F/revoked/crl.pem" --revocation hard
out_has "hard names the uncovered certificate" "because revocation.not-covered (certificate 1"
run "--revocation hard without any CRL" 1 "$F/good/chain.pem" $A $H --revocation hard
run "--revocation off ignores the revoking CRL" 0 "$F/revoked/chain.pem" $A $H \
	--crl "$F/revoked/crl.pem" --revocation off
out_has "off says revocation was not checked" "revocation.not-checked"
run "bad --revocation" 2 "$F/good/chain.pem" $A $H --revocation maybe
err_line "bad --revocation" "--revocation: 'maybe' is not soft, hard or off"
# JSON states per certificate what covered it.
run "per-certificate coverage in JSON" 0 "$F/good/chain.pem" $A $H --crl "$F/revoked/crl.pem" \
	--format json
if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["paths"][0]["certificates"]
want = [{"status": "good", "source": "crl"}, {"status": "not-covered", "source": None}, None]
sys.exit(0 if [x["revocation"] for x in c] == want else 1)' "$tmp/out"; then ok; else
	bad "JSON revocation per certificate: $(head -c 300 "$tmp/out")"
fi

# Unreadable input: exit 2, one line naming the file
for g in garbage/garbage.bin garbage/empty.pem garbage/truncated.der garbage/badbase64.pem \
	does-not-exist.pem; do
	run "chain $g" 2 "$F/$g" $A $H
	err_line "chain $g" "$F/$g"
	out_empty "chain $g"
done
run "anchors garbage" 2 "$F/good/chain.pem" --anchors "$F/garbage/garbage.bin"
err_line "anchors garbage" "$F/garbage/garbage.bin"
run "CRL garbage" 2 "$F/good/chain.pem" $A --crl "$F/garbage/garbage.bin"
err_line "CRL garbage" "$F/garbage/garbage.bin"
run "bad IP literal" 2 "$F/good/chain.pem" $A --ip 300.1.1.1
err_line "bad IP literal" "300.1.1.1"

# Usage errors: exit 2, one line with a hint to --help
run "unknown option" 2 "$F/good/chain.pem" $A --frobnicate
err_line "unknown option" "unknown option '--frobnicate'.*--help"
run "missing argument" 2 "$F/good/chain.pem" $A --host
err_line "missing argument" "--host needs a value"
run "host and ip" 2 "$F/good/chain.pem" $A $H --ip 127.0.0.1
err_line "host and ip" "not both"
run "no chain file" 2 $A
err_line "no chain file" "no chain file.*--help"
# No anchors named: the system store, which does not hold the fixtures' private root.
run "no anchors" 1 "$F/good/chain.pem" $H
out_has "no anchors uses the system store" "anchors: system ("
out_has "no anchors says where the root was looked for" "nor in the system trust store"
err_empty "no anchors"
run "unknown policy" 2 "$F/good/chain.pem" $A --policy nonsense
run "unknown format" 2 "$F/good/chain.pem" $A --format yaml
run "unknown purpose" 2 "$F/good/chain.pem" $A --purpose email
run "host twice" 2 "$F/good/chain.pem" $A $H $H

# Help and version
run "--help" 0 --help
first_line "--help" "usage: trustcheck"
err_empty "--help"
run "-h" 0 -h
run "--version" 0 --version
if grep -Eq '^trustcheck 0\.1\.0 \(libtrust 0\.1\.0, OpenSSL [0-9]+\.[0-9]+\.[0-9]+[^)]*\)$' "$tmp/out"
then ok; else bad "--version: '$(cat "$tmp/out")'"; fi

# Output switches
run "--quiet trusted" 0 "$F/good/chain.pem" $A $H --quiet
out_empty "--quiet trusted"
err_empty "--quiet trusted"
run "--quiet not trusted" 1 "$F/expired/chain.pem" $A $H -q
out_empty "--quiet not trusted"
run "--quiet json" 1 "$F/expired/chain.pem" $A $H -q --format json
out_empty "--quiet json"
run "json" 0 "$F/good/chain.pem" $A $H --format json
first_line "json" "{"
out_has "json verdict" '"verdict": "trusted"'
run "cbor" 1 "$F/expired/chain.pem" $A $H --format cbor
# The report is a CBOR map with one entry per top-level JSON key: first byte
# 0xa0 + n (major type 5, short length).
cbor_first=$(od -An -tx1 -N1 "$tmp/out" | tr -d ' ')
njson=$("$TC" "$F/expired/chain.pem" $A $H --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$cbor_first" = "$(printf '%x' $((0xa0 + njson)))" ]; then ok; else bad "cbor: first byte $cbor_first for $njson keys"; fi
run "text is plain when not a terminal" 0 "$F/good/chain.pem" $A $H
if grep -q "$(printf '\033')" "$tmp/out"; then bad "escape codes in piped output"; else ok; fi
if [ -w /dev/full ]; then
	$WRAP "$TC" "$F/good/chain.pem" $A $H >/dev/full 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ]; then ok; else bad "write to a full disk: exit $rc, want 2"; fi
	err_line "write to a full disk" "stdout"
fi

# Colour needs a terminal: script(1) provides one.
if command -v script >/dev/null 2>&1; then
	esc=$(printf '\033')
	tty_run() { script -qec "$*" /dev/null </dev/null >"$tmp/tty" 2>&1; }
	tty_run "env -u NO_COLOR '$TC' '$F/good/chain.pem' $A $H"
	if grep -q "$esc\[" "$tmp/tty"; then ok; else bad "no colour on a terminal"; fi
	tty_run "env NO_COLOR=1 '$TC' '$F/good/chain.pem' $A $H"
	if grep -q "$esc\[" "$tmp/tty"; then bad "colour despite NO_COLOR=1"; else ok; fi
	if grep -q "TRUSTED" "$tmp/tty"; then ok; else bad "NO_COLOR run printed no verdict"; fi
	tty_run "env NO_COLOR= '$TC' '$F/good/chain.pem' $A $H"
	if grep -q "$esc\[" "$tmp/tty"; then ok; else bad "empty NO_COLOR disabled colour"; fi
else
	echo "note: script(1) not found; colour-on-terminal checks not run"
fi

# A path-length limit does not count the leaf (RFC 5280 §4.2.1.9), even a CA
# leaf: x509-limbo's pathlen::validation-ignores-pathlen-in-leaf passes under
# rfc5280; under tls-server that leaf (keyCertSign only) fails on its key use.
python3 - "$(dirname "$0")/../conformance/limbo.json" "$tmp" <<'PY' || bad "pathlen vector extracted"
import json, sys
for t in json.load(open(sys.argv[1]))["testcases"]:
    if t["id"] == "pathlen::validation-ignores-pathlen-in-leaf":
        open(sys.argv[2] + "/pl-leaf.pem", "w").write(t["peer_certificate"])
        open(sys.argv[2] + "/pl-roots.pem", "w").write("".join(t["trusted_certs"]))
        open(sys.argv[2] + "/pl-inter.pem", "w").write("".join(t["untrusted_intermediates"]))
PY
run "pathlen ignores the leaf under rfc5280" 0 --policy rfc5280 --anchors "$tmp/pl-roots.pem" \
	--intermediates "$tmp/pl-inter.pem" "$tmp/pl-leaf.pem"
run "a keyCertSign-only CA leaf under tls-server" 1 --anchors "$tmp/pl-roots.pem" \
	--intermediates "$tmp/pl-inter.pem" --host example.com "$tmp/pl-leaf.pem"
out_has "the CA leaf fails on its key use" "because tls.key-usage.purpose"

# Hostile text never reaches the terminal raw: a file name, a --host value and
# an unknown option with terminal escapes come back as \xNN, on one line.
hostile=$(printf 'a\033]0;owned\007b')
: >"$tmp/$hostile"
run "hostile file name" 2 --anchors "$F/good/root.pem" "$tmp/$hostile"
if LC_ALL=C grep -q "$(printf '[\033\007]')" "$tmp/err"; then bad "a file name's escapes reached stderr raw"; else ok; fi
grep -q 'a\\x1b]0;owned\\x07b' "$tmp/err" && ok || bad "the file name is shown escaped: $(cat -v "$tmp/err")"
run "hostile --host" 2 --anchors "$F/good/root.pem" --host "$(printf 'h\033[31m')" "$F/good/chain.pem"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/err"; then bad "a --host value's escape reached stderr raw"; else ok; fi
run "hostile option" 2 "--bogus$(printf '\033[2J')"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/err"; then bad "an option's escape reached stderr raw"; else ok; fi
[ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "one line on stderr"
# A bracketed IPv6 literal is a host as URLs write it (docs/names.md).
run "--host [::1]" 0 --anchors "$F/good/root.pem" --host '[::1]' "$F/good/chain.pem"

tb_done trustcheck-cli
