# Shared by the trustcheck CLI scripts that work in a temporary directory:
# source it after lib.sh.  Sets F (absolute fixtures), tmp (the current
# directory from here on), tc (trustcheck under TRUSTCHECK_WRAPPER, e.g.
# valgrind), A and H (the good chain's anchor and host).
F=${TRUST_FIXTURES:?set TRUST_FIXTURES to the generated fixtures}
case "$F" in /*) ;; *) F="$top/$F" ;; esac
WRAP=${TRUSTCHECK_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1
tb_show_out=out.txt
tb_show_err=err.txt
tc() { $WRAP "$TRUSTCHECK" "$@"; }
A="--anchors $F/good/root.pem"
H="--host good.example.com"
