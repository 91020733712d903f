#!/usr/bin/env bash
# Issue 11 goals at scale: respect-opt exact and two_phase against the `cbc`
# program on the LP exact writes (`cbc LP timeMode elapsed sec LIMIT solve`,
# method cbc) and from exact's MIP start (solver.write_mip_start: `cbc LP
# mipstart MST ...`, method cbc_start; bench/cbc_program.sh), each with the
# same wall-clock limit, on the synthetic graphs of
# bench/run_scale.sh (levels n/20..n/10, max in-degree 4, seed 1), 10 stages,
# edge comm model. Wall time and peak RSS of each whole process by GNU time.
#
#   bench/run_scale_cbc.sh NODES LIMIT_S      e.g. 1000 120, 10000 600
#
# COMM_WEIGHT (default 1; 20 makes the crossings dominate) and NONEMPTY
# (constraints.nonempty_stages, default true) pick the setting. Rows (nodes,
# limit, comm_weight, nonempty, method, status, objective, bound, gap, wall,
# RSS) are appended to bench/results/scale_cbc.csv. METHODS (default "exact
# two_phase") and CBC_RUNS (default "plain start", bench/cbc_runs.sh; CBC=0:
# none) pick a subset. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:?usage: bench/run_scale_cbc.sh NODES LIMIT_S}"
limit="${2:?usage: bench/run_scale_cbc.sh NODES LIMIT_S}"
BIN="${BIN:-build/respect-opt}"
OUT="${OUT:-bench/out/scale_cbc}"
CSV="${CSV:-bench/results/scale_cbc.csv}"
mkdir -p "$OUT"
cw="${COMM_WEIGHT:-1}"; nonempty="${NONEMPTY:-true}"
[[ -f "$CSV" ]] || echo "nodes,limit_s,comm_weight,nonempty,method,status,objective,bound,gap,wall_s,peak_rss_mib" > "$CSV"
graph=(--model synthetic --synthetic.nodes "$n" --synthetic.levels_min $((n / 20))
       --synthetic.levels_max $((n / 10)) --synthetic.max_in_degree 4 --synthetic.seed 1)
tag="n$n.t$limit"
[[ "$cw" == 1 && "$nonempty" == true ]] || tag="$tag.cw$cw.ne$nonempty"
lp="$OUT/$tag.lp"
mst="$OUT/$tag.mst"
row() {  # row METHOD STATUS OBJECTIVE BOUND TIMEFILE
  read -r wall rss < <(tail -1 "$5")
  python3 - "$n" "$limit" "$cw" "$nonempty" "$1" "$2" "$3" "$4" "$wall" "$rss" >> "$CSV" <<'PY'
import sys
n, limit, cw, nonempty, m, status, obj, bound, wall, rss = sys.argv[1:]
gap = "" if obj in ("-", "") or bound in ("-", "") else "%.4f" % ((float(obj) - float(bound)) / float(obj))
f = lambda v: "" if v == "-" else v
print(f"{n},{limit},{cw},{nonempty},{m},{status},{f(obj)},{f(bound)},{gap},{wall},{int(rss) / 1024:.0f}")
PY
  tail -1 "$CSV"
}
for m in ${METHODS:-exact two_phase}; do
  dir="$OUT/$tag.$m"
  rm -rf "$dir" && mkdir -p "$dir"
  extra=()
  # The model files are for the cbc program only: at 200,000 nodes writing
  # them takes minutes and GiB after exact's own result.
  [[ $m == exact && "${CBC:-1}" == 1 ]] && rm -f "$lp" "$mst" && extra=(--solver.write_lp "$lp" --solver.write_mip_start "$mst")
  /usr/bin/time -f "%e %M" -o "$dir.time" "$BIN" --task schedule "${graph[@]}" --stages 10 --methods "$m" \
    --objective.comm_model edge --objective.comm_weight "$cw" --constraints.nonempty_stages "$nonempty" \
    --solver.time_limit_s "$limit" --output.dir "$dir" "${extra[@]}" \
    > "$dir.log" 2>&1 || true
  read -r status obj bound < <(python3 bench/schedule_fields.py "$dir")
  row "$m" "$status" "$obj" "$bound" "$dir.time"
done
while read -r m status obj bound time; do
  row "$m" "$status" "$obj" "$bound" "$time"
done < <(bench/cbc_runs.sh "$lp" "$mst" "$limit" "$OUT/$tag")
