#!/bin/sh
# Certificate Transparency end to end: certgen's test logs sign real SCTs by the
# RFC 6962 precertificate flow, trustcheck --ct-log-list verifies them with
# OpenSSL's CT API and counts them against Apple's CT policy (apple-policy.md
# rule 17) for a chain under a system root: 0-3 valid SCTs against the lifetime
# rule, a bad signature, an unknown log, a retired log, a future SCT, operator
# diversity, no log list, and bad log-list files.
# Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
. "$top/tests/cli/policy_lib.sh"

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
cg() { "$CERTGEN" -q --dir pki "$@" || bad "certgen $*"; }
SYS="--system-anchors=pki/ca.pem"
LIST="--ct-log-list pki/ct/log-list.json"
# apple NAME [ARGS]: host NAME under --policy apple with a system root and the log list.
apple() {
	n=$1
	shift
	tcj --policy apple $SYS --host "$n" "$@" "pki/$n/fullchain.pem"
}
# param ID KEY: the parameter KEY of the first finding ID on the chosen path.
param() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open("out.json"))
for f in d["paths"][d["chosen_path"]]["findings"]:
    if f["id"] == sys.argv[1]:
        print(f["params"].get(sys.argv[2], "")); break
PY
}
# count ID: how many findings ID the chosen path has.
count() {
	python3 -c 'import json, sys; d = json.load(open("out.json"))
print(sum(f["id"] == sys.argv[1] for f in d["paths"][d["chosen_path"]]["findings"]))' "$1"
}
is() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }

cg ca
t0=$(date +%s)
# ---- certgen ct-log ----
cg ct-log
[ "$(stat -c %a pki/ct/log1-key.pem)" = 600 ] && ok || bad "ct-log: key not 0600"
expect 1 "ct-log: an existing log is refused" "$CERTGEN" --dir pki ct-log log1
has err.txt "exists" "ct-log: says the log exists"
expect 2 "ct-log: a bad name" "$CERTGEN" --dir pki ct-log ../x
expect 2 "ct-log: a bad state" "$CERTGEN" --dir pki ct-log log1 --state gone

# ---- 0, 1, 2 and 3 valid SCTs against the lifetime rule (199 days needs 3, 90 needs 2) ----
cg leaf s0.test
cg leaf s1.test --sct 1
cg leaf s2.test --sct 2
cg leaf s3.test --sct 3
cg leaf s2short.test --sct 2 --days 90
[ -f pki/ct/log3-key.pem ] && ok || bad "leaf --sct 3 did not create log2 and log3"
apple s0.test $LIST
want "0 SCTs" 1 apple.ct-required error
is "0 SCTs: count" "$(param apple.ct-required scts)" 0
apple s1.test $LIST
want "1 SCT" 1 apple.ct-required error
is "1 SCT: verified" "$(param apple.ct-required verified)" 1
apple s2.test $LIST
want "2 SCTs, 199 days" 1 apple.ct-required error
reason "2 SCTs, 199 days: headline" apple.ct-required
apple s3.test $LIST
want "3 SCTs, 199 days" 0 apple.ct-required pass
is "3 SCTs: valid findings" "$(count ct.sct.valid)" 3
is "3 SCTs: origin" "$(param ct.sct.valid origin)" embedded
is "3 SCTs: log" "$(param ct.sct.valid log)" log1
# The per-SCT findings (reported under any policy once a log list is given) keep the
# report inside its schema.
tcj $SYS --host s3.test $LIST pki/s3.test/fullchain.pem
is "tls-server: SCTs reported" "$(count ct.sct.valid)" 3
python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open("out.json")), json.load(open(sys.argv[1])))' \
	"$top/docs/report-schema.json" && ok || bad "3 SCTs: the JSON report fits docs/report-schema.json"
apple s2short.test $LIST
want "2 SCTs, 90 days" 0 apple.ct-required pass
# The same chains under a user root: CT is not required (rule 16), SCTs still reported.
tcj --policy apple --anchors pki/ca.pem --host s0.test $LIST pki/s0.test/fullchain.pem
want "user root, 0 SCTs" 0 apple.ct-required none
tcj --policy ats $SYS --host s3.test $LIST pki/s3.test/fullchain.pem
want "ats includes the CT rule" 0 apple.ct-required pass

