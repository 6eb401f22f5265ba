#!/bin/sh
# Runs each scenario with both drivers, interleaved, for ROUNDS rounds and
# prints medians, ratios and the targets from the product spec.
# Usage: run_bench.sh BUILD BENCH_DIR ROUNDS   (BENCH_QUICK=1: few iterations)
set -eu
build=$1
dir=$2
rounds=${3:-5}
tb=$build/trust-verify-bench
ob=$build/openssl-verify-bench
bundle=/etc/ssl/certs/ca-certificates.crt
now=$(date +%s)
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM

quick=${BENCH_QUICK:-0}
it() { if [ "$quick" = 1 ]; then echo 20; else echo "$1"; fi; }
mt() { if [ "$quick" = 1 ]; then echo 0; else echo "$1"; fi; }

# name|target|args
scenarios() {
	for k in ec rsa; do
		echo "$k-warm|10|--mode warm --anchors $dir/$k/root.pem --untrusted $dir/$k/inter.pem --leaf $dir/$k/leaf.pem --iters $(it 20000) --warmup 100 --min-time $(mt 0.3)"
		echo "$k-rotate|1.8|--mode rotate --anchors $dir/$k/root.pem --untrusted $dir/$k/inter.pem --leaf $dir/$k/leaves.pem --iters $(it 100000) --warmup 50 --min-time 0"
		echo "$k-cold|1.0|--mode cold --anchors $dir/$k/root.pem --untrusted $dir/$k/inter.pem --leaf $dir/$k/leaf.pem --iters $(it 1000) --warmup 10 --min-time $(mt 0.3)"
	done
	if [ -r "$bundle" ]; then
		echo "ec-cold-chain|5|--mode cold-chain --anchors $bundle $dir/ec/root.pem --untrusted $dir/ec/inter.pem --leaf $dir/ec/leaf.pem --iters $(it 40) --warmup 2 --min-time $(mt 0.3)"
	fi
	for n in 10 1000 10000; do
		echo "ec-pool-$n|-|--mode warm --anchors $dir/ec/root.pem --untrusted $dir/ec/inter.pem --pool $dir/pool$n.pem --leaf $dir/ec/leaf.pem --iters $(it 20000) --warmup 100 --min-time $(mt 0.3)"
	done
}

r=1
while [ "$r" -le "$rounds" ]; do
	scenarios | while IFS='|' read -r name target args; do
		for impl in openssl libtrust; do
			bin=$ob
			[ "$impl" = libtrust ] && bin=$tb
			# shellcheck disable=SC2086
			line=$("$bin" $args --host bench.example.com --attime "$now" | grep '^RESULT') || {
				echo "bench: $impl failed on $name" >&2
				exit 1
			}
			ops=$(echo "$line" | sed 's/.*ops_s=\([0-9.]*\).*/\1/')
			us=$(echo "$line" | sed 's/.*wall_us=\([0-9.]*\).*/\1/')
			cpu=$(echo "$line" | sed 's/.*cpu_us=\([0-9.]*\).*/\1/')
			echo "$name $impl $ops $us $cpu" >> "$out"
		done
	done
	r=$((r + 1))
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Ratios are libtrust over OpenSSL throughput: by wall time, and by CPU time,
# which stays honest when something else shares the machine; "met" uses CPU.
printf '%-15s %13s %13s %11s %11s %8s %8s %7s %4s\n' scenario "openssl op/s" "libtrust op/s" "openssl us" "libtrust us" "x wall" "x cpu" target met
scenarios | while IFS='|' read -r name target args; do
	o=$(awk -v n="$name" '$1 == n && $2 == "openssl" { print $3 }' "$out" | median)
	t=$(awk -v n="$name" '$1 == n && $2 == "libtrust" { print $3 }' "$out" | median)
	ou=$(awk -v n="$name" '$1 == n && $2 == "openssl" { print $4 }' "$out" | median)
	tu=$(awk -v n="$name" '$1 == n && $2 == "libtrust" { print $4 }' "$out" | median)
	oc=$(awk -v n="$name" '$1 == n && $2 == "openssl" { print $5 }' "$out" | median)
	tc=$(awk -v n="$name" '$1 == n && $2 == "libtrust" { print $5 }' "$out" | median)
	ratio=$(awk -v a="$t" -v b="$o" 'BEGIN { printf "%.2f", a / b }')
	cratio=$(awk -v a="$oc" -v b="$tc" 'BEGIN { printf "%.2f", a / b }')
	met=-
	if [ "$target" != - ]; then
		met=$(awk -v r="$cratio" -v t="$target" 'BEGIN { print (r >= t) ? "yes" : "NO" }')
	fi
	printf '%-15s %13.0f %13.0f %11.1f %11.1f %7sx %7sx %7s %4s\n' "$name" "$o" "$t" "$ou" "$tu" "$ratio" "$cratio" "$target" "$met"
done
p10=$(awk '$1 == "ec-pool-10" && $2 == "libtrust" { print $5 }' "$out" | median)
p10k=$(awk '$1 == "ec-pool-10000" && $2 == "libtrust" { print $5 }' "$out" | median)
o10=$(awk '$1 == "ec-pool-10" && $2 == "openssl" { print $5 }' "$out" | median)
o10k=$(awk '$1 == "ec-pool-10000" && $2 == "openssl" { print $5 }' "$out" | median)
awk -v a="$p10" -v b="$p10k" -v c="$o10" -v d="$o10k" 'BEGIN {
	g = (b - a) / a * 100
	printf "pool 10 -> 10,000 (CPU per verification): libtrust %+.1f us (%+.1f%%, target within 10%%: %s); openssl %+.1f us\n",
		b - a, g, (g <= 10 && g >= -10) ? "yes" : "NO", d - c }'
echo "rounds: $rounds (medians); bundle: $bundle"
