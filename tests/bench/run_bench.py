#!/usr/bin/env python3
"""Runs trust-verify-bench and openssl-verify-bench side by side.

For every scenario the two drivers run alternately (openssl first in even
rounds, libtrust first in odd ones) on the same inputs; the table shows the
median of each side's verifications per second over the rounds and their
ratio against the target from the product spec (section 8).  Targets are
judged on the median cpu time per verification (getrusage), which is what the
verifier itself spends; the wall-clock rate is shown beside it.

  run_bench.py --bin DIR --inputs DIR [--rounds N] [--only SUBSTR] [--json FILE]
               [--lax] [--smoke] [--no-callgrind]
               [--mtls-load BIN --mtls-server BIN --mtls-pki DIR]

With --mtls-*, one more row: full mTLS handshakes against the example server
(examples/mtls-server) verifying client chains with libtrust, against the same
server with --openssl-verify (SSL_VERIFY_PEER and the CA file), driven by
tests/load/mtls_load.c --bench; "cpu" there is the server's CPU time per
handshake.

--smoke runs every scenario once with a handful of iterations: it checks that
both verifiers run and accept every chain, not how fast they are.
A missed target makes the run exit 1 unless --lax is given (for a machine so
loaded that timings mean little).  Both drivers run pinned to the same core
when taskset exists.  Unless --no-callgrind, valgrind's callgrind counts the
instructions of one warmed-up warm, rotate and cold verification on each side
(and of the floor under cold): a measure that does not depend on load.

Every cold row also runs the signature floor (openssl-verify-bench --mode
sig-floor) in the same rounds: the chain's two signature checks alone, with
keys never used before.  OpenSSL's cold time over the floor's is the ceiling:
the best cold ratio a verifier can reach while it checks signatures with
OpenSSL's code.  A missed target above its ceiling is reported as such.
"""
import argparse
import json
import os
import statistics
import shutil
import ssl
import subprocess
import sys
import tempfile

HOST = "bench.example.com"
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

# mode -> (warmup, minimum iterations, minimum seconds) for a full run.
TIMING = {
    "warm": (200, 200, 0.2),
    "rotate": (50, 200, 0.2),
    "cold": (20, 50, 0.2),
    "cold-chain": (2, 10, 0.2),
    "sig-floor": (20, 50, 0.2),
}

# openssl-verify-bench's mode for the signature floor under the cold rows
# (cold-chain checks the same two signatures: the system bundle adds anchors).
FLOOR = "sig-floor"
FLOOR_MODES = ("cold", "cold-chain")


def scenarios():
    """(name, alg, mode, extra args, target) in table order.

    target is ("ratio", x): libtrust ops/s >= x * openssl ops/s; or
    ("flat", base, x): libtrust's time per verification at most x times that of
    scenario `base` (the pool rows); or None for information only.
    """
    rows = []
    for alg, label, rotate, cold in (("ec", "P-256", 3.0, 4.0), ("rsa", "RSA-2048", 4.0, 8.0)):
        rows += [
            (f"{label} warm", alg, "warm", [], ("ratio", 20.0)),
            (f"{label} rotate", alg, "rotate", [], ("ratio", rotate)),
            (f"{label} cold", alg, "cold", [], ("ratio", cold)),
            (f"{label} cold system bundle", alg, "cold-chain", [], ("ratio", 40.0)),
        ]
    # The pool does not depend on the chain's algorithm: P-256 only, which keeps
    # the run short (OpenSSL parses all 10,000 pool certificates at start-up).
    base = "P-256 warm pool 10"
    rows.append((base, "ec", "warm", ["--pool", "pool-10"], None))
    rows.append(("P-256 warm pool 1000", "ec", "warm", ["--pool", "pool-1000"], None))
    rows.append(("P-256 warm pool 10000", "ec", "warm", ["--pool", "pool-10000"],
                 ("flat", base, 1.10)))
    rows.append(("P-256 pool 10000 peak memory", "ec", "warm", ["--pool", "pool-10000"],
                 ("rss", 18 * 1024)))
    rows.append(("P-256 warm pool 10000 after", "ec", "warm",
                 ["--pool", "pool-10000", "--pool-after"], None))
    return rows


