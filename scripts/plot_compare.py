#!/usr/bin/python3
"""Plots from a compare.csv (respect-opt task: compare).

  scripts/plot_compare.py out/compare/compare.csv [--out DIR]

Writes, next to the CSV unless --out is given:
  speedup.svg  speed-up of rl and two_phase over exact against |V| (RESPECT Fig. 3)
  gap.svg      gap to the exact optimum per model and stage count (RESPECT Fig. 5)
Uses Debian's python3-matplotlib (scripts/setup.sh --extras).
"""
import argparse
import csv
import os
import sys
from collections import defaultdict

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("plot_compare: needs python3-matplotlib (run scripts/setup.sh --extras)")


def load(path):
    rows = defaultdict(dict)  # (graph, stages) -> method -> row
    nodes = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["graph"], int(r["stages"]))
            rows[key][r["method"]] = r
            nodes[r["graph"]] = int(r["nodes"])
    return rows, nodes


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--out", default=None)
    ap.add_argument("--format", choices=("svg", "png"), default="svg")
    a = ap.parse_args()
    if not os.path.exists(a.csv):
        sys.exit(f"plot_compare: {a.csv} not found")
    out = a.out or os.path.dirname(os.path.abspath(a.csv))
    os.makedirs(out, exist_ok=True)
    rows, nodes = load(a.csv)

    # Speed-up over exact against |V|.
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for method, marker in (("rl", "o"), ("two_phase", "s"), ("heuristic", "^")):
        xs, ys = [], []
        for (g, st), by in rows.items():
            if "exact" in by and method in by:
                te, tm = num(by["exact"]["seconds"]), num(by[method]["seconds"])
                if te and tm:
                    xs.append(nodes[g])
                    ys.append(te / tm)
        if xs:
            ax.scatter(xs, ys, marker=marker, label=method)
    ax.set_xlabel("|V| (nodes)")
    ax.set_ylabel("speed-up over exact (x)")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title("Solve-time speed-up over the exact ILP")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "speedup." + a.format))
    plt.close(fig)

    # Gap to the exact optimum per model and stage count.
    methods = [m for m in ("heuristic", "dp_topo", "list", "rl", "two_phase")
               if any(m in by for by in rows.values())]
    keys = sorted(k for k, by in rows.items() if "exact" in by and num(by["exact"]["objective"]))
    if keys and methods:
        fig, ax = plt.subplots(figsize=(max(7, 0.45 * len(keys)), 4.5))
        width = 0.8 / len(methods)
        for i, m in enumerate(methods):
            ys = []
            for k in keys:
                by = rows[k]
                opt = num(by["exact"]["objective"])
                v = num(by[m]["objective"]) if m in by else None
                ys.append(100.0 * (v - opt) / opt if v is not None and opt else 0.0)
            ax.bar([j + i * width for j in range(len(keys))], ys, width, label=m)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(keys))])
        ax.set_xticklabels([f"{g}/{s}" for g, s in keys], rotation=60, ha="right", fontsize=8)
        ax.set_ylabel("gap to exact optimum (%)")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend()
        ax.set_title("Objective gap to the proven optimum")
        fig.tight_layout()
        fig.savefig(os.path.join(out, "gap." + a.format))
        plt.close(fig)
    print(f"wrote {out}/speedup.{a.format} and {out}/gap.{a.format}")


if __name__ == "__main__":
    main()
