#!/usr/bin/env bash
# The ICML'24 differentiable-scheduling benchmark's objective on one of its
# GML graphs (graphgml/rand_graph_*.gml of Yu-Maryland/Differentiable_Scheduler_ICML24,
# not shipped here): respect-opt exact and two_phase, and the `cbc` program on
# the LP that exact writes, each with the same wall-clock limit.
#
#   bench/run_icml.sh GRAPH.gml [RATIO] [DEPTH]     (defaults 100 and 10; LIMIT=300 s)
#
# Settings that make respect-opt's objective J satisfy J * RATIO = the LP
# objective of gen_lp_graph_w_attr.py (docs/design.md "The ICML'24 objective"):
# stages DEPTH, comm_model edge, edge_weight indicator, comm_weight 1/RATIO,
# nonempty_stages false. Rows go to bench/results/icml.csv (replacing rows of
# the same graph, ratio, depth and method); the ICML columns are J * RATIO.
# Extra arguments after DEPTH go to respect-opt. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
GML="${1:?usage: bench/run_icml.sh GRAPH.gml [RATIO] [DEPTH]}"
RATIO="${2:-100}"
DEPTH="${3:-10}"
shift $(( $# < 3 ? $# : 3 ))
LIMIT="${LIMIT:-300}"
OUT="${OUT:-bench/out/icml}"
CSV="${CSV:-bench/results/icml.csv}"
scripts/build.sh > /dev/null
graph=$(basename "$GML" .gml)
mkdir -p "$OUT"
HEADER="graph,ratio,depth,method,status,objective_bytes,icml_objective,icml_bound,seconds,peak_rss_mib"
[[ -f "$CSV" ]] || echo "$HEADER" > "$CSV"
put_row() {  # replaces the (graph, ratio, depth, method) row or appends it
  python3 - "$CSV" "$1" <<'PY'
import sys
path, row = sys.argv[1], sys.argv[2]
key = row.split(",")[:4]
lines = open(path).read().splitlines()
out = [lines[0]] + [l for l in lines[1:] if l.split(",")[:4] != key] + [row]
open(path, "w").write("\n".join(out) + "\n")
PY
}
comm_weight=$(python3 -c "print(repr(1.0 / float('$RATIO')))")
lp="$OUT/$graph.r$RATIO.d$DEPTH.lp"
rm -f "$lp"
for m in exact two_phase; do
  dir="$OUT/$graph.r$RATIO.d$DEPTH.$m"
  rm -rf "$dir"
  extra=()
  [[ $m == exact ]] && extra=(--solver.write_lp "$lp")
  /usr/bin/time -f "%M" -o "$dir.rss" build/respect-opt --task schedule --model "$GML" --stages "$DEPTH" \
    --methods "$m" --objective.comm_model edge --objective.edge_weight indicator \
    --objective.comm_weight "$comm_weight" --constraints.nonempty_stages false \
    --solver.time_limit_s "$LIMIT" --output.dir "$dir" "${extra[@]}" "$@" > "$dir.log" 2>&1 || true
  json=$(ls "$dir"/*.schedule.json 2>/dev/null | head -1 || true)
  rss_kb=$(tail -1 "$dir.rss" 2>/dev/null || echo 0)
  if [[ -n "$json" ]]; then
    row=$(python3 - "$json" "$graph" "$RATIO" "$DEPTH" "$m" "$rss_kb" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ratio = float(sys.argv[3])
f = lambda v, s=1.0: "" if v is None else repr(round(v * s, 6))
print(f'{sys.argv[2]},{sys.argv[3]},{sys.argv[4]},{sys.argv[5]},{d["status"]},{f(d["objective"])},'
      f'{f(d["objective"], ratio)},{f(d["bound"], ratio)},{d["solve_seconds"]:.2f},{int(sys.argv[6]) / 1024:.0f}')
PY
)
  else
    row="$graph,$RATIO,$DEPTH,$m,error,,,,,$(( rss_kb / 1024 ))"
  fi
  put_row "$row"
  echo "$row"
done
# The cbc program on exact's LP. The LP counts MiB (bytes / 2^20) and cbc
# prints 8 decimals, so its figures carry +-0.01 bytes (+-1 in the ICML
# column at ratio 100).
if [[ -f "$lp" ]]; then
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$OUT/$graph.r$RATIO.d$DEPTH.cbc.rss" cbc "$lp" timeMode elapsed sec "$LIMIT" solve \
    > "$OUT/$graph.r$RATIO.d$DEPTH.cbc.log" 2>&1 || true
  end=$(date +%s.%N)
  # comm_weight 1/RATIO: the LP counts the power of two at or below 1/RATIO MiB.
  unit=$(python3 -c "import math; r=int(float('$RATIO')); print(2.0 ** math.floor(math.log2(1048576 / r)) if r > 1 else 1048576.0)")
  read -r status obj bound < <(python3 bench/cbc_log.py "$OUT/$graph.r$RATIO.d$DEPTH.cbc.log" "$unit")
  row=$(python3 - "$graph" "$RATIO" "$DEPTH" "$status" "$obj" "$bound" "$start" "$end" \
        "$(tail -1 "$OUT/$graph.r$RATIO.d$DEPTH.cbc.rss" 2>/dev/null || echo 0)" <<'PY'
import sys
graph, ratio, depth, status, obj, bound, start, end, rss = sys.argv[1:]
f = lambda v, s=1.0: "" if v == "-" else repr(round(float(v) * s, 6))
print(f'{graph},{ratio},{depth},cbc,{status},{f(obj)},{f(obj, float(ratio))},{f(bound, float(ratio))},'
      f'{float(end) - float(start):.2f},{int(rss) / 1024:.0f}')
PY
)
  put_row "$row"
  echo "$row"
fi