# ---- no log list: the SCTs cannot be verified, so the rule fails; --ct off skips it ----
apple s3.test
want "no log list" 1 apple.ct-required error
has out.json "cannot be verified: no CT log list" "no log list: the finding says so"
apple s3.test --ct off
want "--ct off" 0 apple.ct-required info

# ---- a bad signature is not counted ----
cg leaf bad.test --sct 3 --sct-bad
apple bad.test $LIST
want "bad SCT signature: rule" 1 apple.ct-required error
want "bad SCT signature: finding" 1 ct.sct.bad-signature warning
is "bad SCT signature: 2 valid" "$(count ct.sct.valid)" 2
is "bad SCT signature: which log" "$(param ct.sct.bad-signature log)" log3

# ---- an unknown log: a list without these logs ----
"$CERTGEN" -q --dir other ca >/dev/null && "$CERTGEN" -q --dir other ct-log >/dev/null ||
	bad "certgen: other list"
apple s3.test --ct-log-list other/ct/log-list.json
want "unknown log: rule" 1 apple.ct-required error
is "unknown log: findings" "$(count ct.sct.unknown-log)" 3
is "unknown log: none valid" "$(count ct.sct.valid)" 0

# ---- a future SCT: evaluated before the SCT's timestamp (the leaf is already valid) ----
apple s3.test $LIST --at "$(iso $((t0 - 60)))"
want "future SCT: rule" 1 apple.ct-required error
is "future SCT: findings" "$(count ct.sct.future)" 3

# ---- operator diversity: 2 logs of one operator count once for a 90-day leaf ----
"$CERTGEN" -q --dir ops ca >/dev/null || bad "certgen: ops ca"
for l in a b; do "$CERTGEN" -q --dir ops ct-log "$l" --operator Same || bad "ct-log $l"; done
"$CERTGEN" -q --dir ops leaf op.test --sct 2 --days 90 || bad "certgen: op.test"
tcj --policy apple --system-anchors=ops/ca.pem --host op.test \
	--ct-log-list ops/ct/log-list.json ops/op.test/fullchain.pem
want "one operator, 2 logs, 90 days" 1 apple.ct-required error
is "one operator: both verify" "$(count ct.sct.valid)" 2
is "one operator: counted once" "$(param apple.ct-required embedded_logs)" 1

# ---- SCTs in the TLS extension (X.509 entries), from openssl s_server -serverinfo ----
cg leaf tls2.test --sct-tls 2
cg leaf tls1.test --sct-tls 1
[ -f pki/tls2.test/serverinfo.pem ] && ok || bad "leaf --sct-tls: no serverinfo.pem"
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# tls_case NAME VERSION WANT_RC WANT_SEV: --connect to s_server serving NAME's SCTs.
tls_case() {
	port=$(free_port)
	openssl s_server "$2" -accept "$port" -cert "pki/$1/cert.pem" -key "pki/$1/key.pem" \
		-serverinfo "pki/$1/serverinfo.pem" -www -quiet >/dev/null 2>&1 &
	pids="$pids $!"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		tcj --policy apple $SYS --host "$1" $LIST --connect "127.0.0.1:$port" --timeout 5
		[ "$rc" != 2 ] && break
		sleep 0.2
	done
	want "TLS SCTs: $1 over $2" "$3" apple.ct-required "$4"
}
tls_case tls2.test -tls1_2 0 pass
is "TLS SCTs: origin" "$(param ct.sct.valid origin)" tls
is "TLS SCTs: 2 valid" "$(count ct.sct.valid)" 2
tls_case tls2.test -tls1_3 0 pass
tls_case tls1.test -tls1_3 1 error
is "1 TLS SCT: 1 valid" "$(count ct.sct.valid)" 1

# ---- NSRequiresCertificateTransparency (legacy): verified SCTs from 2 logs, even under a user root ----
printf '{ "name": "legacy-ct", "include": ["%s/policies/ats.json"], "ats": { "NSExceptionDomains":
	{ "s2.test": { "NSRequiresCertificateTransparency": true },
	  "s1.test": { "NSRequiresCertificateTransparency": true } } } }' "$top" >legacy.json
