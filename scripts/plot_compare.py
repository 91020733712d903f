#!/usr/bin/env python3
"""Plots from a compare.csv (respect-opt task: compare).

  scripts/plot_compare.py out/compare/compare.csv [--out DIR] [--floor-ms 1] [--format svg|png]

Writes, next to the CSV unless --out is given:
  speedup.svg  speed-up of every method over exact, log axis, one series per
               method and stage count, against |V| (log) when the CSV holds
               several graph sizes, else against the stage count (RESPECT Fig. 3)
  gap.svg      gap to exact's objective per model and stage count (RESPECT Fig. 5)

Speed-up = exact seconds / max(method seconds, floor). The floor (--floor-ms,
default 1 ms) keeps microsecond timings of the fast methods from turning into
speed-ups of 10^4-10^5 that only measure timer noise; points whose method time
was raised to the floor are drawn hollow, and the caption says so.

Needs matplotlib for the python3 that runs it (Debian: python3-matplotlib,
installed by scripts/setup.sh --extras; elsewhere: pip install matplotlib).
"""
import argparse
import csv
import os
import sys
from collections import defaultdict

from mpl_env import pyplot

plt = pyplot("plot_compare")

REFERENCE = "exact"
MARKERS = "os^Dv<>pPX*h"


def load(path):
    """(graph, stages) -> method -> row; graph -> |V|; methods in CSV order."""
    rows = defaultdict(dict)
    nodes = {}
    methods = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["graph"], int(r["stages"]))][r["method"]] = r
            nodes[r["graph"]] = int(r["nodes"])
            if r["method"] not in methods:
                methods.append(r["method"])
    return rows, nodes, methods


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def speedup_series(rows, nodes, methods, floor_s):
    """(method, stages) -> list of (|V|, speed-up, floored?)."""
    series = defaultdict(list)
    for (g, st), by in sorted(rows.items()):
        te = num(by.get(REFERENCE, {}).get("seconds"))
        if not te:
            continue
        for m in methods:
            tm = num(by[m]["seconds"]) if m in by else None
            if m == REFERENCE or tm is None:
                continue
            series[(m, st)].append((nodes[g], te / max(tm, floor_s), tm < floor_s))
    return series


def plot_speedup(rows, nodes, methods, stage_counts, floor_s, path):
    series = speedup_series(rows, nodes, methods, floor_s)
    fig, ax = plt.subplots(figsize=(9.5, 5.4))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    others = [m for m in methods if m != REFERENCE]
    sizes = sorted({nodes[g] for g, _ in rows})
    if len(sizes) > 1:
        draw_against_nodes(ax, series, others, stage_counts, colours)
    else:
        draw_against_stages(ax, series, others, stage_counts, colours, sizes)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle=":")
    ax.set_yscale("log")
    ax.set_ylabel("speed-up over exact (x, log scale)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title("Solve-time speed-up over the exact solver")
    fig.text(0.01, 0.01,
             f"speed-up = exact s / max(method s, {floor_s * 1e3:g} ms floor). Hollow: the method took less "
             f"than the floor,\nso its speed-up is capped there (sub-ms timings measure timer noise, not "
             f"a visible difference). Dotted line: as fast as exact.",
             fontsize=7, va="bottom")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path)
    plt.close(fig)


def scatter(ax, xs, pts, colour, marker, label):
    ys = [y for _, y, _ in pts]
    face = ["none" if fl else colour for _, _, fl in pts]
    ax.plot(xs, ys, color=colour, alpha=0.35, linewidth=1)
    ax.scatter(xs, ys, marker=marker, facecolors=face, edgecolors=colour, label=label, zorder=3)


def draw_against_nodes(ax, series, others, stage_counts, colours):
    """Several graph sizes: x = |V| (log). Series of one method share a colour;
    stage counts differ by marker and are dodged a little along |V| (x 0.97,
    1.00, 1.03, ...) so they do not hide each other."""
    for i, m in enumerate(others):
        for j, st in enumerate(stage_counts):
            pts = sorted(series.get((m, st), []))
            if pts:
                dodge = 1.0 + 0.03 * (j - (len(stage_counts) - 1) / 2)
                scatter(ax, [x * dodge for x, _, _ in pts], pts, colours[i % len(colours)],
                        MARKERS[j % len(MARKERS)], f"{m}, {st} stages")
    ax.set_xscale("log")
    ax.set_xlabel("|V| (nodes, log scale)")


def draw_against_stages(ax, series, others, stage_counts, colours, sizes):
    """One graph size (e.g. configs/compare.yaml): x = stage count; the
    methods are dodged side by side around it."""
    for i, m in enumerate(others):
        dodge = 0.08 * (i - (len(others) - 1) / 2)
        for j, st in enumerate(stage_counts):
            pts = series.get((m, st), [])
            if pts:
                scatter(ax, [st + dodge] * len(pts), pts, colours[i % len(colours)],
                        MARKERS[j % len(MARKERS)], f"{m}, {st} stages")
    ax.set_xticks(stage_counts)
    ax.set_xlabel(f"stages (one graph size: |V| = {sizes[0] if sizes else '?'})")


def plot_gap(rows, methods, path):
    others = [m for m in methods if m != REFERENCE]
    keys = sorted(k for k, by in rows.items() if REFERENCE in by and num(by[REFERENCE]["objective"]))
    if not keys or not others:
        return False
    fig, ax = plt.subplots(figsize=(max(7, 0.45 * len(keys) + 2), 4.8))
    width = 0.8 / len(others)
    for i, m in enumerate(others):
        xs, ys = [], []
        for j, k in enumerate(keys):
            by = rows[k]
            opt = num(by[REFERENCE]["objective"])
            v = num(by[m]["objective"]) if m in by else None
            if v is not None and opt:
                xs.append(j + i * width)
                ys.append(100.0 * (v - opt) / opt)
        ax.bar(xs, ys, width, label=m)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(keys))])
    ax.set_xticklabels([f"{g}/{s}" for g, s in keys], rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("gap to exact's objective (%)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Objective gap to exact (the proven optimum where exact's status is optimal)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--out", default=None)
    ap.add_argument("--format", choices=("svg", "png"), default="svg")
    ap.add_argument("--floor-ms", type=float, default=1.0, help="minimum method time for the speed-up (ms)")
    a = ap.parse_args()
    if not os.path.exists(a.csv):
        sys.exit(f"plot_compare: {a.csv} not found")
    if a.floor_ms <= 0:
        sys.exit("plot_compare: --floor-ms must be positive")
    out = a.out or os.path.dirname(os.path.abspath(a.csv))
    os.makedirs(out, exist_ok=True)
    rows, nodes, methods = load(a.csv)
    if REFERENCE not in methods:
        sys.exit(f"plot_compare: {a.csv} has no '{REFERENCE}' rows to compare against")
    stage_counts = sorted({st for _, st in rows})
    written = []
    p = os.path.join(out, "speedup." + a.format)
    plot_speedup(rows, nodes, methods, stage_counts, a.floor_ms / 1e3, p)
    written.append(p)
    p = os.path.join(out, "gap." + a.format)
    if plot_gap(rows, methods, p):
        written.append(p)
    print("wrote " + " and ".join(written))


if __name__ == "__main__":
    main()
