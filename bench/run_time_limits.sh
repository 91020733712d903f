#!/usr/bin/env bash
# Issue 11: do time limits hold? Synthetic graphs of 1,000 / 5,000 / 10,000
# nodes (as bench/run_scale.sh makes them: levels n/20..n/10, max in-degree 4,
# seed 1), 10 stages, edge comm model, solver.time_limit_s 1 / 5 / 30, for
# exact with every engine (auto, cbc_main, cbc_direct, lattice), two_phase and
# label generation (one label of the same size). The wall time of the whole
# process is measured by GNU time and checked against limit x 1.05 + 1 s.
# Writes bench/results/time_limits.csv (one row per run); summarise with
# bench/summarize_time_limits.py. ~15 minutes; not run by CI.
# SIZES / LIMITS / RUNS pick a subset: SIZES="1000" LIMITS="1 5" RUNS="exact_auto two_phase".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
BIN="${BIN:-build/respect-opt}"  # a copy keeps a long run on one binary while you rebuild
OUT="${OUT:-bench/out/time_limits}"
CSV="${CSV:-bench/results/time_limits.csv}"
mkdir -p "$OUT"
echo "nodes,limit_s,run,status,objective,bound,wall_s,allowed_s,holds,peak_rss_mib" > "$CSV"
for n in ${SIZES:-1000 5000 10000}; do
  graph=(--model synthetic --synthetic.nodes "$n" --synthetic.levels_min $((n / 20))
         --synthetic.levels_max $((n / 10)) --synthetic.max_in_degree 4 --synthetic.seed 1)
  for limit in ${LIMITS:-1 5 30}; do
    for run in ${RUNS:-exact_auto exact_cbc_main exact_cbc_direct exact_lattice two_phase label}; do
      dir="$OUT/n$n.t$limit.$run"
      rm -rf "$dir" && mkdir -p "$dir"
      common=(--stages 10 --objective.comm_model edge --solver.time_limit_s "$limit" --output.dir "$dir")
      case "$run" in
        exact_*) args=(--task schedule "${graph[@]}" "${common[@]}" --methods exact --solver.engine "${run#exact_}") ;;
        two_phase) args=(--task schedule "${graph[@]}" "${common[@]}" --methods two_phase) ;;
        label) args=(--task label "${common[@]}" --label.dataset "$dir/labels.bin" --label.count 1
                     --label.nodes "$n" --label.stages_min 10 --label.stages_max 10 --label.degree_min 4
                     --label.degree_max 4 --label.workers 1 --synthetic.levels_min $((n / 20))
                     --synthetic.levels_max $((n / 10))) ;;
      esac
      /usr/bin/time -f "%e %M" -o "$dir/time" "$BIN" "${args[@]}" > "$dir/log" 2>&1 || true
      read -r wall rss_kb < <(tail -1 "$dir/time")
      python3 - "$dir" "$n" "$limit" "$run" "$wall" "$rss_kb" >> "$CSV" <<'PY'
import glob, json, sys
d, n, limit, run, wall, rss = sys.argv[1:]
limit, wall = float(limit), float(wall)
allowed = limit * 1.05 + 1.0
status = objective = bound = ""
js = glob.glob(d + "/*.schedule.json")
if js:
    j = json.load(open(js[0]))
    status = j["status"]
    objective = "" if j["objective"] is None else repr(j["objective"])
    bound = "" if j.get("bound") is None else repr(j["bound"])
elif run == "label":
    log = open(d + "/log").read()
    status = "labelled" if "labels/s" in log else "error"
else:
    status = "error"
print(f"{n},{limit:g},{run},{status},{objective},{bound},{wall:.2f},{allowed:.2f},"
      f"{'yes' if wall <= allowed else 'NO'},{int(rss) / 1024:.0f}")
PY
      tail -1 "$CSV"
    done
  done
done
