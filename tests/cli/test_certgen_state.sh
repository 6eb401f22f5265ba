#!/bin/sh
# certgen state integrity, through the binary: revocations survive a reissue,
# names that collide with the state's own files are refused with nothing
# written, kills at the transaction's steps, no symbolic link followed,
# input validation with libtrust's rules, the umask, escaped echoes, a full
# disk.  (The random kill loop is tests/unit/test_certgen_crash.c.)
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$tmp"
tb_show_err=err.txt
cg() { "$CERTGEN" "$@"; }
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
pub() { openssl x509 -in "$1" -noout -pubkey; }
keypub() { openssl pkey -in "$1" -pubout; }
# same_key CERT KEY: the key is the certificate's
same_key() { [ "$(pub "$1")" = "$(keypub "$2")" ]; }
in_crl() { openssl crl -in "$1" -noout -text | tr -d ' ' | grep -q "SerialNumber:$2"; }
mode() { stat -c %a "$1"; }
# snapshot DIR: every entry with its content hash, to prove nothing changed
snapshot() { (cd "$1" && find . -path ./.lock -prune -o -print | LC_ALL=C sort | while read -r f; do
	if [ -f "$f" ]; then echo "$f $(cksum <"$f")"; else echo "$f"; fi; done); }

# ---- 1. a reissue keeps the revocation
cg -q ca
cg -q leaf www.example.com
old=$(serial pki/www.example.com/cert.pem)
cp pki/www.example.com/fullchain.pem old-www.pem
expect 0 "revoke" cg revoke www.example.com --reason keyCompromise
expect 0 "crl" cg crl
in_crl pki/crl.pem "$old" && ok || bad "first CRL lists the revoked serial"
expect 0 "--force leaf reissues" cg --force leaf www.example.com
new=$(serial pki/www.example.com/cert.pem)
[ "$old" != "$new" ] && ok || bad "the reissue has a new serial"
expect 0 "crl after the reissue" cg crl
in_crl pki/crl.pem "$old" && ok || bad "the CRL after a reissue still lists the old, revoked serial"
in_crl pki/crl.pem "$new" && bad "the new certificate is not revoked" || ok
expect 1 "trustcheck rejects the old certificate with the new CRL" "$TRUSTCHECK" --anchors pki/ca.pem \
	--host www.example.com --crl pki/crl.pem old-www.pem
has out.txt "revoked" "trustcheck says revoked"
expect 0 "trustcheck accepts the new one" "$TRUSTCHECK" --anchors pki/ca.pem --host www.example.com \
	--crl pki/crl.pem pki/www.example.com/fullchain.pem
expect 0 "list" cg list
grep -q "$old" out.txt && bad "plain list shows the superseded certificate" || ok
expect 0 "list --all" cg list --all
grep "$old" out.txt | grep -q revoked && ok || bad "list --all shows the old serial as revoked"
expect 1 "revoke OLD_SERIAL: already revoked" cg revoke "$old"
has err.txt "already revoked" "revoke by serial finds the superseded certificate"
# a superseded certificate that was never revoked can still be revoked by serial
cg -q leaf mail.example.com
m1=$(serial pki/mail.example.com/cert.pem)
cg -q --force leaf mail.example.com
expect 0 "revoke the superseded serial" cg revoke "$m1" --reason superseded
cg -q crl
in_crl pki/crl.pem "$m1" && ok || bad "a superseded, then revoked serial is in the CRL"
cg --format json list --all >all.json
python3 - all.json "$m1" <<'PY' && ok || bad "list --all JSON marks superseded entries"
import json, sys
d = json.load(open(sys.argv[1]))["certificates"]
e = [c for c in d if c["serial"] == sys.argv[2]][0]
assert e["superseded"] is True and e["status"] == "revoked", e
PY
# the same through an intermediate: the root's CRL keeps the old sub
cg -q intermediate sub
s1=$(serial pki/sub/cert.pem)
expect 0 "revoke sub" cg revoke sub --reason cACompromise
expect 0 "--force intermediate sub" cg --force intermediate sub
cg -q crl
in_crl pki/crl.pem "$s1" && ok || bad "the root's CRL keeps the reissued intermediate's old serial"
openssl crl -in pki/crl.pem -noout -text >crl.txt
has crl.txt "CA Compromise" "reason kept"

