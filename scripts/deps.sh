#!/bin/sh
# Installs the Debian packages trustbench needs, or says which are missing.
# Usage: scripts/deps.sh [build|test|fuzz]   (default: test)
set -eu
want=${1:-test}

PKGS_BUILD="build-essential pkg-config libssl-dev libcbor-dev libjansson-dev libplist-dev libpsl-dev libidn2-dev libgraphviz-dev openssl"
PKGS_TEST="check libsubunit-dev valgrind curl python3 python3-jsonschema python3-cbor2 ca-certificates libnss3-tools zsh"
PKGS_FUZZ="clang libclang-rt-14-dev"

case "$want" in
build) pkgs="$PKGS_BUILD" ;;
test) pkgs="$PKGS_BUILD $PKGS_TEST" ;;
fuzz) pkgs="$PKGS_BUILD $PKGS_TEST $PKGS_FUZZ" ;;
*) echo "usage: scripts/deps.sh [build|test|fuzz]" >&2; exit 2 ;;
esac

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $pkgs; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$st" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
	done
else
	# Not Debian: check by pkg-config module and command instead.
	for m in openssl libcbor jansson libplist-2.0 libpsl libidn2 libgvc check; do
		pkg-config --exists "$m" 2>/dev/null || missing="$missing $m"
	done
	if [ -n "$missing" ]; then
		echo "trustbench needs these libraries (Debian names): $pkgs" >&2
		echo "missing pkg-config modules:$missing" >&2
		exit 1
	fi
	exit 0
fi

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "missing packages:$missing (install them, then run make again)" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "missing packages:$missing" >&2
	echo "run: sudo apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
