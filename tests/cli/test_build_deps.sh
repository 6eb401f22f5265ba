#!/bin/sh
# Header dependencies come from the compiler (-MMD -MP): changing a header
# rebuilds exactly the objects that include it.  `make -n -W FILE` asks what
# would be rebuilt if FILE changed, without touching it.  Env: BUILD.
set -u
. "$(dirname "$0")/lib.sh"
B=${BUILD:-build}
# rebuilt FILE: the objects make would compile if FILE changed, one per line.
rebuilt() {
	env -u MAKEFLAGS -u MAKELEVEL make --no-print-directory -n -W "$1" BUILD="$B" all 2>/dev/null |
		grep -o -- "-o $B/obj/[^ ]*\.o" | sed "s|^-o $B/obj/||" | sort -u
}
objs=$(rebuilt trust/cli/options.h)
[ -n "$objs" ] && ok || bad "options.h: nothing would be rebuilt (no dependency files?)"
echo "$objs" | grep -qx 'trust/cli/options.o' && ok || bad "options.h: options.o not rebuilt"
other=$(echo "$objs" | grep -v '^trust/cli/')
[ -z "$other" ] && ok || bad "options.h rebuilds more than trustcheck's objects: $other"
objs=$(rebuilt certgen/certgen.h)
echo "$objs" | grep -q '^certgen/' && ok || bad "certgen.h: certgen's objects not rebuilt"
lib=$(echo "$objs" | grep '^trust/')
[ -z "$lib" ] && ok || bad "certgen.h rebuilds libtrust objects: $lib"
objs=$(rebuilt trust/report_model.h)
echo "$objs" | grep -qx 'trust/report_json.o' && ok || bad "report_model.h: report_json.o not rebuilt"
echo "$objs" | grep -q '^trust/path_build.o$' && bad "report_model.h rebuilds path_build.o" || ok
tb_done build-deps
