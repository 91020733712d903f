#!/usr/bin/env bash
# The `cbc` program on a model exact wrote (solver.write_lp), for the same
# wall-clock limit as respect-opt, from nothing or from exact's MIP start
# (solver.write_mip_start: `cbc LP mipstart MST ...`). Wall time and peak RSS
# of the process by GNU time go to PREFIX.time, its log to PREFIX.log; prints
# `status objective bound` (bench/cbc_log.py) and, on stderr, the log's lines
# about the start (read, provided, or refused).
#
#   bench/cbc_program.sh LP MST|- LIMIT_S PREFIX
set -euo pipefail
lp="$1"; mst="$2"; limit="$3"; prefix="$4"
start=()
[[ "$mst" != - ]] && start=(mipstart "$mst")
# The cbc program does not look at its clock in pre-processing and the root
# (2,188 s for a 600 s limit at 5,000 nodes; 1,252 s for 300 s at 10,000, with
# nothing in its log): at twice the limit and a minute it gets SIGINT, on
# which it stops with its best, and SIGKILL a minute later. Its log is line
# buffered, so that a killed run keeps what it printed.
grace=$((2 * ${limit%.*} + 60))
/usr/bin/time -f "%e %M" -o "$prefix.time" timeout -s INT -k 60 "$grace" stdbuf -oL -eL \
  cbc "$lp" "${start[@]}" timeMode elapsed sec "$limit" solve > "$prefix.log" 2>&1 || true
if [[ "$mst" != - ]]; then
  grep -i -E "mipstart|Reduced search" "$prefix.log" | head -5 >&2 || true
fi
python3 "$(dirname "$0")/cbc_log.py" "$prefix.log"
