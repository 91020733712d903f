#!/usr/bin/env python3
"""Summarise bench/results/learning_*.csv (learning_bench) into learning.md tables.

Gap = (objective - best known) / best known, where best known is the lowest
objective any method reached on the instance (the exact optimum where exact
proved it). Usage: summarize_learning.py [results_dir [pattern]]
       summarize_learning.py --ablation results_dir 'ablation_*.csv'
(ablation rows are tagged VARIANT:SET; one row per variant, one column per set:
mean rl/dp_topo - 1, then wins/ties/losses against dp_topo and against the
untrained copy).
"""
import csv
import glob
import math
import os
import statistics
import sys

METHODS = ["heuristic", "dp_topo", "list", "rl", "rl_untrained", "rl_sample",
           "two_phase", "two_phase_untrained", "exact"]
SET_ORDER = ["n30", "n50", "n100", "n300", "n1000", "zoo"]


def load(results, pattern):
    rows = []
    for path in sorted(glob.glob(os.path.join(results, pattern))):
        with open(path) as f:
            rows += list(csv.DictReader(f))
    return rows


def wins(a, b, tol=1e-9):
    w = l = t = 0
    for x, y in zip(a, b):
        if x < y * (1 - tol):
            w += 1
        elif y < x * (1 - tol):
            l += 1
        else:
            t += 1
    return w, t, l


def ablation(rows):
    by = {}
    for r in rows:
        variant, s = r["set"].split(":")
        by.setdefault(variant, {}).setdefault(s, {}).setdefault((r["graph"], r["stages"]), {})[r["method"]] = \
            float(r["objective"])
    sets = [s for s in SET_ORDER if any(s in v for v in by.values())]
    print("rl greedy per variant: mean rl/dp_topo - 1; W/T/L vs dp_topo; W/T/L vs the untrained copy\n")
    print("| variant | " + " | ".join(sets) + " |")
    print("|---|" + "---|" * len(sets))
    for variant, per_set in by.items():
        cells = []
        for s in sets:
            items = list(per_set.get(s, {}).values())
            if not items:
                cells.append("-")
                continue
            rl = [x["rl"] for x in items]
            dp = [x["dp_topo"] for x in items]
            un = [x["rl_untrained"] for x in items]
            ratio = statistics.mean(a / b for a, b in zip(rl, dp)) - 1
            cells.append("%+.2f%%; %d/%d/%d; %d/%d/%d" % ((100 * ratio,) + wins(rl, dp) + wins(rl, un)))
        print(f"| {variant} | " + " | ".join(cells) + " |")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--ablation":
        ablation(load(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "ablation_*.csv"))
        return
    results = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    pattern = sys.argv[2] if len(sys.argv) > 2 else "learning_*.csv"
    rows = load(results, pattern)
    inst = {}
    for r in rows:
        key = (r["set"], r["graph"], r["stages"])
        inst.setdefault(key, {})[r["method"]] = r
    present = [m for m in METHODS if all(m in by for by in inst.values())]
    sets = {}
    for key, by in inst.items():
        sets.setdefault(key[0], []).append((key, by))
    full = present == METHODS
    out = []
    out.append("| set | inst. | " + ("exact proven | " if full else "") + " | ".join(present) + " |")
    out.append("|---|---|" + ("---|" if full else "") + "---|" * len(present))
    details = []
    for s in SET_ORDER + sorted(set(sets) - set(SET_ORDER)):
        if s not in sets:
            continue
        items = sets[s]
        obj = {m: [float(by[m]["objective"]) for _, by in items] for m in present}
        best = [min(obj[m][i] for m in present) for i in range(len(items))]
        proven = sum(1 for _, by in items if full and by["exact"]["status"] == "optimal")
        gaps = {m: statistics.mean((obj[m][i] - best[i]) / best[i] for i in range(len(items))) for m in present}
        out.append(f"| {s} | {len(items)} | " + (f"{proven} | " if full else "") +
                   " | ".join(f"{100 * gaps[m]:.2f}%" for m in present) + " |")
        if not full:
            w, t, l = wins(obj["rl"], obj["dp_topo"])
            wu, tu, lu = wins(obj["rl"], obj["rl_untrained"]) if "rl_untrained" in obj else (0, 0, 0)
            ratio = statistics.mean(obj["rl"][i] / obj["dp_topo"][i] for i in range(len(items)))
            details.append(f"| {s} | {w} / {t} / {l} | {100 * (ratio - 1):+.2f}% | {wu} / {tu} / {lu} | - | - | - |")
            continue
        w, t, l = wins(obj["rl"], obj["dp_topo"])
        ratio = statistics.mean(obj["rl"][i] / obj["dp_topo"][i] for i in range(len(items)))
        wu, tu, lu = wins(obj["rl"], obj["rl_untrained"])
        w2, t2, l2 = wins(obj["two_phase"], obj["two_phase_untrained"])
        dec = [float(by["rl"]["decode_ms"]) for _, by in items]
        nmax = max(items, key=lambda kb: int(kb[1]["rl"]["nodes"]))[1]["rl"]
        tp_secs = statistics.mean(float(by["two_phase"]["seconds"]) for _, by in items)
        tpu_secs = statistics.mean(float(by["two_phase_untrained"]["seconds"]) for _, by in items)
        details.append(
            f"| {s} | {w} / {t} / {l} | {100 * (ratio - 1):+.2f}% | {wu} / {tu} / {lu} | "
            f"{w2} / {t2} / {l2} | {tp_secs:.2f} / {tpu_secs:.2f} | {statistics.mean(dec):.2f} / {max(dec):.2f} "
            f"(n = {nmax['nodes']}: {float(nmax['decode_ms']):.2f}) |")
    print("Mean gap to the best known objective (lower is better):\n")
    print("\n".join(out))
    print("\nHead to head (wins / ties / losses of the first against the second; ratio = mean rl/dp_topo - 1):\n")
    print("| set | rl vs dp_topo | rl/dp_topo | rl vs rl_untrained | two_phase vs two_phase_untrained | "
          "two_phase s (trained / untrained) | rl decode ms mean / max |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(details))


if __name__ == "__main__":
    main()
