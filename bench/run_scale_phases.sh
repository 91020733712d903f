#!/usr/bin/env bash
# Time and memory per phase at scale (issue 25, item 5): the layered
# synthetic family at 10,000 / 50,000 / 100,000 / 200,000 nodes (levels
# n/20..n/10, in-degree <= 4, seed 1001), 10 stages, edge model, two_phase
# and exact under one limit (LIMIT, default 120 s). Each row: objective,
# bound, gap, the whole run's wall clock and peak RSS (GNU time), and the
# phase clocks the schedule JSON carries (seconds since the solve began):
#   two_phase: rl_seconds (coarse phase), hard_windows_end_s,
#              rounds_start_s (after dp_topo's alternative start),
#              rounds_end_s, cut_bound_joined_s;
#   exact:     start_search_seconds, cut_bound_seconds.
# Rows go to bench/results/scale_phases.csv (a row of the same nodes and
# method is replaced). Takes about 20 minutes at the default sizes; not run by
# CI. SIZES="100000" METHODS="exact" re-run a subset; BIN picks the binary
# (default build/respect-opt; copy it first when builds run beside).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT="${LIMIT:-120}"
BIN="${BIN:-build/respect-opt}"
OUT="${OUT:-bench/out/scale_phases}"
CSV="${CSV:-bench/results/scale_phases.csv}"
mkdir -p "$OUT"
HEADER="nodes,method,status,objective,bound,gap,limit_s,wall_s,peak_rss_mib,rl_s,hard_windows_end_s,rounds_start_s,rounds_end_s,cut_bound_joined_s,start_search_s,cut_bound_s"
[[ -f "$CSV" ]] || echo "$HEADER" > "$CSV"
for n in ${SIZES:-10000 50000 100000 200000}; do
  for m in ${METHODS:-two_phase exact}; do
    dir="$OUT/n$n.$m"
    rm -rf "$dir"
    /usr/bin/time -f "%e %M" -o "$dir.time" "$BIN" --task schedule --model synthetic \
      --synthetic.nodes "$n" --synthetic.levels_min $(( n / 20 )) --synthetic.levels_max $(( n / 10 )) \
      --synthetic.max_in_degree 4 --synthetic.seed 1001 --stages 10 --methods "$m" \
      --objective.comm_model edge --solver.time_limit_s "$LIMIT" --output.dir "$dir" > "$dir.log" 2>&1 || true
    row=$(python3 - "$dir" "$n" "$m" "$LIMIT" "$dir.time" <<'PY'
import glob, json, sys
d, n, m, limit, tfile = sys.argv[1:6]
wall, rss_kb = open(tfile).read().split()[-2:]
files = glob.glob(d + "/*.schedule.json")
if not files:
    print(f"{n},{m},error,,,,{limit},{float(wall):.1f},{int(rss_kb) / 1024:.0f}" + "," * 7)
    sys.exit()
r = json.load(open(files[0]))
s = r.get("stats", {})
f = lambda k: "" if k not in s else f"{s[k]:.1f}"
gap = "" if r.get("gap") is None else f"{100 * r['gap']:.2f}"
print(",".join([n, m, r["status"], f"{r['objective']:.0f}", f"{r['bound']:.0f}", gap, limit,
                f"{float(wall):.1f}", f"{int(rss_kb) / 1024:.0f}", f("rl_seconds"), f("hard_windows_end_s"),
                f("rounds_start_s"), f("rounds_end_s"), f("cut_bound_joined_s"), f("start_search_seconds"),
                f("cut_bound_seconds")]))
PY
)
    python3 - "$CSV" "$row" <<'PY'
import sys
path, row = sys.argv[1], sys.argv[2]
key = row.split(",")[:2]
lines = open(path).read().splitlines()
rows = [l for l in lines[1:] if l.split(",")[:2] != key] + [row]
rows.sort(key=lambda l: (int(l.split(",")[0]), l.split(",")[1]))
open(path, "w").write("\n".join([lines[0]] + rows) + "\n")
PY
    echo "$row"
  done
done
