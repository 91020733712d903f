#!/usr/bin/env python3
"""Table of bench/run_deploy.sh runs: per model, method and stage count the
operators, the segments' operator counts, the crossing bytes the manifest
reports (cost model) and the bytes the segment files really pass (outputs of
segment k that are inputs of segment k+1, summed over boundaries), and the
reference check outcome.

    bench/summarize_deploy.py build/bench_deploy > table.md
"""
import glob
import os
import sys

import yaml


def real_crossing(manifest):
    segs = manifest["segments"]
    total = 0
    for a, b in zip(segs, segs[1:]):
        nxt = {t["name"] for t in b.get("inputs", [])}
        total += sum(t["bytes"] for t in a.get("outputs", []) if t["name"] in nxt)
    return total


def last_error(log):
    try:
        with open(log) as f:
            lines = [l.strip() for l in f if "error:" in l]
        return lines[-1].split("error:", 1)[1].strip() if lines else "?"
    except OSError:
        return "?"


def main(out):
    runs = {}
    with open(os.path.join(out, "runs.txt")) as f:
        for line in f:
            name, method, st, rc, secs = line.split()
            runs[(name, method, int(st))] = (rc.split("=")[1], secs)
    print("| model | method | stages | operators | ops per segment | reported crossing B | real crossing B | equal | reference check | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (name, method, st), (rc, secs) in sorted(runs.items()):
        path = os.path.join(out, f"{name}.{method}.{st}", "segments", "manifest.yaml")
        if rc != "0" and not os.path.exists(path):
            err = last_error(os.path.join(out, f"{name}.{method}.{st}.log"))
            print(f"| {name} | {method} | {st} | | | | | | refused (exit {rc}): {err} | {secs} |")
            continue
        with open(path) as f:
            m = yaml.safe_load(f)
        reported = m["objective"]["total_crossing_bytes"]
        real = real_crossing(m)
        ops = "/".join(str(s["operators"]) for s in m["segments"])
        chk = m.get("reference_check", {})
        status = chk.get("status", "?")
        if status != "passed":
            reason = str(chk.get("reason", ""))
            status += ": " + (reason if len(reason) <= 90 else reason[:87] + "...")
        print(f"| {name} | {method} | {st} | {m['operators']} | {ops} | {reported:,} | {real:,} | "
              f"{'yes' if reported == real else 'NO'} | {status} | {secs} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench_deploy")
