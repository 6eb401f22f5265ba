#!/bin/sh
# trustcheck --format dot|svg|html: the graph of the paths the builder tried.
# DOT output is compared with the expected graph of four fixtures (structure:
# which certificate was tried as whose issuer and what happened, not layout);
# SVG and HTML must parse as XML; certificate text must not become markup.
# Also certgen list --format dot.  Env: TRUSTCHECK, CERTGEN, TRUST_FIXTURES.
set -u
F=${TRUST_FIXTURES:?set TRUST_FIXTURES to the generated fixtures}
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# graph_is NAME EXPECTED ARGS...: the DOT graph's edges, as "child -> issuer:
# outcome" lines (names are the nodes' first label line and their role),
# equal EXPECTED (one edge per line, any order).
graph_is() {
	name=$1 want=$2
	shift 2
	"$TRUSTCHECK" "$@" --format dot >"$tmp/g.dot" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		bad "$name: exit $rc ($(head -c 200 "$tmp/err"))"
		return
	fi
	printf '%s\n' "$want" | sed '/^$/d' | sort >"$tmp/want"
	python3 "$here/graph_edges.py" "$tmp/g.dot" | sort >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok
	else
		bad "$name: graph differs (want / got):"
		diff "$tmp/want" "$tmp/got" | sed 's/^/    /' >&2
	fi
}

# Decoy: three intermediates named "Rollover CA"; one signed the leaf.
graph_is "decoy issuer" "
rollover.example.com [presented] -> Rollover CA [pool]: accepted chosen
Rollover CA [pool] -> Fixture Root [anchor user]: accepted chosen
rollover.example.com [presented] -> Rollover CA [pool]: failed signature invalid
" --anchors "$F/good/root.pem" --intermediates "$F/rollover/pool.pem" "$F/rollover/leaf.pem" \
	--host rollover.example.com

# Loop: A and B cross-signed in a cycle; B is also signed by the root.
graph_is "loop" "
loop.example.com [presented] -> Loop CA A [pool]: accepted chosen
Loop CA A [pool] -> Loop CA B [pool]: accepted chosen
Loop CA B [pool] -> Fixture Root [anchor user]: accepted chosen
Loop CA A [pool] -> Loop CA B [pool]: tried
Loop CA B [pool] -> Loop CA A [pool]: failed loop
" --anchors "$F/good/root.pem" --intermediates "$F/loop/pool.pem" "$F/loop/leaf.pem" \
	--host loop.example.com --explain

# Expired cross-sign: only the old root is trusted, and the cross-sign that
# reaches it has expired.
graph_is "expired cross-sign" "
cross.example.com [presented] -> Cross Intermediate [presented]: tried chosen
Cross Intermediate [presented] -> New Root [presented]: failed expired chosen
New Root [presented] -> Old Root [anchor user]: tried chosen
" --anchors "$F/cross/old-root.pem" "$F/cross/chain.pem" --host cross.example.com

# Let's Encrypt 2021: the server still sends the expired cross-sign, both
# roots are trusted, and the builder must take the current root.
graph_is "Let's Encrypt 2021 migration" "
cross.example.com [presented] -> Cross Intermediate [presented]: accepted chosen
Cross Intermediate [presented] -> New Root [anchor user]: accepted chosen
Cross Intermediate [presented] -> New Root [presented]: failed expired
New Root [presented] -> Old Root [anchor user]: tried
" --anchors "$F/cross/anchors.pem" "$F/cross/chain.pem" --host cross.example.com --explain

# Two runs over the same inputs give the same bytes (stable node ids).
a=$("$TRUSTCHECK" --anchors "$F/cross/anchors.pem" "$F/cross/chain.pem" --host cross.example.com \
	--explain --format dot)
b=$("$TRUSTCHECK" --anchors "$F/cross/anchors.pem" "$F/cross/chain.pem" --host cross.example.com \
	--explain --format dot)
[ "$a" = "$b" ] && ok || bad "two DOT runs differ"

# SVG and HTML are well-formed XML for each case, and the exit code is the verdict's.
# xml_ok NAME FILE: FILE parses as XML with python3's expat.
xml_ok() {
	if python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$2" \
		2>"$tmp/xmlerr"; then ok; else bad "$1: not well-formed: $(head -c 200 "$tmp/xmlerr")"; fi
}
for fmt in svg html; do
	"$TRUSTCHECK" --anchors "$F/cross/anchors.pem" "$F/cross/chain.pem" --host cross.example.com \
		--explain --format $fmt >"$tmp/t.$fmt"
	[ $? -eq 0 ] && ok || bad "$fmt: trusted chain must exit 0"
	xml_ok "$fmt trusted" "$tmp/t.$fmt"
	"$TRUSTCHECK" --anchors "$F/good/root.pem" "$F/expired/chain.pem" --host good.example.com \
		--format $fmt >"$tmp/x.$fmt"
	[ $? -eq 1 ] && ok || bad "$fmt: expired chain must exit 1"
	xml_ok "$fmt rejected" "$tmp/x.$fmt"
