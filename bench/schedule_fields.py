#!/usr/bin/env python3
"""Prints `status objective bound` of the first *.schedule.json in DIR (fields
it lacks as '-', status 'error' when there is none). Used by the bench scripts.
Usage: schedule_fields.py DIR"""
import glob
import json
import sys

files = sorted(glob.glob(sys.argv[1] + "/*.schedule.json"))
d = json.load(open(files[0])) if files else {}
v = lambda x: "-" if x is None else repr(x)
print(d.get("status", "error"), v(d.get("objective")), v(d.get("bound")))
