#!/usr/bin/env python3
"""Summarises a CSV of bench/run_time_limits.sh: runs within limit x 1.05 + 1 s,
per run kind, and the run closest to its allowance.

usage: bench/summarize_time_limits.py [CSV]   (default bench/results/time_limits.csv)
"""
import csv
import sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/time_limits.csv"
rows = [r for r in csv.DictReader(l for l in open(path) if not l.startswith("#"))]
if not rows:
    sys.exit(f"{path}: no rows")
by_run = defaultdict(list)
for r in rows:
    by_run[r["run"]].append(r)
for run, rs in sorted(by_run.items()):
    ok = sum(r["holds"] == "yes" for r in rs)
    print(f"{run:18s} {ok}/{len(rs)} within the allowance")
held = sum(r["holds"] == "yes" for r in rows)
tight = max(rows, key=lambda r: float(r["wall_s"]) / float(r["allowed_s"]))
print(f"all: {held}/{len(rows)}; closest: {tight['run']} at {tight['nodes']} nodes / {tight['limit_s']} s, "
      f"{tight['wall_s']} s of {tight['allowed_s']} allowed")
