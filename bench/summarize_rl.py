#!/usr/bin/python3
"""Summary of bench/results/rl.csv (rl_bench): gap of rl to the exact optimum."""
import csv
import statistics
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
groups = defaultdict(list)
for r in rows:
    groups[(r["set"], int(r["stages"]))].append(r)
    groups[(r["set"], 0)].append(r)
print("| set | stages | instances | exact optimal | rl mean gap % | median % | p90 % | max % | order = target | label seq = target | decode ms mean / max |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (s, st), rs in sorted(groups.items()):
    gaps = sorted(100 * float(r["gap"]) for r in rs if r["exact_status"] == "optimal")
    dec = [float(r["decode_ms"]) for r in rs]
    p90 = gaps[int(0.9 * (len(gaps) - 1))] if gaps else float("nan")
    print(f"| {s} | {st or 'all'} | {len(rs)} | {sum(r['exact_status'] == 'optimal' for r in rs)} | "
          f"{statistics.mean(gaps):.2f} | {statistics.median(gaps):.2f} | {p90:.2f} | {max(gaps):.2f} | "
          f"{100 * sum(r['order_match'] == '1' for r in rs) / len(rs):.1f}% | "
          f"{100 * sum(r['label_match'] == '1' for r in rs) / len(rs):.1f}% | "
          f"{statistics.mean(dec):.2f} / {max(dec):.2f} |")
