#!/usr/bin/env python3
"""Writes a random DAG in the GML layout of the ICML'24 differentiable-scheduling
benchmark (graphgml/rand_graph*_N_K.gml of Yu-Maryland/Differentiable_Scheduler_ICML24),
for runs where those files are not at hand.

Layout and statistics follow what those files show (read, not copied): `directed 1`;
nodes `id`, `label` and `parameter` (0 for about 45% of the nodes, else a whole number
in 1000..5000); edges `source`, `target`, `name` and `parameter` (0 for about 60% of
the edges, else 10000..50000); node ids are not in topological order. The "sparse"
graphs have about 0.95 edges per node, the others about 3 (rand_graph_1000_2: 2,790
edges on 941 nodes).

Two layouts:
  levels (default): every node gets one of LEVELS levels uniformly at random, and each
         edge joins two nodes of distinct levels drawn uniformly, from the lower level
         to the higher: edges run uniformly across levels, as in the benchmark;
  hops:  a random order of the nodes, each node connected to earlier ones, mostly by
         short hops (the layout of the earlier runs: learned_windows.py and
         train_windows.py ask for it, so their graphs stay the same).
Both are acyclic. --edge-bytes LO:HI sets the non-zero edge bytes (node and edge bytes of
similar size: 1000:5000).

usage: bench/make_icml_style_gml.py NODES OUT.gml [--edges-per-node 0.95] [--seed 1]
       [--layout levels|hops] [--levels 20] [--edge-bytes 10000:50000]
"""
import argparse
import random


def hop_edges(rng, n, want):
    order = list(range(n))
    rng.shuffle(order)  # position -> node id: ids are not topological
    edges = set()
    while len(edges) < want:
        j = rng.randrange(1, n)
        # Mostly short hops (layer to layer), sometimes long ones (skips).
        hop = 1 + int(rng.expovariate(1 / 8.0)) if rng.random() < 0.8 else rng.randrange(1, j + 1)
        i = max(0, j - hop)
        edges.add((order[i], order[j]))
    return edges


def level_edges(rng, n, want, levels):
    level = [rng.randrange(levels) for _ in range(n)]
    by_level = [[] for _ in range(levels)]
    for v, lv in enumerate(level):
        by_level[lv].append(v)
    used = [lv for lv in range(levels) if by_level[lv]]
    if len(used) < 2:
        raise SystemExit("make_icml_style_gml: fewer than two levels have nodes; use more nodes or levels")
    edges = set()
    while len(edges) < want:
        a, b = sorted(rng.sample(used, 2))
        edges.add((rng.choice(by_level[a]), rng.choice(by_level[b])))
    return edges


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("nodes", type=int)
    ap.add_argument("out")
    ap.add_argument("--edges-per-node", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--layout", choices=["levels", "hops"], default="levels")
    ap.add_argument("--levels", type=int, default=20)
    ap.add_argument("--edge-bytes", default="10000:50000", help="LO:HI of the non-zero edge bytes")
    a = ap.parse_args()
    if a.nodes < 2:
        ap.error("NODES must be at least 2")
    if a.levels < 2:
        ap.error("--levels must be at least 2")
    try:
        lo, hi = (int(x) for x in a.edge_bytes.split(":"))
        assert 0 < lo <= hi
    except (ValueError, AssertionError):
        ap.error("--edge-bytes must be LO:HI with 0 < LO <= HI")
    rng = random.Random(a.seed)
    n = a.nodes
    want = min(int(round(a.edges_per_node * n)), n * (n - 1) // 2 // 2)
    edges = hop_edges(rng, n, want) if a.layout == "hops" else level_edges(rng, n, want, a.levels)
    with open(a.out, "w") as f:
        f.write("graph [\n  directed 1\n")
        for v in range(n):
            p = 0 if rng.random() < 0.45 else rng.randint(1000, 5000)
            f.write(f'  node [\n    id {v}\n    label "{v}"\n    parameter {p}\n  ]\n')
        for k, (u, w) in enumerate(sorted(edges)):
            p = 0 if rng.random() < 0.6 else rng.randint(lo, hi)
            f.write(f'  edge [\n    source {u}\n    target {w}\n    name "{k}"\n    parameter {p}\n  ]\n')
        f.write("]\n")


if __name__ == "__main__":
    main()
