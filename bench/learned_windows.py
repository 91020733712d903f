#!/usr/bin/env python3
"""Learned windows against uniform and random-network windows, at equal wall time
(issue "Learning that steers the search"; results in bench/results/learning.md).

For every held-out graph (sizes x families x graph seeds) it runs the same
`respect-opt --methods two_phase` under the same time limit in three arms:
  uniform   policy.windows: uniform   (today's windows, width policy.window)
  learned   policy.windows: learned   (the shipped window network)
  random    policy.windows: learned, policy.window_weights: random (the window
            network of the shipped shape, randomly initialised with seed
            policy.seed = the run seed; the pointer network that gives the
            coarse schedule stays the shipped one in all three arms, so the
            arms differ only in their windows)
It reads each run's schedule JSON (objective, incumbent_trace) and reports per
instance and per set: the final objective, the primal integral over the limit
(primal gap gamma(t) = (obj(t) - best) / max(obj(t), best), 1 before the first
schedule, integrated over [0, limit] and divided by the limit), and the share of
the headroom the learned arm captured: (uniform - learned) / (uniform - best),
best = the best objective any arm or reference reached on that instance.

Fine-tuned network (--finetuned W.rspw): a fourth arm `finetuned`, the learned
windows with the window network W (policy.window_weights), e.g. the output of
`window_net_train finetune`; the summary then also compares it with the others.

References (--refs exact): `respect-opt --methods exact` under the same limit,
once per instance; it counts towards the best known objective, not the arms'
figures.

usage: bench/learned_windows.py [--sizes 1000,5000,10000] [--graphs 2] [--limits 30,60,120]
                                [--run-seeds 1,2] [--budget 0.25] [--group 8] [--refs exact]
                                [--jobs 2] [--out bench/out/learned_windows]
                                [--csv bench/results/learned_windows.csv] [--svg ...]
Runs already in --out are reused (resume after a kill).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARMS = {
    "uniform": ["--policy.windows", "uniform"],
    "learned": ["--policy.windows", "learned"],
    "random": ["--policy.windows", "learned", "--policy.window_weights", "random"],
}
REFS = {"exact": []}


def model_args(family, n, seed, out):
    if family == "layered":
        return ["--model", "synthetic", "--synthetic.nodes", str(n), "--synthetic.levels_min", str(max(2, n // 20)),
                "--synthetic.levels_max", str(max(2, n // 10)), "--synthetic.max_in_degree", "4",
                "--synthetic.seed", str(seed)]
    gml = os.path.join(out, "graphs", f"icml_{n}_{seed}.gml")
    if not os.path.exists(gml):
        os.makedirs(os.path.dirname(gml), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_icml_style_gml.py"), str(n), gml,
                        "--seed", str(seed), "--layout", "hops"], check=True)
    return ["--model", gml, "--objective.edge_weight", "unit"]


BINARY = os.path.join(ROOT, "build", "respect-opt")


def run(inst, arm, out, run_seed):
    family, n, seed, limit = inst
    d = os.path.join(out, f"{family}_{n}_{seed}.{arm}.s{run_seed}")
    done = os.path.join(d, "run.json")
    if os.path.exists(done):
        return json.load(open(done))
    os.makedirs(d, exist_ok=True)
    method = arm if arm in REFS else "two_phase"
    args = [BINARY, "--task", "schedule", "--stages", "10", "--methods",
            method, "--objective.comm_model", "edge", "--solver.time_limit_s", str(limit),
            "--solver.progress", "false", "--policy.seed", str(run_seed), "--output.dir", d]
    args += model_args(family, n, seed, out) + (REFS[arm] if arm in REFS else ARMS[arm])
    t0 = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", os.path.join(d, "rss")] + args, capture_output=True,
                       text=True)
    wall = time.time() - t0
    js = [f for f in os.listdir(d) if f.endswith(".schedule.json")]
    if r.returncode != 0 or not js:
        raise RuntimeError(f"{d}: exit {r.returncode}: {r.stderr.strip()[-300:]}")
    s = json.load(open(os.path.join(d, js[0])))
    rec = dict(family=family, nodes=n, graph_seed=seed, arm=arm, run_seed=run_seed, limit_s=limit,
               objective=s["objective"], wall_s=round(wall, 2), trace=s.get("incumbent_trace", []),
               rounds=len(s.get("window_rounds", [])),
               rss_mib=round(int(open(os.path.join(d, "rss")).read().split()[-1]) / 1024))
    json.dump(rec, open(done, "w"))
    return rec


def primal_integral(trace, best, limit):
    """Integral of the primal gap over [0, limit], divided by limit."""
    total, t_prev, gap = 0.0, 0.0, 1.0
    for t, obj in trace:
        t = min(t, limit)
        total += gap * (t - t_prev)
        t_prev, gap = t, (obj - best) / max(obj, best) if max(obj, best) > 0 else 0.0
    total += gap * (limit - t_prev)
    return total / limit


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000,10000")
    ap.add_argument("--limits", default="30,60,120")
    ap.add_argument("--graphs", type=int, default=2, help="graphs per family and size (seeds first-graph..)")
    ap.add_argument("--first-graph", type=int, default=1001, help="seed of the first graph")
    ap.add_argument("--run-seeds", default="1", help="policy.seed values (the random arm's network)")
    ap.add_argument("--families", default="layered,icml")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="bench/out/learned_windows")
    ap.add_argument("--csv", default="bench/results/learned_windows.csv")
    ap.add_argument("--svg", default="bench/results/learned_windows.svg")
    ap.add_argument("--budget", type=float, default=0.25,
                    help="policy.window_budget of the learned and random arms (share of the uniform free binaries)")
    ap.add_argument("--group", type=int, default=8, help="policy.window_group of the learned and random arms")
    ap.add_argument("--refs", default="", help="reference methods run once per instance (exact)")
    ap.add_argument("--finetuned", default="", help="window network file of a fourth arm, `finetuned`")
    ap.add_argument("--binary", default=BINARY, help="respect-opt to run (a copy lets you rebuild meanwhile)")
    a = ap.parse_args()
    globals()["BINARY"] = os.path.abspath(a.binary)
    if a.finetuned:
        ARMS["finetuned"] = ["--policy.windows", "learned", "--policy.window_weights", os.path.abspath(a.finetuned)]
    for arm in [x for x in ARMS if x != "uniform"]:
        ARMS[arm] = ARMS[arm] + ["--policy.window_budget", str(a.budget), "--policy.window_group", str(a.group)]
    sizes = [int(x) for x in a.sizes.split(",")]
    limits = dict(zip(sizes, [float(x) for x in a.limits.split(",")]))
    insts = [(f, n, a.first_graph + g, limits[n]) for n in sizes for f in a.families.split(",") for g in range(a.graphs)]
    for f, n, g, _ in insts:  # graphs first: two arms of one instance must not write the same file
        model_args(f, n, g, a.out)
    jobs = [(i, arm, int(s)) for i in insts for s in a.run_seeds.split(",") for arm in ARMS]
    jobs += [(i, ref, 1) for i in insts for ref in filter(None, a.refs.split(","))]
    t0, recs = time.time(), []
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futs = {pool.submit(run, i, arm, a.out, s): (i, arm) for i, arm, s in jobs}
        for k, f in enumerate(as_completed(futs), 1):
            rec = f.result()
            recs.append(rec)
            el = time.time() - t0
            print(f"[{k}/{len(jobs)}] {rec['family']} {rec['nodes']} g{rec['graph_seed']} {rec['arm']:8s} "
                  f"{rec['objective']:.6g} in {rec['wall_s']:.1f} s  (ETA {el / k * (len(jobs) - k):.0f} s)", flush=True)
    report(recs, a.csv, a.svg)


def report(recs, csv_path, svg_path):
    best = {}
    for r in recs:
        key = (r["family"], r["nodes"], r["graph_seed"])
        best[key] = min(best.get(key, float("inf")), r["objective"])
    rows = []
    for r in sorted(recs, key=lambda r: (r["nodes"], r["family"], r["graph_seed"], r["arm"], r["run_seed"])):
        b = best[(r["family"], r["nodes"], r["graph_seed"])]
        pi = round(primal_integral(r["trace"], b, r["limit_s"]), 6) if r["arm"] in ARMS else ""
        rows.append(dict(nodes=r["nodes"], family=r["family"], graph_seed=r["graph_seed"], arm=r["arm"],
                         run_seed=r["run_seed"], limit_s=r["limit_s"], objective=r["objective"], best_known=b,
                         primal_integral=pi, rounds=r.get("rounds", ""), wall_s=r["wall_s"], rss_mib=r["rss_mib"]))
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    summarize(rows, "learned")
    if "finetuned" in ARMS:
        summarize(rows, "finetuned")
    plot(recs, best, svg_path)


def summarize(rows, subject):
    """Per size (and per size and family): mean primal integral of each arm,
    the subject arm (learned, or finetuned) against uniform and random (relative change of the mean PI, mean
    objective change, wins/losses), and the headroom the learned arm captured."""
    by = {}
    for r in rows:
        if r["arm"] in ARMS:
            by.setdefault((r["nodes"], r["family"], r["graph_seed"], r["run_seed"]), {})[r["arm"]] = r
    groups = [(n, None) for n in sorted({k[0] for k in by})]
    groups += [(n, f) for n in sorted({k[0] for k in by}) for f in sorted({k[1] for k in by})]
    print(f"\n{subject}:\nnodes  family   runs  PI uniform/{subject}/random   PI {subject} vs uniform / vs random   "
          f"objective {subject} vs uniform / vs random   W/L vs uniform   W/L vs random   headroom captured")
    for n, fam in groups:
        sets = [a for k, a in by.items() if k[0] == n and (fam is None or k[1] == fam) and len(a) == len(ARMS)]
        if not sets:
            continue
        pi = {arm: sum(a[arm]["primal_integral"] for a in sets) / len(sets) for arm in ARMS}
        rel = lambda x, y: 100 * (x - y) / y if y else 0.0
        obj_u = sum((a["uniform"]["objective"] - a[subject]["objective"]) / a["uniform"]["objective"] for a in sets)
        obj_r = sum((a["random"]["objective"] - a[subject]["objective"]) / a["random"]["objective"] for a in sets)
        wl = lambda o: (sum(a[subject]["objective"] < a[o]["objective"] for a in sets),
                        sum(a[subject]["objective"] > a[o]["objective"] for a in sets))
        hr = [(a["uniform"]["objective"] - a[subject]["objective"]) /
              (a["uniform"]["objective"] - a["uniform"]["best_known"]) for a in sets
              if a["uniform"]["objective"] > a["uniform"]["best_known"]]
        print(f"{n:6d}  {fam or 'all':7s} {len(sets):4d}  {pi['uniform']:.4f}/{pi[subject]:.4f}/{pi['random']:.4f}"
              f"   {rel(pi[subject], pi['uniform']):+6.1f}% / {rel(pi[subject], pi['random']):+6.1f}%"
              f"   {100 * obj_u / len(sets):+6.2f}% / {100 * obj_r / len(sets):+6.2f}%"
              f"   {wl('uniform')[0]}/{wl('uniform')[1]}   {wl('random')[0]}/{wl('random')[1]}"
              f"   {(sum(hr) / len(hr)) if hr else float('nan'):.2f} (mean of {len(hr)})")


def plot(recs, best, svg_path):
    try:
        import matplotlib  # Debian's python3-matplotlib: run with /usr/bin/python3
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: plot skipped")
        return
    sizes = sorted({r["nodes"] for r in recs})
    fig, axes = plt.subplots(1, len(sizes), figsize=(5 * len(sizes), 4), squeeze=False)
    colors = {"uniform": "tab:blue", "learned": "tab:green", "random": "tab:red", "finetuned": "tab:purple"}
    for ax, n in zip(axes[0], sizes):
        for arm in ARMS:
            mine = [r for r in recs if r["nodes"] == n and r["arm"] == arm and r["arm"] in ARMS]
            if not mine:
                continue
            limit = mine[0]["limit_s"]
            grid = [limit * i / 200 for i in range(201)]
            mean = []
            for t in grid:
                gs = []
                for r in mine:
                    b = best[(r["family"], r["nodes"], r["graph_seed"])]
                    g = 1.0
                    for tt, obj in r["trace"]:
                        if tt <= t:
                            g = (obj - b) / max(obj, b)
                    gs.append(g)
                mean.append(100 * sum(gs) / len(gs))
            ax.plot(grid, mean, label=arm, color=colors[arm])
        ax.set_title(f"{n} nodes (mean of {len(mine)} runs)")
        ax.set_xlabel("seconds")
        ax.set_ylabel("primal gap to best known (%)")
        ax.set_yscale("symlog", linthresh=0.1)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(svg_path)
    print(f"plot: {svg_path}")


if __name__ == "__main__":
    main()
