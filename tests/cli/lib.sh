# Shared by the CLI test scripts: counters, assertions and the closing line.
# Source it with `. "$(dirname "$0")/lib.sh"` before using anything below.
#
# Tool paths become absolute, so a script may cd into its temporary directory.
top=$(pwd)
CERTGEN=${CERTGEN:-build/certgen}
TRUSTCHECK=${TRUSTCHECK:-build/trustcheck}
case "$CERTGEN" in /*) ;; *) CERTGEN="$top/$CERTGEN" ;; esac
case "$TRUSTCHECK" in /*) ;; *) TRUSTCHECK="$top/$TRUSTCHECK" ;; esac
pass=0
fail=0
# Files whose first lines bad() shows with a failure (set by a script's run helper).
tb_show_out=""
tb_show_err=""

ok() { pass=$((pass + 1)); }

# bad MESSAGE: counts a failure and says why, with the captured output if any.
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
	if [ -n "$tb_show_out" ] && [ -f "$tb_show_out" ]; then
		sed 's/^/    stdout: /' "$tb_show_out" | head -5 >&2
	fi
	if [ -n "$tb_show_err" ] && [ -f "$tb_show_err" ]; then
		sed 's/^/    stderr: /' "$tb_show_err" | head -5 >&2
	fi
}

# expect RC DESCRIPTION CMD...: runs CMD (output in out.txt/err.txt of the
# current directory) and checks its exit code.
expect() {
	want=$1
	what=$2
	shift 2
	"$@" >out.txt 2>err.txt
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, wanted $want ($(head -c 300 err.txt))"; fi
}

# has FILE TEXT DESCRIPTION: FILE contains TEXT (a grep pattern).
has() {
	if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1"; fi
}

# free_port: a TCP port nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT [HOST [PID]]: until something accepts on HOST:PORT (at most 15 s), false
# at once if process PID has ended.  The probe is one connection the server sees.
wait_port() {
	python3 - "$1" "${2:-127.0.0.1}" "${3:-0}" <<'PY'
import os, socket, sys, time
end = time.time() + 15
while time.time() < end:
    try:
        socket.create_connection((sys.argv[2], int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
    if int(sys.argv[3]):
        try:
            os.kill(int(sys.argv[3]), 0)
        except OSError:
            sys.exit(1)
sys.exit(1)
PY
}

# tb_done NAME: the closing line make reads, and the exit code.
tb_done() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
