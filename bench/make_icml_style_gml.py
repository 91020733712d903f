#!/usr/bin/env python3
"""Writes a random DAG in the GML layout of the ICML'24 differentiable-scheduling
benchmark (graphgml/rand_graph*_N_K.gml of Yu-Maryland/Differentiable_Scheduler_ICML24),
for runs where those files are not at hand.

Layout and statistics follow what those files show (read, not copied): `directed 1`;
nodes `id`, `label` and `parameter` (0 for about 45% of the nodes, else a whole number
in 1000..5000); edges `source`, `target`, `name` and `parameter` (0 for about 60% of
the edges, else 10000..50000); node ids are not in topological order. The "sparse"
graphs have about 0.95 edges per node. This generator draws a random order of the
nodes and connects each node to earlier ones in it, so the graph is acyclic.

usage: bench/make_icml_style_gml.py NODES OUT.gml [--edges-per-node 0.95] [--seed 1]
"""
import argparse
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("nodes", type=int)
    ap.add_argument("out")
    ap.add_argument("--edges-per-node", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.nodes < 2:
        ap.error("NODES must be at least 2")
    rng = random.Random(a.seed)
    n = a.nodes
    order = list(range(n))
    rng.shuffle(order)  # position -> node id: ids are not topological
    edges = set()
    want = int(round(a.edges_per_node * n))
    while len(edges) < want:
        j = rng.randrange(1, n)
        # Mostly short hops (layer to layer), sometimes long ones (skips).
        hop = 1 + int(rng.expovariate(1 / 8.0)) if rng.random() < 0.8 else rng.randrange(1, j + 1)
        i = max(0, j - hop)
        edges.add((order[i], order[j]))
    with open(a.out, "w") as f:
        f.write("graph [\n  directed 1\n")
        for v in range(n):
            p = 0 if rng.random() < 0.45 else rng.randint(1000, 5000)
            f.write(f'  node [\n    id {v}\n    label "{v}"\n    parameter {p}\n  ]\n')
        for k, (u, w) in enumerate(sorted(edges)):
            p = 0 if rng.random() < 0.6 else rng.randint(10000, 50000)
            f.write(f'  edge [\n    source {u}\n    target {w}\n    name "{k}"\n    parameter {p}\n  ]\n')
        f.write("]\n")


if __name__ == "__main__":
    main()
