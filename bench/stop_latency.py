#!/usr/bin/env python3
"""How long respect-opt takes to end after Ctrl-C (SIGINT), by when it comes.

Runs `respect-opt` on a synthetic graph with one method and a long limit,
stdout in a file, sends SIGINT `delay` seconds after the start, and reports
the seconds from the signal to the exit, the exit code, and the stopped
table's status line. Usage:

  bench/stop_latency.py [--bin build/respect-opt] [--nodes 2000] [--stages 10]
                        [--method exact] [--limit 60] [--delays 1,3,5,10,20,40]
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time


def one_run(args, delay, workdir):
    out_path = os.path.join(workdir, f"run_{delay}.out")
    cmd = [args.bin, "--model", "synthetic", "--synthetic.nodes", str(args.nodes), "--synthetic.levels_min", "100",
           "--synthetic.levels_max", "200", "--stages", str(args.stages), "--methods", f"[{args.method}]",
           "--solver.time_limit_s", str(args.limit), "--output.dir", os.path.join(workdir, f"out_{delay}")]
    with open(out_path, "w") as out, open(out_path + ".err", "w") as err:
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        try:
            p.wait(timeout=delay)
            return {"delay": delay, "ended_before_signal": True, "seconds": time.monotonic() - start}
        except subprocess.TimeoutExpired:
            pass
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        code = p.wait(timeout=120)
        after = time.monotonic() - sent
    status = ""
    with open(out_path) as f:
        for line in f:
            if f"method {args.method}, status" in line:
                status = line.split("status ", 1)[1].strip()
    return {"delay": delay, "stop_s": after, "exit": code, "status": status}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="build/respect-opt")
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--stages", type=int, default=10)
    ap.add_argument("--method", default="exact")
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--delays", default="1,3,5,10,20,40")
    args = ap.parse_args()
    delays = [float(d) for d in args.delays.split(",")]
    print(f"{args.method} on a {args.nodes}-node synthetic graph, {args.stages} stages, limit {args.limit} s")
    print(f"{'signal at s':>11}  {'exit after s':>12}  {'code':>4}  status")
    with tempfile.TemporaryDirectory() as workdir:
        for d in delays:
            r = one_run(args, d, workdir)
            if r.get("ended_before_signal"):
                print(f"{d:11.1f}  (ended by itself after {r['seconds']:.2f} s)")
            else:
                print(f"{d:11.1f}  {r['stop_s']:12.3f}  {r['exit']:4d}  {r['status']}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