def command(binary, inputs, alg, mode, extra, smoke):
    d = os.path.join(inputs, alg)
    leaf = "leaves.pem" if mode == "rotate" else "leaf.pem"
    with open(os.path.join(inputs, "attime")) as f:
        attime = f.read().strip()
    warmup, iters, min_time = TIMING[mode]
    if smoke:
        warmup, iters, min_time = 1, 3, 0.0
    cmd = [binary, "--mode", mode,
           "--anchors", os.path.join(d, "root.pem"),
           "--untrusted", os.path.join(d, "inter.pem"),
           "--leaf", os.path.join(d, leaf),
           "--host", HOST, "--attime", attime,
           "--iters", str(iters), "--warmup", str(warmup), "--min-time", str(min_time)]
    for a in extra:
        if a.startswith("pool-"):  # a directory of PEM files
            p = os.path.join(inputs, a)
            cmd += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".pem"))
        else:
            cmd.append(a)
    if mode == "cold-chain":
        cmd += ["--system-bundle", SYSTEM_BUNDLE]
    return cmd


# The mTLS row: measured handshakes, warm-up handshakes (they fill libtrust's
# signature cache), concurrent clients.
MTLS_ROW = "mTLS handshake, example server"
MTLS_TIMING = (600, 100, 8)


def mtls_command(args, impl, smoke):
    """mtls-load --bench against the example server, libtrust or OpenSSL verifying."""
    measured, warmup, clients = MTLS_TIMING
    if smoke:
        measured, warmup = 10, 5
    cmd = [args.mtls_load, "--bench", "--server", args.mtls_server, "--pki", args.mtls_pki,
           "--handshakes", str(measured + warmup), "--warmup", str(warmup),
           "--clients", str(clients)]
    return cmd + (["--", "--openssl-verify"] if impl == "openssl" else [])


def pinned(cmd):
    """The command run on one fixed core (the same for both drivers), if taskset exists."""
    if not shutil.which("taskset") or not hasattr(os, "sched_getaffinity"):
        return cmd
    return ["taskset", "-c", str(max(os.sched_getaffinity(0)))] + cmd


def run_one(cmd):
    p = subprocess.run(pinned(cmd), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{os.path.basename(cmd[0])} exited {p.returncode}: "
                           f"{p.stderr.strip() or p.stdout.strip()}")
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return {k: v for k, v in (kv.split("=", 1) for kv in line.split()[1:])}
    raise RuntimeError(f"{os.path.basename(cmd[0])}: no RESULT line in: {p.stdout!r}")


def few_leaves(inputs, alg, n):
    """A temporary PEM file with the first n leaves (parsing 20,000 under valgrind is slow)."""
    with open(os.path.join(inputs, alg, "leaves.pem")) as f:
        text = f.read()
    end = "-----END CERTIFICATE-----\n"
    blocks = text.split(end)[:n]
    tmp = tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False)
    tmp.write("".join(b + end for b in blocks))
    tmp.close()
    return tmp.name