# ---- 2. names that collide with the state's own files: refused, nothing written
cp pki/ca.pem ca.before
cp pki/ca-key.pem cakey.before
snapshot pki >before.txt
for n in ca ca-key state bad crl bundle android serve fixtures ca.pem state.cbor .hidden .stage.x CA; do
	expect 2 "--force leaf $n is refused" cg --force leaf "$n"
	has err.txt "reserved\|not a DNS name" "leaf $n: says why"
done
expect 2 "--force client ca is refused" cg --force client ca
has err.txt "reserved" "client ca says reserved"
expect 2 "intermediate state is refused" cg intermediate state
snapshot pki >after.txt
cmp -s before.txt after.txt && ok || bad "refused names left something: $(diff before.txt after.txt | head -5)"
cmp -s pki/ca.pem ca.before && cmp -s pki/ca-key.pem cakey.before && ok || bad "the root is untouched"
expect 0 "the root still signs" cg leaf after.example.com

# ---- 3. kills at the transaction's steps (the pause hook), through the binary
# killat STEP ARGS...: runs certgen paused at STEP, kills it there with SIGKILL
killat() {
	step=$1
	shift
	CERTGEN_TEST_PAUSE=$step CERTGEN_TEST_PAUSE_SECONDS=30 "$CERTGEN" "$@" >/dev/null 2>pause.txt &
	pid=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q "test pause at $step" pause.txt 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q "test pause at $step" pause.txt && ok || bad "certgen $* never reached $step"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
for step in staged committed switching switched; do
	before=$(serial pki/www.example.com/cert.pem)
	killat "$step" --force leaf www.example.com
	expect 0 "list after --force leaf killed at $step" cg list --all
	after=$(serial pki/www.example.com/cert.pem)
	if [ "$step" = staged ]; then
		[ "$before" = "$after" ] && ok || bad "killed before the commit: the old certificate stays"
	else
		[ "$before" != "$after" ] && ok || bad "killed after the commit ($step): the new one is switched in"
	fi
	grep -q "$after" out.txt && ok || bad "the certificate on disk after a kill at $step is in the state"
	grep -q "$before" out.txt && ok || bad "the old serial stays in the state after a kill at $step"
	same_key pki/www.example.com/cert.pem pki/www.example.com/key.pem && ok ||
		bad "key matches certificate after a kill at $step"
	[ -z "$(find pki -name '.stage.*' -o -name '.old.*' -o -name '.*.tmp.*')" ] && ok ||
		bad "nothing staged is left after a kill at $step: $(find pki -name '.*')"
done
for step in staged committed between switched; do
	killat "$step" --force ca
	expect 0 "list after --force ca killed at $step" cg list
	same_key pki/ca.pem pki/ca-key.pem && ok || bad "root key matches ca.pem after a kill at $step"
	grep -q "$(serial pki/ca.pem)" out.txt && ok || bad "the root on disk is the state's after a kill at $step"
	expect 0 "a leaf after the root kill at $step, without --force" cg leaf "after-$step.example.com"
	expect 0 "trustcheck accepts it" "$TRUSTCHECK" --anchors pki/ca.pem --host "after-$step.example.com" \
		"pki/after-$step.example.com/fullchain.pem"
done
killat committed leaf new.example.com
expect 0 "list after a new leaf killed at committed" cg list
has out.txt "new.example.com" "a committed new leaf is in the state"
same_key pki/new.example.com/cert.pem pki/new.example.com/key.pem && ok || bad "new leaf key matches"
killat between p12 new.example.com
expect 0 "list after p12 killed between its two files" cg list
[ -e pki/new.example.com/new.example.com.p12 ] && [ -e pki/new.example.com/new.example.com.p12.pass ] && ok ||
	bad "a killed p12 leaves both files (the journal finishes it), never one"
killat staged leaf gone.example.com
expect 0 "list after a new leaf killed at staged" cg list
[ -e pki/gone.example.com ] && bad "a leaf killed before its commit left a folder" || ok
expect 0 "the same leaf again needs no --force" cg leaf gone.example.com

# ---- 4. no symbolic link is followed under the state directory
mkdir outside
ln -s ../outside pki/evil.example
expect 2 "--force leaf over a symlinked directory" cg --force leaf evil.example
has err.txt "symbolic link" "says symbolic link"
[ -z "$(ls -A outside)" ] && ok || bad "nothing was written through the link: $(ls -A outside)"
[ "$(wc -l <err.txt)" = 1 ] && ok || bad "one line"
rm pki/evil.example
mkdir pki2 && cg -q --dir pki2 ca && cg -q --dir pki2 leaf a.example
echo "not a key" >outside/key.pem
mv pki2/a.example/key.pem stolen.pem
ln -s ../../outside/key.pem pki2/a.example/key.pem
expect 2 "p12 with a symlinked key.pem" cg --dir pki2 p12 a.example
has err.txt "symbolic link" "a linked key file is refused"
mv pki2/ca.pem real-ca.pem && ln -s ../real-ca.pem pki2/ca.pem
expect 2 "leaf with a symlinked ca.pem" cg --dir pki2 leaf b.example
has err.txt "symbolic link" "a linked root is refused"
rm pki2/ca.pem && mv real-ca.pem pki2/ca.pem
mv pki2/state.cbor state.real && ln -s ../state.real pki2/state.cbor
expect 2 "a symlinked state.cbor" cg --dir pki2 list
has err.txt "symbolic link" "a linked state file is refused"
rm pki2/state.cbor && mv state.real pki2/state.cbor
ln -s ../outside pki2/crl.pem
expect 2 "crl over a symlinked crl.pem" cg --dir pki2 crl
[ -z "$(ls -A outside | grep -v key.pem)" ] && ok || bad "the CRL was not written through the link"
rm pki2/crl.pem
# the state directory's own path may be a link (the user chose it)
ln -s pki2 linked
expect 0 "--dir through a link the user chose" cg --dir linked list

# ---- 5. input that must be refused
expect 2 '--dir ""' cg --dir "" list
has err.txt "empty" "--dir \"\" says empty"
CERTGEN_DIR="" "$CERTGEN" list >out.txt 2>err.txt && bad 'CERTGEN_DIR="" accepted' || ok
expect 2 "--permit-dns '*.example.com'" cg intermediate corp --permit-dns '*.example.com'
has err.txt "rfc5280.nc.invalid" "names libtrust's rule"
expect 2 "--permit-ip with host bits" cg intermediate corp --permit-ip 10.1.2.3/8
has err.txt "10.0.0.0/8" "names the network"
expect 2 "--permit-ip v6 with host bits" cg intermediate corp --permit-ip fd00::1/8
[ -e pki/corp ] && bad "a refused intermediate left pki/corp" || ok
expect 0 "--permit-dns .example.com is fine" cg intermediate corp --permit-dns .example.com --permit-ip 10.0.0.0/8
for n in - xn-- u@ @h '*.com' 'a-.example' 'xn--abc.example' 'a..b' 'http://' '*.co.uk'; do
	expect 2 "leaf '$n' is refused" cg leaf "$n"
done
expect 2 "client --email u@" cg client alice --email u@
expect 0 "an A-label that decodes is fine" cg leaf xn--bcher-kva.example
expect 0 "trustcheck matches it by its U-label" "$TRUSTCHECK" --anchors pki/ca.pem --host bücher.example \
	pki/xn--bcher-kva.example/fullchain.pem

# ---- 6. public files honour the umask; keys stay 0600
(umask 027 && "$CERTGEN" -q --dir um ca && "$CERTGEN" -q --dir um leaf u.example)
[ "$(mode um/ca.pem)" = 640 ] && ok || bad "ca.pem 0640 under umask 027 ($(mode um/ca.pem))"
[ "$(mode um/u.example/cert.pem)" = 640 ] && ok || bad "cert.pem 0640 under umask 027"
[ "$(mode um/state.cbor)" = 640 ] && ok || bad "state.cbor 0640 under umask 027"
[ "$(mode um/u.example)" = 750 ] && ok || bad "directory 0750 under umask 027 ($(mode um/u.example))"
(umask 0 && "$CERTGEN" -q --dir um0 ca && "$CERTGEN" -q --dir um0 leaf u.example)
[ "$(mode um0/u.example/cert.pem)" = 666 ] && ok || bad "cert.pem 0666 under umask 0"
[ "$(mode um0/u.example/key.pem)" = 600 ] && [ "$(mode um0/ca-key.pem)" = 600 ] && ok ||
	bad "keys 0600 under umask 0"

# ---- 7. control characters are escaped in what certgen echoes
esc=$(printf '\033]0;owned\007')
expect 2 "a name with control characters" cg leaf "$esc"
if grep -q "$(printf '\033')" err.txt; then bad "an ESC reached the terminal"; else ok; fi
has err.txt '\\x1b\]0;owned\\x07' "the name is shown escaped"
expect 2 "an unknown command with control characters" cg "$esc"
if grep -q "$(printf '\033')" err.txt; then bad "an ESC in an unknown command reached the terminal"; else ok; fi
d=$(printf 'd\033[31m')
expect 0 "ca in a directory named with an escape" cg --dir "$d" ca
if grep -q "$(printf '\033')" out.txt; then bad "ca printed the ESC raw"; else ok; fi
expect 0 "list in it" cg --dir "$d" list
if grep -q "$(printf '\033')" out.txt; then bad "list printed the ESC raw"; else ok; fi
has out.txt 'd\\x1b\[31m/ca.pem' "list shows the path escaped"

# ---- ENOSPC: an injected write failure at every point of a leaf, then a real full tmpfs
cg -q --dir full ca
n=0
for limit in 0 100 250 400 700 1000 1400 1800 2200 2600 3000; do
	n=$((n + 1))
	CERTGEN_TEST_ENOSPC_AFTER=$limit "$CERTGEN" --dir full leaf "f$n.example" >out.txt 2>err.txt
	rc=$?
	expect 0 "list after the disk filled at $limit bytes" cg --dir full list --all
	if [ "$rc" != 0 ]; then
		[ -e "full/f$n.example" ] && bad "a failed leaf (full at $limit) left a folder" || ok
		grep -q "f$n.example" out.txt && bad "a failed leaf (full at $limit) is in the state" || ok
		expect 0 "retry without --force after the disk filled at $limit" cg --dir full leaf "f$n.example"
	fi
	[ -z "$(find full -name '.stage.*' -o -name '.old.*' -o -name '.*.tmp.*')" ] && ok ||
		bad "ENOSPC at $limit left staged files"
done
mkdir small
if mount -t tmpfs -o size=256k tmpfs small 2>/dev/null; then
	mnt=$tmp/small
	cg -q --dir small/pki ca
	dd if=/dev/zero of=small/filler bs=4096 2>/dev/null
	fails=0
	for pages in 0 1 2 3 4 5 6 8; do
		rm -f small/filler
		dd if=/dev/zero of=small/filler bs=4096 2>/dev/null
		truncate -s "-$((pages * 4096))" small/filler
		if "$CERTGEN" --dir small/pki leaf "t$pages.example" >out.txt 2>err.txt; then :; else
			fails=$((fails + 1))
			grep -q "No space left" err.txt && ok || bad "ENOSPC says so: $(cat err.txt)"
			rm -f small/filler
			[ -e "small/pki/t$pages.example" ] && bad "a leaf on a full tmpfs left a folder" || ok
			expect 0 "list after a full tmpfs" cg --dir small/pki list
			grep -q "t$pages.example" out.txt && bad "a failed leaf is in the state" || ok
			expect 0 "retry on the emptied tmpfs needs no --force" cg --dir small/pki leaf "t$pages.example"
		fi
	done
	[ "$fails" -gt 0 ] && ok || bad "the tmpfs never filled up"
	echo "certgen-state: full tmpfs: $fails of 8 leaf runs hit ENOSPC, each left nothing behind"
	umount small && mnt=""
else
	echo "certgen-state: full tmpfs: mount not permitted here; the injected ENOSPC above stands in"
fi

# ---- the help examples of list and revoke run as printed
mkdir ex && cd ex
cg -q ca && cg -q leaf localhost
for c in revoke list; do
	cg "$c" --help | sed -n '/^examples/,/^$/p' | grep '^  certgen' >ex.sh
	[ -s ex.sh ] && ok || bad "$c --help has examples"
	PATH="$(dirname "$CERTGEN"):$PATH" sh -e ex.sh >ex.out 2>ex.err && ok ||
		bad "$c --help examples run as printed ($(cat ex.err))"
done
cd ..

tb_done certgen-state
