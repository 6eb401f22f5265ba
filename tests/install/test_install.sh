#!/bin/sh
# make install into a temporary prefix, then use libtrust the way README shows:
# pkg-config finds the header and the library; README's example program
# compiles and runs against the shared library and against the static archive;
# a program with its own tsha256/nc_bytes_of links with the static archive;
# the installed header declares, with a comment, exactly what the library exports.
#
#   sh tests/install/test_install.sh PREFIX BUILD   (run by `make install-check`)
. "$(dirname "$0")/../cli/lib.sh"
prefix=$1
build=$2
case "$prefix" in /*) ;; *) prefix="$top/$prefix" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"

# ---- what was installed, and where pkg-config points
for f in include/trust.h lib/libtrust.a lib/libtrust.so lib/pkgconfig/libtrust.pc \
	lib/pkgconfig/libtrust-static.pc share/man/man3/libtrust.3; do
	if [ -e "$prefix/$f" ]; then ok; else bad "make install did not write $f"; fi
done
if [ "$(echo $(pkg-config --cflags libtrust))" = "-I$prefix/include" ]; then ok; else
	bad "pkg-config --cflags libtrust is '$(pkg-config --cflags libtrust)', not -I$prefix/include"
fi
case " $(pkg-config --libs libtrust) " in
*" -L$prefix/lib "*"-ltrust "*) ok ;;
*) bad "pkg-config --libs libtrust: $(pkg-config --libs libtrust)" ;;
esac
case "$(pkg-config --libs libtrust-static)" in
*"$prefix/lib/libtrust.a"*-lssl*) ok ;;
*) bad "pkg-config --libs libtrust-static: $(pkg-config --libs libtrust-static)" ;;
esac
if grep -q plist "$prefix/lib/pkgconfig/libtrust.pc"; then bad "libtrust.pc names libplist"; else ok; fi

# ---- README's example, compiled as README prints the commands
python3 "$top/tests/docs/run_docs.py" --top "$top" --extract README.md example.c >"$work/example.c" ||
	bad "README.md has no example.c block"
"$top/$build/certgen" --dir "$work/pki" --quiet ca >/dev/null 2>&1 &&
	"$top/$build/certgen" --dir "$work/pki" --quiet leaf api.example.com >/dev/null 2>&1 ||
	bad "certgen could not make the test PKI"
cd "$work" || exit 2
ca=pki/ca.pem
chain=pki/api.example.com/fullchain.pem
# shellcheck disable=SC2046
expect 0 "README example compiles against the shared library" \
	$cc -std=c11 -Wall -Wextra -Werror example.c -o example $(pkg-config --cflags --libs libtrust)
expect 0 "README example compiles against the static archive" \
	$cc -std=c11 -Wall -Wextra -Werror example.c -o example-static \
	$(pkg-config --cflags --libs libtrust-static)
if readelf -d example | grep -q 'NEEDED.*libtrust\.so\.0'; then ok; else
	bad "the shared example does not load libtrust.so.0"
fi
if readelf -d example-static | grep -q 'libtrust'; then
	bad "the static example still needs libtrust.so"
else ok; fi
for bin in example example-static; do
	LD_LIBRARY_PATH="$prefix/lib" expect 0 "$bin: trusted chain" ./$bin $ca $chain api.example.com
	has out.txt "^TRUSTED api.example.com$" "$bin prints the verdict"
	LD_LIBRARY_PATH="$prefix/lib" expect 1 "$bin: wrong host" ./$bin $ca $chain www.example.com
	has out.txt "names.dns.mismatch" "$bin names the reason"
	LD_LIBRARY_PATH="$prefix/lib" expect 2 "$bin: missing anchors file" ./$bin missing.pem $chain \
		api.example.com
	has err.txt "missing.pem" "$bin reports libtrust's error message"
done
# The shared example loads the installed library, not the build tree's.
if LD_LIBRARY_PATH="$prefix/lib" ldd ./example | grep -q "$prefix/lib/libtrust.so.0"; then ok
else bad "the example does not load $prefix/lib/libtrust.so.0"; fi

# ---- a program's own symbols never collide with libtrust's internals
expect 0 "a program defining tsha256 and nc_bytes_of links with the installed libtrust.a" \
	$cc -std=c11 -Wall -Werror "$top/tests/install/collide.c" -o collide \
	$(pkg-config --cflags --libs libtrust-static)
expect 0 "collide: own functions and libtrust's verdict both intact" ./collide $ca $chain \
	api.example.com
# The test would notice: the internal archive keeps those symbols global.
expect 1 "control: the internal archive does collide" \
	$cc -std=c11 "$top/tests/install/collide.c" -o collide-internal -I"$top/include" \
	"$top/$build/libtrust-internal.a" $(pkg-config --libs libtrust-static | sed 's|[^ ]*libtrust\.a||')
has err.txt "multiple definition of .\(tsha256\|nc_bytes_of\)'" "control: the link fails on our names"

# ---- the installed archive and library export the header's functions only
nm -g --defined-only "$prefix/lib/libtrust.a" 2>/dev/null | awk 'NF == 3 { print $3 }' |
	grep -v '^trust_' >foreign.txt
if [ -s foreign.txt ]; then bad "libtrust.a exports non-trust_ symbols: $(head -5 foreign.txt | tr '\n' ' ')"
else ok; fi
nm -D --defined-only "$prefix/lib/libtrust.so" | awk '$2 == "T" { print $3 }' | sort >exported.txt
sed -n 's/^TRUST_API [^(]*[ *]\(trust_[a-z0-9_]*\)(.*/\1/p' "$prefix/include/trust.h" | sort >declared.txt
if [ -s declared.txt ] && cmp -s exported.txt declared.txt; then ok; else
	bad "exported and declared functions differ: $(diff exported.txt declared.txt | grep '^[<>]' | tr '\n' ' ')"
fi
# Every declaration has its comment: the line above it (continuation lines of a
# declaration aside) ends a comment.
awk '/^TRUST_API/ && prev !~ /\*\/[ \t]*$/ { print FILENAME ":" NR ": " $0 }
	{ if ($0 !~ /^[ \t]/ || $0 ~ /\*\//) prev = $0 }' "$prefix/include/trust.h" >uncommented.txt
if [ -s uncommented.txt ]; then bad "declarations without a comment: $(cat uncommented.txt)"; else ok; fi
if grep -n '_get[01]' declared.txt >/dev/null; then bad "get0/get1 names are back: $(grep _get declared.txt)"
else ok; fi

tb_done install
