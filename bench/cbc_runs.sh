#!/usr/bin/env bash
# The `cbc` program runs of a scale benchmark on the model (and MIP start)
# exact wrote: for each of CBC_RUNS (default "plain start"), `plain` from
# nothing (row cbc) and `start` from exact's start (row cbc_start), each
# with bench/cbc_program.sh and the same wall-clock limit; a run whose files
# are missing is skipped, and CBC=0 skips them all. Prints one line per run:
# `method status objective bound timefile`.
#
#   bench/cbc_runs.sh LP MST LIMIT_S PREFIX   (files PREFIX.cbc.*, PREFIX.cbc_start.*)
set -euo pipefail
lp="$1"; mst="$2"; limit="$3"; prefix="$4"
[[ "${CBC:-1}" == 1 ]] || exit 0
for run in ${CBC_RUNS:-plain start}; do
  m=cbc; start=-
  [[ $run == start ]] && m=cbc_start && start="$mst"
  [[ -f "$lp" && ( "$start" == - || -f "$start" ) ]] || continue
  read -r status obj bound < <("$(dirname "$0")/cbc_program.sh" "$lp" "$start" "$limit" "$prefix.$m")
  echo "$m $status $obj $bound $prefix.$m.time"
done
