#!/usr/bin/env python3
"""Reads the `cbc` program's log of a respect-opt LP and prints
`status objective_bytes bound_bytes` (empty fields as '-').
Usage: cbc_log.py LOG [BYTES_PER_UNIT]

The LP counts MiB (the default, 1048576 bytes per unit) unless comm_weight
is a fraction p/q: then it counts the power of two at or below 1/q MiB
(docs/design.md, ILP), which run_icml.sh passes as BYTES_PER_UNIT."""
import re
import sys

log = open(sys.argv[1]).read()
unit = float(sys.argv[2]) if len(sys.argv) > 2 else 1048576.0


def grab(label):
    m = re.search(label + r":\s+(-?[0-9.eE+-]+)", log)
    return float(m.group(1)) * unit if m else None


obj, bound = grab("Objective value"), grab("Lower bound")
# "Lower bound:" has 3 decimals; a stopped search's last line has 8 digits.
best = re.findall(r"Partial search - best objective \S+ \(best possible (-?[0-9.eE+-]+)\)", log)
if best:
    bound = float(best[-1]) * unit
status = "optimal" if "Optimal solution found" in log else ("feasible" if obj is not None else "none")
if status == "optimal":
    bound = obj
print(status, "-" if obj is None else repr(obj), "-" if bound is None else repr(bound))
