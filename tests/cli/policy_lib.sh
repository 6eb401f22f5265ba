# Helpers for the policy tests (sourced after lib.sh, inside a temporary directory).
#
# mkleaf NAME NOT_BEFORE NOT_AFTER EXT [KEYALG] [MD]: a leaf signed by pki/ca.pem
# with exactly these dates (YYYYMMDDHHMMSSZ) and the OpenSSL extension lines in
# EXT; certgen covers the ordinary cases, this the ones certgen refuses to make
# (no EKU, odd keyUsage, SHA-1, small keys, embedded SCTs).  Writes NAME.pem
# (leaf + nothing else: the root is the anchor).
mkleaf() {
	# Prefixed names: shell functions share the caller's variables.
	ml_name=$1 ml_nb=$2 ml_na=$3 ml_ext=$4 ml_alg=${5:-EC:P-256} ml_md=${6:-sha256}
	mkdir -p ossl
	[ -f ossl/index.txt ] || : >ossl/index.txt
	[ -f ossl/serial ] || echo 1000 >ossl/serial
	cat >ossl/ca.cnf <<EOF
[ca]
default_ca = d
[d]
database = ossl/index.txt
new_certs_dir = ossl
serial = ossl/serial
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
[e]
$ml_ext
EOF
	case "$ml_alg" in
	EC:*) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"${ml_alg#EC:}" \
		-out "$ml_name.key" 2>/dev/null ;;
	RSA:*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${ml_alg#RSA:}" \
		-out "$ml_name.key" 2>/dev/null ;;
	esac
	openssl req -new -key "$ml_name.key" -subj "/CN=$ml_name" -out "$ml_name.csr" 2>/dev/null &&
		openssl ca -batch -config ossl/ca.cnf -cert pki/ca.pem -keyfile pki/ca-key.pem \
			-in "$ml_name.csr" -out "$ml_name.pem" -startdate "$ml_nb" -enddate "$ml_na" \
			-extfile ossl/ca.cnf -extensions e -md "$ml_md" -notext >/dev/null 2>&1 ||
		bad "mkleaf $ml_name: openssl could not make the certificate"
}

# tcj ARGS...: trustcheck --format json; sets $rc, keeps out.json / err.txt.
tcj() {
	"$TRUSTCHECK" --format json "$@" >out.json 2>err.txt </dev/null
	rc=$?
}

# sev ID: the highest severity of findings ID on the chosen path ("none" if absent).
sev() {
	python3 - "$1" <<'PY'
import json, sys
try:
    d = json.load(open("out.json"))
except Exception:
    print("unreadable"); sys.exit()
p = d["paths"][d["chosen_path"]] if d.get("chosen_path") is not None else {"findings": []}
order = ["none", "pass", "info", "warning", "error"]
worst = "none"
for f in p["findings"]:
    if f["id"] == sys.argv[1] and order.index(f["severity"]) > order.index(worst):
        worst = f["severity"]
print(worst)
PY
}

# want NAME RC ID SEVERITY: the last tcj exited RC and finding ID has SEVERITY.
want() {
	got=$(sev "$3")
	if [ "$rc" = "$2" ] && [ "$got" = "$4" ]; then ok; else
		bad "$1: exit $rc (want $2), $3 is '$got' (want '$4'); $(head -c 200 err.txt)"
	fi
}

# reason NAME ID: the last tcj's headline reason is ID.
reason() {
	got=$(python3 -c 'import json; print(json.load(open("out.json"))["reason"]["id"])' 2>/dev/null)
	if [ "$got" = "$2" ]; then ok; else bad "$1: reason '$got', want '$2'"; fi
}
