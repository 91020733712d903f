#!/usr/bin/python3
"""Summary of a two-phase comparison CSV (compare.csv with exact and two_phase)."""
import csv
import statistics
import subprocess
import sys
from collections import defaultdict


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = [l for l in open("/proc/meminfo") if l.startswith("MemTotal")][0].split()[1]
        mem = f"{int(mem) / 1048576:.1f} GiB"
    except OSError:
        mem = "unknown"
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    load = open("/proc/loadavg").read().split()[:3]
    return f"{cores} cores, {cpu}, {mem} RAM; load average at the end of the run {' / '.join(load)}"


def main():
    title = "Two-phase vs exact on the Table I zoo models"
    if "--title" in sys.argv:
        title = sys.argv[sys.argv.index("--title") + 1]
    rows = defaultdict(dict)
    for r in csv.DictReader(open(sys.argv[1])):
        rows[(r["graph"], int(r["stages"]))][r["method"]] = r
    print(f"# {title}\n")
    print(f"Machine: {machine()}\n")
    print("| model | stages | exact obj | exact s | two_phase obj | two_phase s | equal | speed-up | rl gap % | heuristic gap % |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    equal = 0
    better = 0
    total = 0
    speedups_5s = []
    rl_gaps = defaultdict(list)
    for (g, s), by in sorted(rows.items()):
        if "exact" not in by or "two_phase" not in by:
            continue
        e, t = by["exact"], by["two_phase"]
        eo, to = float(e["objective"] or "nan"), float(t["objective"] or "nan")
        es, ts = float(e["seconds"]), float(t["seconds"])
        same = abs(eo - to) <= 1e-6 * max(1.0, abs(eo)) and e["status"] == "optimal"
        total += 1
        equal += same
        if same:
            verdict = "yes"
        elif e["status"] != "optimal" and to < eo:
            verdict = "better (exact at limit)"
            better += 1
        elif e["status"] != "optimal":
            verdict = f"{100 * (to - eo) / eo:+.2f}% (exact at limit)"
        else:
            verdict = f"NO ({100 * (to - eo) / eo:+.2f}%)"
        sp = es / ts if ts > 0 else float("inf")
        sp_text = (">" if e["status"] != "optimal" else "") + f"{sp:.1f}x"
        if es >= 5:
            speedups_5s.append(sp)
        def gap(m):
            if m not in by or not by[m]["objective"]:
                return float("nan")
            return 100 * (float(by[m]["objective"]) - eo) / eo
        rl_gaps[s].append(gap("rl"))
        print(f"| {g} | {s} | {eo:.0f} | {es:.2f} | {to:.0f} | {ts:.2f} | {verdict} | {sp_text} | {gap('rl'):.2f} | {gap('heuristic'):.2f} |")
    print()
    print(f"two_phase equals the proven exact optimum on {equal} of {total} instances.")
    if better:
        print(f"two_phase beats exact's time-limited schedule on {better} instance(s).")
    if speedups_5s:
        print(f"Median speed-up over exact where exact needs >= 5 s: {statistics.median(speedups_5s):.1f}x "
              f"over {len(speedups_5s)} instances (min {min(speedups_5s):.1f}x, max {max(speedups_5s):.1f}x).")
    else:
        print("No instance needed >= 5 s of exact solving.")
    es_all = [float(by["exact"]["seconds"]) for by in rows.values() if "exact" in by]
    ts_all = [float(by["two_phase"]["seconds"]) for by in rows.values() if "two_phase" in by]
    if es_all and ts_all:
        print(f"exact: median {statistics.median(es_all):.2f} s, max {max(es_all):.2f} s, total {sum(es_all):.1f} s; "
              f"two_phase: median {statistics.median(ts_all):.2f} s, max {max(ts_all):.2f} s, total {sum(ts_all):.1f} s.")
    for s, gs in sorted(rl_gaps.items()):
        gs = [x for x in gs if x == x]
        if gs:
            print(f"rl mean gap to optimum at {s} stages: {statistics.mean(gs):.2f}% over {len(gs)} models.")


if __name__ == "__main__":
    main()
