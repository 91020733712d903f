#!/usr/bin/env bash
# Issue 5 scale runs: synthetic graphs of 1,000, 5,000 and 10,000 nodes on 10
# stages (edge comm model, as public differentiable-scheduling benchmarks),
# exact and two_phase with a 600 s limit each. Records objective, bound,
# seconds, status and peak memory (GNU time) in bench/results/scale.csv.
# Takes up to ~1 hour; not run by CI. SIZES="5000" METHODS="exact" re-run a
# subset (their rows are replaced); extra arguments go to respect-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
LIMIT="${LIMIT:-600}"
OUT="${OUT:-bench/out/scale}"
mkdir -p "$OUT"
CSV="${CSV:-bench/results/scale.csv}"
HEADER="nodes,method,status,objective,bound,seconds,peak_rss_mib"
[[ -f "$CSV" ]] || echo "$HEADER" > "$CSV"
# SIZES / METHODS pick a subset; their rows are replaced, the others kept.
put_row() {  # put_row "n,method,..." : replace the (n, method) row or append
  python3 - "$CSV" "$1" <<'PY'
import sys
path, row = sys.argv[1], sys.argv[2]
key = row.split(",")[:2]
lines = open(path).read().splitlines()
out, done = [lines[0]], False
for l in lines[1:]:
    if l.split(",")[:2] == key:
        if not done: out.append(row)
        done = True
    else:
        out.append(l)
if not done: out.append(row)
out = [out[0]] + sorted(out[1:], key=lambda l: (int(l.split(",")[0]), l.split(",")[1] != "two_phase"))
open(path, "w").write("\n".join(out) + "\n")
PY
}
for n in ${SIZES:-1000 5000 10000}; do
  levels_min=$(( n / 20 )); levels_max=$(( n / 10 ))
  for m in ${METHODS:-two_phase exact}; do
    dir="$OUT/n$n.$m"
    rm -rf "$dir"
    /usr/bin/time -f "%M" -o "$dir.rss" build/respect-opt --task schedule --model synthetic \
      --synthetic.nodes $n --synthetic.levels_min $levels_min --synthetic.levels_max $levels_max \
      --synthetic.max_in_degree 4 --synthetic.seed 1 --stages 10 --methods $m \
      --objective.comm_model edge --solver.time_limit_s "$LIMIT" --output.dir "$dir" "$@" > "$dir.log" 2>&1 || true
    json=$(ls "$dir"/*.schedule.json 2>/dev/null | head -1 || true)
    rss_kb=$(tail -1 "$dir.rss" 2>/dev/null || echo 0)
    if [[ -n "$json" ]]; then
      row=$(python3 - "$json" "$n" "$m" "$rss_kb" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = lambda v: "" if v is None else repr(v)
print(f'{sys.argv[2]},{sys.argv[3]},{d["status"]},{f(d["objective"])},{f(d["bound"])},{d["solve_seconds"]:.2f},{int(sys.argv[4]) / 1024:.0f}')
PY
)
    else
      row="$n,$m,error,,,,$(( rss_kb / 1024 ))"
    fi
    put_row "$row"
    echo "$row"
  done
done
