#!/usr/bin/env python3
"""Reads the `cbc` program's log of a respect-opt LP (which counts MiB) and
prints `status objective_bytes bound_bytes` (empty fields as '-').
Usage: cbc_log.py LOG"""
import re
import sys

log = open(sys.argv[1]).read()


def grab(label):
    m = re.search(label + r":\s+(-?[0-9.eE+-]+)", log)
    return float(m.group(1)) * 1048576 if m else None


obj, bound = grab("Objective value"), grab("Lower bound")
status = "optimal" if "Optimal solution found" in log else ("feasible" if obj is not None else "none")
if status == "optimal":
    bound = obj
print(status, "-" if obj is None else repr(obj), "-" if bound is None else repr(bound))
