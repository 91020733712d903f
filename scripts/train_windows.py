#!/usr/bin/env python3
"""Labels and trains the window network (policy/stage_net.h) shipped as
policy/weights/stage_net.rspw. Run through scripts/train_windows.sh.

1. Instances: COUNT graphs of 100..2,000 nodes (log-uniform), alternating the
   two families: `layered` (the project's scale family) and `icml` (GML files
   written by bench/make_icml_style_gml.py, unit or byte edge weights), on
   4..12 stages, seeds 1..COUNT (the benchmark's held-out graphs use seeds from
   1000 on and 1,000 to 10,000 nodes).
2. Labels: the center is dp_topo's split, the target exact's schedule under
   LIMIT seconds; one JSON line each in OUT/labels.jsonl, JOBS at a time. A
   line already there is not solved again, so a killed run resumes.
3. Training: window_net_train train on the labels -> WEIGHTS (Adam, lr 0.001,
   every node weighing the same so that the large graphs dominate, as at
   scale; it prints the held-out loss and move-AUC, the probability that a
   node that moves is ranked above one that stays, which is what the window
   allocation uses).
"""
import argparse
import math
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def instances(count, seed0):
    rng = random.Random(seed0)
    for i in range(count):
        seed = seed0 + i
        nodes = int(round(math.exp(rng.uniform(math.log(100), math.log(2000)))))
        family = "layered" if i % 2 == 0 else "icml"
        stages = rng.choice([4, 6, 8, 10, 12])
        edge_weight = rng.choice(["unit", "tensor"]) if family == "icml" else "tensor"
        yield dict(family=family, nodes=nodes, seed=seed, stages=stages, edge_weight=edge_weight)


def label(tool, out_dir, inst, limit):
    args = [tool, "label", "--out", os.path.join(out_dir, "labels.jsonl"), "--family", inst["family"],
            "--nodes", str(inst["nodes"]), "--seed", str(inst["seed"]), "--stages", str(inst["stages"]),
            "--limit-s", str(limit), "--edge-weight", inst["edge_weight"]]
    if inst["family"] == "icml":
        gml = os.path.join(out_dir, "graphs", f"icml_{inst['nodes']}_{inst['seed']}.gml")
        if not os.path.exists(gml):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_icml_style_gml.py"),
                            str(inst["nodes"]), gml, "--seed", str(inst["seed"]), "--layout", "hops"], check=True)
        args += ["--gml", gml]
    r = subprocess.run(args, capture_output=True, text=True)
    return (r.stdout + r.stderr).strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="out/train_windows")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=8.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--weights", default="out/train_windows/stage_net.rspw")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()
    tool = os.path.join(a.build, "window_net_train")
    os.makedirs(os.path.join(a.out, "graphs"), exist_ok=True)
    todo = list(instances(a.count, a.seed))
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = [pool.submit(label, tool, a.out, inst, a.limit) for inst in todo]
        for done, f in enumerate(as_completed(futures), 1):
            el = time.time() - t0
            print(f"[{done}/{len(todo)}] {f.result()}  ({done / el:.2f}/s, ETA {el / done * (len(todo) - done):.0f} s)",
                  flush=True)
    r = subprocess.run([tool, "train", "--labels", os.path.join(a.out, "labels.jsonl"), "--out", a.weights,
                        "--epochs", str(a.epochs), "--seed", str(a.seed), "--lr", "0.001", "--per-node", "1"])
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
