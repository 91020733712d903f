#!/usr/bin/env bash
# The ICML'24-style family at scale (issue 25, item 3): a random DAG of
# bench/make_icml_style_gml.py (levels layout: edges uniform across 20 levels,
# EPN edges per node, 3 unless given: the dense benchmark files), 10 stages,
# edge comm model, in one of two regimes:
#   crossing  edge_weight tensor, comm_weight 1: each crossing edge costs its
#             bytes (10,000-50,000 against node bytes of 1,000-5,000);
#   unit      edge_weight unit, comm_weight 1: every edge weighs 1 byte, the
#             stage memory dominates.
# respect-opt's METHODS (default: exact, which writes its LP and MIP start)
# and the `cbc` program on that LP, from nothing (method cbc) and from
# exact's start (cbc_start; CBC_RUNS picks, default "plain start", CBC=0
# none; bench/cbc_runs.sh), each with the same wall-clock limit; wall time and
# peak RSS of each whole process by GNU time.
#
#   bench/run_scale_icml.sh NODES REGIME NONEMPTY LIMIT_S [EPN]
#   e.g. bench/run_scale_icml.sh 1000 crossing true 30
#
# Rows are appended to bench/results/scale_icml.csv (CSV=...). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bench/run_scale_icml.sh NODES crossing|unit true|false LIMIT_S [EPN]"
n="${1:?$usage}"; regime="${2:?$usage}"; nonempty="${3:?$usage}"; limit="${4:?$usage}"; epn="${5:-3}"
case "$regime" in
  crossing) weight=(--objective.edge_weight tensor --objective.comm_weight 1) ;;
  unit) weight=(--objective.edge_weight unit --objective.comm_weight 1) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
BIN="${BIN:-build/respect-opt}"
OUT="${OUT:-bench/out/scale_icml}"
CSV="${CSV:-bench/results/scale_icml.csv}"
mkdir -p "$OUT/graphs"
[[ -f "$CSV" ]] || echo "date,nodes,edges_per_node,regime,nonempty,limit_s,method,status,objective,bound,gap,wall_s,peak_rss_mib" > "$CSV"
gml="$OUT/graphs/icml_levels_${n}_e${epn}.gml"
[[ -f "$gml" ]] || python3 bench/make_icml_style_gml.py "$n" "$gml" --seed 1 --edges-per-node "$epn"
tag="n$n.e$epn.$regime.ne$nonempty.t$limit"
lp="$OUT/$tag.lp"
mst="$OUT/$tag.mst"
row() {  # row METHOD STATUS OBJECTIVE BOUND TIMEFILE
  read -r wall rss < <(tail -1 "$5")
  python3 - "$(date +%F)" "$n" "$epn" "$regime" "$nonempty" "$limit" "$1" "$2" "$3" "$4" "$wall" "$rss" >> "$CSV" <<'PY'
import sys
date, n, epn, regime, nonempty, limit, m, status, obj, bound, wall, rss = sys.argv[1:]
gap = "" if obj in ("-", "") or bound in ("-", "") else "%.4f" % ((float(obj) - float(bound)) / float(obj))
f = lambda v: "" if v == "-" else v
print(f"{date},{n},{epn},{regime},{nonempty},{limit},{m},{status},{f(obj)},{f(bound)},{gap},{wall},{int(rss) / 1024:.0f}")
PY
  tail -1 "$CSV"
}
for m in ${METHODS:-exact}; do
  dir="$OUT/$tag.$m"
  rm -rf "$dir" && mkdir -p "$dir"
  extra=()
  # The model files are for the cbc program only: at 200,000 nodes writing
  # them takes minutes and GiB after exact's own result.
  [[ $m == exact && "${CBC:-1}" == 1 ]] && rm -f "$lp" "$mst" && extra=(--solver.write_lp "$lp" --solver.write_mip_start "$mst")
  /usr/bin/time -f "%e %M" -o "$dir.time" "$BIN" --task schedule --model "$gml" --stages 10 --methods "$m" \
    --objective.comm_model edge "${weight[@]}" --constraints.nonempty_stages "$nonempty" \
    --solver.time_limit_s "$limit" --output.dir "$dir" "${extra[@]}" > "$dir.log" 2>&1 || true
  read -r status obj bound < <(python3 bench/schedule_fields.py "$dir")
  row "$m" "$status" "$obj" "$bound" "$dir.time"
done
while read -r m status obj bound time; do
  row "$m" "$status" "$obj" "$bound" "$time"
done < <(bench/cbc_runs.sh "$lp" "$mst" "$limit" "$OUT/$tag")
