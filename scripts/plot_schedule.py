#!/usr/bin/env python3
"""Pictures of one schedule (respect-opt writes <stem>.schedule.json and <stem>.dot).

  scripts/plot_schedule.py out/resnet50.4.exact.schedule.json [--sram-bytes 8388608]

Writes <stem>.graph.svg (the graph coloured by stage, rendered from <stem>.dot
by Graphviz `dot`; needs no matplotlib) and <stem>.stages.svg (parameter bytes
per stage against the SRAM line; needs matplotlib). Each picture whose tool is
missing is skipped with a line saying so; the script fails only when it can
draw neither.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from mpl_env import pyplot


def draw_stages(plt, doc, sram_bytes, out):
    mib = [b / 1048576.0 for b in doc["stage_param_bytes"]]
    sram = sram_bytes / 1048576.0
    fig, ax = plt.subplots(figsize=(6, 4))
    on = [min(m, sram) for m in mib]
    off = [max(0.0, m - sram) for m in mib]
    xs = range(len(mib))
    ax.bar(xs, on, label="on-chip", color="#80b1d3")
    ax.bar(xs, off, bottom=on, label="off-chip (streamed)", color="#fb8072")
    ax.axhline(sram, color="black", linestyle="--", linewidth=1, label=f"SRAM {sram:.0f} MiB")
    ax.set_xticks(list(xs))
    ax.set_xlabel("stage")
    ax.set_ylabel("parameters (MiB)")
    ax.set_title(f'{doc["graph"]}, {doc["stages"]} stages, {doc["method"]}')
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)


def draw_graph(dot_file, out):
    """True when Graphviz rendered the graph; else says why on stdout."""
    if not os.path.exists(dot_file):
        print(f"{dot_file} not found (respect-opt writes it next to the schedule JSON); skipped the graph picture")
        return False
    if not shutil.which("dot"):
        print("graphviz `dot` not found (scripts/setup.sh --extras); skipped the graph picture "
              f"(render {dot_file} with any Graphviz viewer)")
        return False
    subprocess.run(["dot", "-Tsvg", dot_file, "-o", out], check=True)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("schedule_json")
    ap.add_argument("--sram-bytes", type=float, default=8388608)
    a = ap.parse_args()
    path = a.schedule_json
    if not path.endswith(".schedule.json") or not os.path.exists(path):
        sys.exit(f"plot_schedule: {path} is not an existing <stem>.schedule.json")
    stem = path[: -len(".schedule.json")]
    with open(path) as f:
        doc = json.load(f)
    # First: pyplot may re-run this script under another python3 that has matplotlib.
    plt = pyplot("plot_schedule", required=False)
    drawn = 0
    if draw_graph(stem + ".dot", stem + ".graph.svg"):
        print(f"wrote {stem}.graph.svg")
        drawn += 1
    if plt is None:
        print("matplotlib not found (scripts/setup.sh --extras); skipped the per-stage bars")
    else:
        draw_stages(plt, doc, a.sram_bytes, stem + ".stages.svg")
        print(f"wrote {stem}.stages.svg")
        drawn += 1
    if drawn == 0:
        sys.exit("plot_schedule: drew nothing: install Graphviz or matplotlib (scripts/setup.sh --extras)")


if __name__ == "__main__":
    main()
