#!/bin/sh
# certgen install / uninstall into a temporary trust root: Debian's
# update-ca-certificates (run for real on the temporary tree), a Fedora layout
# (update-ca-trust replaced by a recorder on PATH), an NSS database with
# certutil and a Java keystore with keytool when those tools are installed.
# Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
cg() { "$CERTGEN" "$@"; }
tb_show_err=err.txt
R="$tmp/sysroot"
mkdir -p "$R/usr/share/ca-certificates" "$R/usr/local/share/ca-certificates" "$R/etc/ssl/certs" \
	"$R/etc/ca-certificates/update.d" "$R/etc/pki/ca-trust/source/anchors" "$R/etc/ssl/certs/java" shim
: >"$R/etc/ca-certificates.conf"
printf '#!/bin/sh\necho "$@" >>"%s/update-ca-trust.log"\n' "$tmp" >shim/update-ca-trust
chmod +x shim/update-ca-trust
PATH="$tmp/shim:$PATH"
export PATH

expect 0 "ca" cg ca
expect 0 "leaf" cg leaf localhost
nick=certgen-$(openssl x509 -in pki/ca.pem -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | cut -c1-16)
have_deb=0
command -v update-ca-certificates >/dev/null 2>&1 && have_deb=1
# Stores that already hold another root, as a system's do.
cg --dir other -q ca
cp other/ca.pem "$R/usr/local/share/ca-certificates/other.crt"
cp other/ca.pem "$R/etc/pki/ca-trust/source/anchors/other.pem"
have_java=0
if command -v keytool >/dev/null 2>&1; then
	keytool -importcert -noprompt -alias other -file other/ca.pem -keystore "$R/etc/ssl/certs/java/cacerts" \
		-storepass changeit >/dev/null 2>&1 && have_java=1
fi
have_nss=0
if command -v certutil >/dev/null 2>&1; then
	mkdir nssdb && certutil -N -d sql:nssdb --empty-password >/dev/null 2>&1 && have_nss=1
fi
nss_opt=""
[ $have_nss = 1 ] && nss_opt="--nss $tmp/nssdb"

# ---- without --yes: nothing system-wide changes, the plan is printed, exit 1
expect 1 "install without --yes is refused" cg install --trust-root "$R" $nss_opt
has err.txt "--yes" "the refusal names --yes"
has out.txt "would add the root to $R/etc/pki/ca-trust/source/anchors" "the plan names the Fedora anchors"
[ -z "$(find "$R/usr/local/share/ca-certificates" "$R/etc/pki/ca-trust/source/anchors" -name "$nick*")" ] && ok ||
	bad "nothing written without --yes"
[ -e update-ca-trust.log ] && bad "update-ca-trust ran without --yes" || ok

# ---- install --yes into the temporary root
expect 0 "install --yes" cg install --trust-root "$R" --yes $nss_opt
cp out.txt install.txt
has install.txt "fedora  added $R/etc/pki/ca-trust/source/anchors/$nick.pem" "says what it added (Fedora)"
cmp -s "$R/etc/pki/ca-trust/source/anchors/$nick.pem" pki/ca.pem && ok || bad "Fedora anchor is the root"
has update-ca-trust.log "extract --output $R/etc/pki/ca-trust/extracted" "update-ca-trust extract ran inside the root"
if [ $have_deb = 1 ]; then
	has install.txt "debian  added $R/usr/local/share/ca-certificates/$nick.crt" "says what it added (Debian)"
	has install.txt "ran update-ca-certificates" "says it ran update-ca-certificates"
	expect 0 "the regenerated bundle trusts the root" "$TRUSTCHECK" \
		--anchors "$R/etc/ssl/certs/ca-certificates.crt" --host localhost pki/localhost/fullchain.pem
	[ -L "$R/etc/ssl/certs/$nick.pem" ] && ok || bad "update-ca-certificates linked the root"
else
	echo "certgen-install: update-ca-certificates not installed; Debian store not checked"
fi
if [ $have_java = 1 ]; then
	has install.txt "java    added $R/etc/ssl/certs/java/cacerts" "says what it added (Java)"
	keytool -list -keystore "$R/etc/ssl/certs/java/cacerts" -storepass changeit -alias "$nick" >/dev/null 2>&1 &&
		ok || bad "the keystore holds the root"
	keytool -list -keystore "$R/etc/ssl/certs/java/cacerts" -storepass changeit -alias other >/dev/null 2>&1 &&
		ok || bad "the keystore kept its other root"
else
	echo "certgen-install: keytool not installed; Java keystore not checked"
fi
if [ $have_nss = 1 ]; then
	has install.txt "nss     added $tmp/nssdb" "says what it added (NSS)"
	certutil -L -d sql:nssdb -n "$nick" >/dev/null 2>&1 && ok || bad "the NSS database holds the root"
else
	echo "certgen-install: certutil not installed; NSS database not checked"
fi
expect 0 "install again is harmless" cg install --trust-root "$R" --yes $nss_opt
expect 0 "install --format json" cg --format json install --trust-root "$R" --yes
python3 -c 'import json; d=json.load(open("out.txt")); assert any(c["store"] == "fedora" for c in d["changes"])' &&
	ok || bad "JSON lists the changes"
CERTGEN_TRUST_ROOT="$R" cg uninstall >out.txt 2>err.txt
[ $? = 1 ] && ok || bad "uninstall honours CERTGEN_TRUST_ROOT and wants --yes"
has out.txt "would remove the root from $R/" "the plan is under the env root"

# ---- uninstall --yes removes exactly this root
expect 0 "uninstall --yes" cg uninstall --trust-root "$R" --yes $nss_opt
has out.txt "fedora  removed $R/etc/pki/ca-trust/source/anchors/$nick.pem" "says what it removed"
[ -e "$R/etc/pki/ca-trust/source/anchors/$nick.pem" ] && bad "Fedora anchor still there" || ok
[ -e "$R/usr/local/share/ca-certificates/$nick.crt" ] && bad "Debian anchor still there" || ok
if [ $have_deb = 1 ]; then
	expect 1 "the regenerated bundle no longer trusts the root" "$TRUSTCHECK" \
		--anchors "$R/etc/ssl/certs/ca-certificates.crt" --host localhost pki/localhost/fullchain.pem
fi
if [ $have_java = 1 ]; then
	keytool -list -keystore "$R/etc/ssl/certs/java/cacerts" -storepass changeit -alias "$nick" >/dev/null 2>&1 &&
		bad "the keystore still holds the root" || ok
	keytool -list -keystore "$R/etc/ssl/certs/java/cacerts" -storepass changeit -alias other >/dev/null 2>&1 &&
		ok || bad "uninstall left the other root alone"
fi
if [ $have_nss = 1 ]; then
	certutil -L -d sql:nssdb -n "$nick" >/dev/null 2>&1 && bad "the NSS database still holds the root" || ok
fi
expect 0 "uninstall twice is no error" cg uninstall --trust-root "$R" --yes $nss_opt
expect 2 "a missing trust root is refused" cg install --trust-root "$tmp/nowhere" --yes
has err.txt "nowhere" "names the directory"
expect 2 "install before ca" cg --dir empty install --trust-root "$R"

tb_done certgen-install
