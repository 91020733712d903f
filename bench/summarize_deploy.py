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
    tally = {"run": 0, "refused": 0, "equal": 0, "passed": 0, "failed": 0, "skipped": 0}
    print("| model | method | stages | operators | ops per segment | reported crossing B | real crossing B | equal | reference check | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (name, method, st), (rc, secs) in sorted(runs.items()):
        path = os.path.join(out, f"{name}.{method}.{st}", "segments", "manifest.yaml")
        if rc != "0" and not os.path.exists(path):
            err = last_error(os.path.join(out, f"{name}.{method}.{st}.log"))
            print(f"| {name} | {method} | {st} | | | | | | refused (exit {rc}): {err} | {secs} |")
            tally["refused"] += 1
            continue
        with open(path) as f:
            m = yaml.safe_load(f)
        reported = m["objective"]["total_crossing_bytes"]
        real = real_crossing(m)
        ops = "/".join(str(s["operators"]) for s in m["segments"])
        chk = m.get("reference_check", {})
        status = chk.get("status", "?")
        tally["run"] += 1
        tally["equal"] += reported == real
        tally[status] = tally.get(status, 0) + 1
        if "copies" in chk:  # ran on check-only copies (folded constants, requantized int32 biases)
            copies = str(chk["copies"])
            kinds = [k for k, word in (("folded", "folded"), ("requantized-bias", "requantized")) if word in copies]
            status += " (" + (", ".join(kinds) or "check") + " copies)"
        if not status.startswith("passed"):
            reason = str(chk.get("reason", ""))
            status += ": " + (reason if len(reason) <= 90 else reason[:87] + "...")
        print(f"| {name} | {method} | {st} | {m['operators']} | {ops} | {reported:,} | {real:,} | "
              f"{'yes' if reported == real else 'NO'} | {status} | {secs} |")
    print()
    print(f"{tally['run']} deploys ran, {tally['refused']} refused; reported == real crossing bytes "
          f"in {tally['equal']} of {tally['run']}; reference check: {tally['passed']} passed, "
          f"{tally['failed']} failed, {tally['skipped']} skipped")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench_deploy")
