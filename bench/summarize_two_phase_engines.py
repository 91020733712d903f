#!/usr/bin/env python3
"""Summarise bench/two_phase_bench CSV rows (no header):
model,stages,coarse,method,status,objective,coarse_objective,seconds,coarse_seconds,ilp_seconds,widen_rounds,vars_kept

usage: summarize_two_phase_engines.py FILE.csv [--ref exact_direct] [--slow 5]

For every (coarse source, method) other than the reference: how many instances
reach the reference optimum, and the speed-up (reference seconds / method
seconds) over all instances and over those where the reference needs >= --slow
seconds. Seconds of two_phase include its own dp_topo and windowed solves but
not the coarse schedule (coarse_seconds, listed apart).
"""
import csv
import statistics
import sys


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    path = args[0]
    ref = "exact_direct"
    slow = 5.0
    if "--ref" in args:
        ref = args[args.index("--ref") + 1]
    if "--slow" in args:
        slow = float(args[args.index("--slow") + 1])
    rows = [r for r in csv.reader(open(path)) if r and not r[0].startswith("#")]
    refs = {}
    other = {}
    for r in rows:
        key = (r[0], int(r[1]))
        if r[3] == ref:
            refs[key] = (float(r[5]), float(r[7]))
        else:
            other.setdefault((r[2], r[3]), {})[key] = (float(r[5]), float(r[7]), float(r[6]), float(r[8]))
    print(f"reference: {ref} on {len(refs)} instances; slow = reference >= {slow:g} s "
          f"({sum(1 for v in refs.values() if v[1] >= slow)} instances)\n")
    print("| coarse | method | instances | equal to the optimum | median speed-up (all) | "
          "median speed-up (slow) | min speed-up (slow) | median seconds | coarse above optimum |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (coarse, method), d in sorted(other.items()):
        keys = [k for k in d if k in refs]
        if not keys:
            continue
        eq = sum(1 for k in keys if abs(d[k][0] - refs[k][0]) <= 1e-9 * max(1.0, refs[k][0]))
        sp = [refs[k][1] / max(1e-9, d[k][1]) for k in keys]
        sps = [refs[k][1] / max(1e-9, d[k][1]) for k in keys if refs[k][1] >= slow]
        worse = sum(1 for k in keys if d[k][2] > refs[k][0] * (1 + 1e-9))
        med_s = statistics.median(d[k][1] for k in keys)
        print(f"| {coarse} | {method} | {len(keys)} | {eq}/{len(keys)} | {statistics.median(sp):.1f}x | "
              f"{(f'{statistics.median(sps):.1f}x' if sps else '-')} | {(f'{min(sps):.1f}x' if sps else '-')} | "
              f"{med_s:.3f} | {worse}/{len(keys)} |")
    print()
    print("Per instance (seconds; objective ratio to the reference optimum):\n")
    methods = sorted(other)
    print("| model | S | " + ref + " s | " + " | ".join(f"{c}/{m}" for c, m in methods) + " |")
    print("|---|---|---|" + "---|" * len(methods))
    for key in sorted(refs, key=lambda k: (k[0], k[1])):
        cells = []
        for cm in methods:
            v = other[cm].get(key)
            if v is None:
                cells.append("")
            else:
                ratio = v[0] / refs[key][0]
                cells.append(f"{v[1]:.3f}" + ("" if abs(ratio - 1) <= 1e-9 else f" ({ratio:.4f})"))
        print(f"| {key[0]} | {key[1]} | {refs[key][1]:.2f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
