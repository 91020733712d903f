#!/usr/bin/env python3
"""Pictures of one schedule (respect-opt writes <stem>.schedule.json and <stem>.dot).

  scripts/plot_schedule.py out/resnet50.4.exact.schedule.json [--sram-bytes 8388608]

Writes <stem>.graph.svg (the graph coloured by stage, rendered by Graphviz `dot`)
and <stem>.stages.svg (parameter bytes per stage against the SRAM line).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from mpl_env import pyplot

plt = pyplot("plot_schedule")


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
    mib = [b / 1048576.0 for b in doc["stage_param_bytes"]]
    sram = a.sram_bytes / 1048576.0
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
    fig.savefig(stem + ".stages.svg")
    print(f"wrote {stem}.stages.svg")
    dot = stem + ".dot"
    if os.path.exists(dot):
        if shutil.which("dot"):
            subprocess.run(["dot", "-Tsvg", dot, "-o", stem + ".graph.svg"], check=True)
            print(f"wrote {stem}.graph.svg")
        else:
            print("graphviz `dot` not found (scripts/setup.sh --extras); skipped the graph picture")


if __name__ == "__main__":
    main()
