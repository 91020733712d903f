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
/usr/bin/time -f "%e %M" -o "$prefix.time" cbc "$lp" "${start[@]}" timeMode elapsed sec "$limit" solve \
  > "$prefix.log" 2>&1 || true
if [[ "$mst" != - ]]; then
  grep -i -E "mipstart|Reduced search" "$prefix.log" | head -5 >&2 || true
fi
python3 "$(dirname "$0")/cbc_log.py" "$prefix.log"