done
grep -q 'class="edge failed"' "$tmp/t.svg" && ok || bad "svg keeps the edge classes"
grep -q '<h1 class="not-trusted">NOT TRUSTED good.example.com</h1>' "$tmp/x.html" && ok ||
	bad "html: verdict heading"
grep -q 'rfc5280.validity.expired' "$tmp/x.html" && ok || bad "html: names the reason"
grep -q '<pre class="text-report">NOT TRUSTED' "$tmp/x.html" && ok || bad "html: has the text report"
grep -q '<summary>JSON report</summary>' "$tmp/x.html" && ok || bad "html: has the JSON report"
grep -q '&quot;schema_version&quot;' "$tmp/x.html" && ok || bad "html: JSON is escaped text"
# Self-contained: nothing for a browser to fetch.
if grep -Eiq '<script|<link|src=|@import|url\(' "$tmp/x.html"; then
	bad "html fetches or runs something"
else
	ok
fi

# Hostile subject: markup, quotes and terminal escapes in the CN.
HOSTILE=$(printf '<script>alert(1)</script> "q" \047s\047 \033]0;owned\007 & <b>done')
export HOSTILE
cat >"$tmp/h.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
utf8 = yes
[dn]
CN = $ENV::HOSTILE
EOF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/h.key" \
	-out "$tmp/h.pem" -days 30 -config "$tmp/h.cnf" -addext "subjectAltName=DNS:h.example" \
	>/dev/null 2>&1 || bad "openssl made the hostile certificate"
for fmt in dot svg html; do
	"$TRUSTCHECK" --anchors "$tmp/h.pem" "$tmp/h.pem" --host h.example --format $fmt \
		>"$tmp/h.$fmt" 2>/dev/null
	# In DOT the name is inside a quoted string; what matters is that it stays there.
	if [ $fmt != dot ] && grep -Eiq '<script|<b>' "$tmp/h.$fmt"; then
		bad "$fmt: certificate text became markup"
	else
		ok
	fi
	if LC_ALL=C grep -q "$(printf '[\033\007]')" "$tmp/h.$fmt"; then
		bad "$fmt: control characters written raw"
	else
		ok
	fi
done
python3 "$here/graph_edges.py" "$tmp/h.dot" >/dev/null 2>&1 && ok || bad "hostile dot: unreadable"
grep -c '^  "c[0-9a-f]*" \[label=' "$tmp/h.dot" | grep -qx 1 && ok || bad "hostile dot: one node line"
xml_ok "hostile svg" "$tmp/h.svg"
xml_ok "hostile html" "$tmp/h.html"
grep -q 'alert(1)' "$tmp/h.html" && ok || bad "html: the hostile name is still shown, as text"

# certgen list --format dot: the state's hierarchy, revocations and cross-signs.
cg() { "$CERTGEN" -q --dir "$tmp/st" "$@"; }
cg ca && "$CERTGEN" -q --dir "$tmp/old" ca && cg intermediate sub && cg cross sub --issuer "$tmp/old/" &&
	cg leaf www.example.com --issuer sub && cg revoke www.example.com --reason keyCompromise &&
	cg --force leaf www.example.com --issuer sub && cg client alice || bad "certgen state for the graph"
"$CERTGEN" --dir "$tmp/st" list --all --format dot >"$tmp/st.dot" 2>"$tmp/err" && ok ||
	bad "certgen list --format dot: $(head -c 200 "$tmp/err")"
python3 "$here/graph_edges.py" --certgen "$tmp/st.dot" "$tmp/old/" | sort >"$tmp/st.got" ||
	bad "certgen graph unreadable"
printf '%s\n' "alice -> ca: issued by" "sub -> ca: issued by" "sub-by-old -> OLD/: issued by" \
	"sub-by-old -> sub: same key" "www.example.com -> sub: issued by" \
	"www.example.com REVOKED (keyCompromise) -> sub: issued by" | sort >"$tmp/st.want"
if cmp -s "$tmp/st.want" "$tmp/st.got"; then ok; else
	bad "certgen graph differs (want / got):"
	diff "$tmp/st.want" "$tmp/st.got" | sed 's/^/    /' >&2
fi
"$CERTGEN" --dir "$tmp/st" list --format dot >"$tmp/cur.dot" 2>/dev/null
grep -q REVOKED "$tmp/cur.dot" && bad "without --all the superseded certificate is left out" || ok
"$CERTGEN" --dir "$tmp/st" --format dot crl >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--format dot is refused for other commands"

# A browser, when one is installed, loads the page without console errors.
browser=""
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done
if [ -n "$browser" ]; then
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
		--dump-dom "file://$tmp/x.html" >"$tmp/dom" 2>"$tmp/console"
	if grep -q 'CONSOLE' "$tmp/console"; then
		bad "browser console: $(grep CONSOLE "$tmp/console" | head -3)"
	elif grep -q 'NOT TRUSTED' "$tmp/dom"; then
		ok
	else
		bad "browser did not render the page"
	fi
else
	echo "graph-cli: no headless browser installed (chromium); browser check skipped"
fi

tb_done graph-cli