tcj --policy ./legacy.json --anchors pki/ca.pem --host s2.test $LIST pki/s2.test/fullchain.pem
want "legacy CT key: 2 verified SCTs" 0 ats.settings warning
tcj --policy ./legacy.json --anchors pki/ca.pem --host s1.test $LIST pki/s1.test/fullchain.pem
want "legacy CT key: 1 verified SCT" 1 ats.settings error
tcj --policy ./legacy.json --anchors pki/ca.pem --host s2.test pki/s2.test/fullchain.pem
want "legacy CT key: no log list" 1 ats.settings error

# ---- certgen serve's CT cases, each judged as its --list entry says ----
"$CERTGEN" serve --out cases --list >list.json 2>/dev/null
python3 -c 'import json, sys
c = {x["kind"]: x for x in json.load(open(sys.argv[1]))["cases"]}
assert c["sct-tls"]["ct_log_list"].endswith("pki/ct/log-list.json"), c["sct-tls"]
assert c["sct-bad"]["expect"] == "reject" and c["sct-bad"]["rule"] == "apple.ct-required"' \
	list.json && ok || bad "serve --list: the CT cases name their log list and verdicts"
"$CERTGEN" serve --out cases --port 0 --duration 120 >serve.log 2>serve.err &
pids="$pids $!"
i=0
while [ $i -lt 300 ] && ! grep -q '^serving' serve.log 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
sport=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' serve.log)
if [ -n "$sport" ]; then
	for kind in sct-embedded sct-tls sct-bad no-sct; do
		tcj --policy apple --system-anchors=cases/pki/ca.pem --host "$kind.bad.test" \
			--ct-log-list cases/pki/ct/log-list.json --connect "127.0.0.1:$sport"
		case $kind in
		sct-bad | no-sct) want "serve $kind" 1 apple.ct-required error ;;
		*) want "serve $kind" 0 apple.ct-required pass ;;
		esac
	done
	tcj --policy apple --system-anchors=cases/pki/ca.pem --host sct-tls.bad.test \
		--ct-log-list cases/pki/ct/log-list.json --connect "127.0.0.1:$sport"
	is "serve sct-tls: origin" "$(param ct.sct.valid origin)" tls
else
	bad "certgen serve did not start: $(head -c 300 serve.err)"
fi

# ---- a retired log: SCTs after the retirement never count; before it, embedded ones do ----
cg ct-log log3 --state retired --since "$(iso $((t0 - 3600)))"
apple s3.test $LIST
want "retired before the SCT: rule" 1 apple.ct-required error
want "retired before the SCT: finding" 1 ct.sct.log-not-usable warning
is "retired before the SCT: which log" "$(param ct.sct.log-not-usable log)" log3
cg ct-log log3 --state retired --since "$(iso $((t0 + 86400)))"
apple s3.test $LIST --at "$(iso $((t0 + 2 * 86400)))"
want "retired after the SCT: counts as embedded" 0 apple.ct-required pass
cg ct-log log2 --state rejected
apple s3.test $LIST
want "a rejected log: rule" 1 apple.ct-required error
is "a rejected log: finding" "$(param ct.sct.log-not-usable log)" log2

# ---- log-list files: one line naming the file and the problem, exit 2 ----
printf '{"operators": 3}\n' >nolist.json
expect 2 "not a log list" "$TRUSTCHECK" --policy apple $SYS --ct-log-list nolist.json \
	pki/s3.test/fullchain.pem
has err.txt "nolist.json: not a CT log list" "not a log list: message"
[ "$(wc -l <err.txt)" -eq 1 ] && ok || bad "not a log list: one line"
sed 's/"log_id": "[^"]*"/"log_id": "AAAA"/' pki/ct/log-list.json >badid.json
expect 2 "log_id mismatch" "$TRUSTCHECK" --ct-log-list badid.json $SYS pki/s3.test/fullchain.pem
has err.txt 'badid.json: operators\[0\].logs\[0\]: "log_id" is not the SHA-256 of its key' \
	"log_id mismatch: message"
printf '{"operators": [' >trunc.json
expect 2 "truncated JSON" "$TRUSTCHECK" --ct-log-list trunc.json $SYS pki/s3.test/fullchain.pem
has err.txt "trunc.json: line 1" "truncated JSON: message"
expect 2 "missing file" "$TRUSTCHECK" --ct-log-list nowhere.json $SYS pki/s3.test/fullchain.pem
has err.txt "nowhere.json" "missing file: message"

tb_done ct