def callgrind_count(cmd):
    """Instructions inside bench_measured_iteration: one warmed-up verification."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "callgrind.out")
        vg = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
              "--collect-atstart=no", "--toggle-collect=bench_measured_iteration"]
        p = subprocess.run(vg + cmd, capture_output=True, text=True)
        if p.returncode != 0 or not os.path.exists(out):
            raise RuntimeError(f"callgrind: {p.stderr.strip().splitlines()[-1:]}")
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    raise RuntimeError("callgrind: no totals")


def callgrind_table(impls, inputs, only):
    if not shutil.which("valgrind"):
        print("callgrind: valgrind not installed, no instruction counts", file=sys.stderr)
        return
    print()
    print(f"{'callgrind: instructions':<30} {'openssl':>12} {'libtrust':>12} {'ratio':>6} "
          f"{'floor':>12} {'ceiling':>7}")
    for alg, label in (("ec", "P-256"), ("rsa", "RSA-2048")):
        for mode in ("warm", "rotate", "cold"):
            name = f"{label} {mode}"
            if only not in name:
                continue
            leaves = few_leaves(inputs, alg, 12) if mode == "rotate" else None
            runs = dict(impls, floor=impls["openssl"]) if mode in FLOOR_MODES else impls
            counts = {}
            try:
                for impl, binary in runs.items():
                    cmd = command(binary, inputs, alg, FLOOR if impl == "floor" else mode,
                                  [], True)
                    cmd = [a if not a.endswith("leaves.pem") else leaves for a in cmd]
                    cmd[cmd.index("--warmup") + 1] = "5"
                    cmd[cmd.index("--iters") + 1] = "1"
                    counts[impl] = callgrind_count(cmd)
            except RuntimeError as e:
                print(f"{name:<30} {e}")
                continue
            finally:
                if leaves:
                    os.unlink(leaves)
            o, t = counts["openssl"], counts["libtrust"]
            f = counts.get("floor")
            floor = f"{f:>12,} {o / f:>6.2f}x" if f else ""
            print(f"{name:<30} {o:>12,} {t:>12,} {o / t:>5.2f}x {floor}")
    print("one verification after 5 warm-up ones (independent of machine load); floor: the\n"
          "two signature checks alone (--mode sig-floor), ceiling: openssl / floor")


def smoke_floor_rejects(binary, inputs, alg):
    """The floor fails on a leaf whose signature has one bit flipped; else an error string."""
    with open(os.path.join(inputs, alg, "leaf.pem")) as f:
        der = bytearray(ssl.PEM_cert_to_DER_cert(f.read()))
    der[-1] ^= 1  # the signature's last byte
    with tempfile.NamedTemporaryFile(suffix=".der") as tmp:
        tmp.write(der)
        tmp.flush()
        cmd = command(binary, inputs, alg, FLOOR, [], True)
        cmd[cmd.index("--leaf") + 1] = tmp.name
        p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 1 and "signature does not verify" in p.stderr:
        return None
    return f"sig-floor accepted a bad {alg} signature (exit {p.returncode}): {p.stderr.strip()}"


def fmt_rate(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def floor_table(rows, results):
    """OpenSSL's cold time against the signature floor: the ceiling of each cold ratio."""
    names = [s[0] for s in rows if s[0] in results and "floor" in results[s[0]]]
    if not names:
        return
    print()
    print(f"{'signature floor':<30} {'openssl':>9} {'floor':>9} {'ceiling':>8} "
          f"{'reached':>9} {'target':>7}")
    for name in names:
        res = results[name]
        target = f"{res['target'][1]:g}x" if res["target"] else ""
        print(f"{name:<30} {res['openssl']['cpu_us']:>9.1f} {res['floor']['cpu_us']:>9.1f} "
              f"{res['ceiling_cpu']:>7.2f}x {res['ratio_cpu']:>8.2f}x {target:>7}")
    print("cpu us per verification; floor: the chain's two signature checks alone, keys never\n"
          "used before (openssl-verify-bench --mode sig-floor); ceiling: openssl / floor, the\n"
          "best cold ratio while signatures are checked with OpenSSL's code; reached: libtrust's\n"
          "ratio (the table above)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory holding the two bench binaries")
    ap.add_argument("--inputs", required=True, help="directory made by make-bench-inputs.sh")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", default="", help="run the scenarios whose name contains this")
    ap.add_argument("--json", help="also write the medians and every round here")
    ap.add_argument("--lax", action="store_true", help="report a missed target, exit 0")
    ap.add_argument("--no-callgrind", action="store_true",
                    help="skip the callgrind instruction counts")
    ap.add_argument("--smoke", action="store_true", help="one quick round: do both verify?")
    ap.add_argument("--mtls-load", help="tests/load's driver: adds the mTLS handshake row")
    ap.add_argument("--mtls-server", help="examples/mtls-server, for the mTLS row")
    ap.add_argument("--mtls-pki", help="identities made by tests/load/make_pki.sh")
    args = ap.parse_args()
    if args.smoke:
        args.rounds = 1

    impls = {
        "openssl": os.path.join(args.bin, "openssl-verify-bench"),
        "libtrust": os.path.join(args.bin, "trust-verify-bench"),
    }
    for b in impls.values():
        if not os.access(b, os.X_OK):
            print(f"run_bench: {b}: not built", file=sys.stderr)
            return 2
    if not os.path.exists(os.path.join(args.inputs, "attime")):
        print(f"run_bench: {args.inputs}: no bench inputs (run make-bench-inputs.sh)",
              file=sys.stderr)
        return 2
    rows = scenarios()
    if args.mtls_load:
        if not (args.mtls_server and args.mtls_pki):
            print("run_bench: --mtls-load needs --mtls-server and --mtls-pki", file=sys.stderr)
            return 2
        # Same run, same core; target from issue 8: at least 0.95x OpenSSL.
        rows.append((MTLS_ROW, "ec", "mtls", [], ("ratio", 0.95)))
    rows = [s for s in rows if args.only in s[0]]
    if not os.path.exists(SYSTEM_BUNDLE):
        print(f"run_bench: {SYSTEM_BUNDLE} missing: skipping the system-bundle rows",
              file=sys.stderr)
        rows = [s for s in rows if s[2] != "cold-chain"]

    # Round-major: every scenario runs once per round, so a burst of other load
    # touches all scenarios alike, and each ratio is taken within one round.
    # "floor" runs the cold rows' signature checks alone (openssl-verify-bench).
    per = {s[0]: {"openssl": [], "libtrust": [], **({"floor": []} if s[2] in FLOOR_MODES else {})}
           for s in rows}
    failed = {}
    for r in range(args.rounds):
        order = ["openssl", "libtrust", "floor"]
        order = order if r % 2 == 0 else order[::-1]
        for name, alg, mode, extra, target in rows:
            if name in failed:
                continue
            try:
                for impl in (i for i in order if i in per[name]):
                    if mode == "mtls":
                        cmd = mtls_command(args, impl, args.smoke)
                    elif impl == "floor":
                        cmd = command(impls["openssl"], args.inputs, alg, FLOOR, [], args.smoke)
                    else:
                        cmd = command(impls[impl], args.inputs, alg, mode, extra, args.smoke)
                    per[name][impl].append(run_one(cmd))
            except RuntimeError as e:
                failed[name] = str(e)
                print(f"FAILED  {name}: {e}", file=sys.stderr, flush=True)
        if not args.smoke:
            print(f"  round {r + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    failures = [f"{n}: {e}" for n, e in failed.items()]

    def col(runs, key):
        return [float(x[key]) for x in runs]

    results = {}
    for name, alg, mode, extra, target in rows:
        if name in failed:
            continue
        med = {}
        for impl, runs in per[name].items():
            med[impl] = {
                "ops_s": statistics.median(col(runs, "ops_s")),
                "wall_us": statistics.median(col(runs, "wall_us")),
                "cpu_us": statistics.median(col(runs, "cpu_us")),
                "first_us": statistics.median(col(runs, "first_us")),
                "maxrss_kb": max(int(x["maxrss_kb"]) for x in runs),
                "rounds": runs,
            }
        o, t = per[name]["openssl"], per[name]["libtrust"]
        results[name] = {
            "alg": alg, "mode": mode, "target": target, **med,
            # Medians of the per-round (paired) ratios.
            "ratio_wall": statistics.median(a / b for a, b in zip(col(t, "ops_s"),
                                                                  col(o, "ops_s"))),
            "ratio_cpu": statistics.median(a / b for a, b in zip(col(o, "cpu_us"),
                                                                 col(t, "cpu_us"))),
        }
        if "floor" in per[name]:
            f = per[name]["floor"]
            results[name]["ceiling_cpu"] = statistics.median(
                a / b for a, b in zip(col(o, "cpu_us"), col(f, "cpu_us")))
    for name, alg, mode, extra, target in rows:
        if target and target[0] == "flat" and name in results and target[1] in results:
            mine = col(per[name]["libtrust"], "cpu_us")
            base = col(per[target[1]]["libtrust"], "cpu_us")
            results[name]["growth_cpu"] = statistics.median(a / b for a, b in zip(mine, base))

    if args.smoke:
        for name, res in results.items():
            floor = ", signature floor ran" if "floor" in res else ""
            print(f"ok  {name:<30} both verified ({res['mode']}){floor}")
        for alg in sorted({res["alg"] for res in results.values() if "floor" in res}):
            bad = smoke_floor_rejects(impls["openssl"], args.inputs, alg)
            if bad:
                failures.append(bad)
                print(f"FAILED  {bad}", file=sys.stderr)
            else:
                print(f"ok  {alg} sig-floor rejects a flipped signature bit")
        if failures:
            print(f"bench-smoke: {len(failures)} check(s) failed", file=sys.stderr)
            return 1
        print(f"bench-smoke: {len(results)} scenarios, both verifiers accept every chain")
        return 0

    print()
    hdr = (f"{'scenario':<30} {'openssl':>9} {'libtrust':>9} {'ratio':>6} "
           f"{'openssl':>9} {'libtrust':>9} {'ratio':>6} {'openssl':>8} {'libtrust':>8}  "
           f"{'target':<26} result")
    print(f"{'':<30} {'-- cpu us/verification --':^26} {'-- wall us/verification --':^26} "
          f"{'peak RSS MB':^17}")
    print(hdr)
    print("-" * len(hdr))
    met = missed = 0
    for name, alg, mode, extra, target in rows:
        if name not in results:
            print(f"{name:<30} {'FAILED':>9}")
            continue
        res = results[name]
        o, t = res["openssl"], res["libtrust"]
        ratio_wall, ratio_cpu = res["ratio_wall"], res["ratio_cpu"]
        tgt, verdict = "", ""
        if target and target[0] == "ratio":
            tgt = f">= {target[1]:g}x openssl (cpu)"
            ok = ratio_cpu >= target[1]
        elif target and target[0] == "flat" and "growth_cpu" in res:
            growth = res["growth_cpu"]
            tgt = f"<= {target[2]:.2f}x pool 10: {growth:.2f}x"
            ok = growth <= target[2]
        elif target and target[0] == "rss":
            tgt = f"libtrust <= {target[1] / 1024:.0f} MB"
            ok = t["maxrss_kb"] <= target[1]
        else:
            ok = None
        if ok is not None:
            verdict = "met" if ok else "NOT MET"
            met += ok
            missed += not ok
        ceiling = res.get("ceiling_cpu")
        if ok is False and ceiling and target[0] == "ratio":
            verdict += (f": target {target[1]:g}x is above the {ceiling:.2f}x ceiling OpenSSL's "
                        "signature code allows on this machine" if target[1] > ceiling else
                        f" (ceiling {ceiling:.2f}x)")
        res["met"] = ok
        print(f"{name:<30} {o['cpu_us']:>9.1f} {t['cpu_us']:>9.1f} {ratio_cpu:>5.2f}x "
              f"{o['wall_us']:>9.1f} {t['wall_us']:>9.1f} {ratio_wall:>5.2f}x "
              f"{o['maxrss_kb'] / 1024:>8.1f} {t['maxrss_kb'] / 1024:>8.1f}  {tgt:<26} {verdict}")
    floor_table(rows, results)
    print()
    for alg, label in (("ec", "P-256"), ("rsa", "RSA-2048")):
        a, b = f"{label} warm pool 10", f"{label} warm pool 10000"
        if a in results and b in results:
            print(f"{label} pool 10 -> 10000: openssl "
                  f"{results[b]['openssl']['cpu_us'] - results[a]['openssl']['cpu_us']:+.1f} us, "
                  f"libtrust {results[b]['libtrust']['cpu_us'] - results[a]['libtrust']['cpu_us']:+.1f} us"
                  " cpu per verification")
    if MTLS_ROW in results:
        m = results[MTLS_ROW]
        print(f"{MTLS_ROW}: {m['openssl']['ops_s']:,.0f} handshakes/s with OpenSSL verifying, "
              f"{m['libtrust']['ops_s']:,.0f} with libtrust ({m['ratio_wall']:.2f}x wall); "
              f"per server cpu second {1e6 / m['openssl']['cpu_us']:,.0f} and "
              f"{1e6 / m['libtrust']['cpu_us']:,.0f} ({m['ratio_cpu']:.2f}x)\n"
              f"  ({MTLS_TIMING[2]} clients, full handshakes, {MTLS_TIMING[1]} warm-up ones "
              "first; cpu and wall columns: per handshake, the server's cpu)")
    print(f"medians of {args.rounds} interleaved rounds (ratios: medians of the per-round "
          "ratios);\ntargets are judged on cpu time per verification, which other load "
          f"inflates less than wall time; targets met: {met} of {met + missed}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    if failures:
        return 1
    if not args.no_callgrind:
        callgrind_table(impls, args.inputs, args.only)
    if missed and not args.lax:
        print(f"run_bench: {missed} target(s) missed (BENCH_LAX=1 reports without failing)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
