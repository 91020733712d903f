#!/usr/bin/env bash
# Issue 11 goal "zoo models: exact and two_phase prove the optimum at least
# 500x faster than the cbc program on the plain cumulative LP". For each
# Table I model x 4/5/6 stages (memory_comm, tensor comm model, the
# quickstart's settings):
#   - the plain cumulative LP, written by respect-opt with
#     solver.engine cbc_direct, solver.incumbent_windows false and
#     solver.cut_bound false (else the bound may settle it unwritten), solved by
#     `cbc LP timeMode elapsed sec 600 solve` (process wall: reading the LP
#     included; the median of CBC_RUNS runs);
#   - respect-opt exact and two_phase (policy.certify: true, so it proves its
#     result), the median over RUNS runs of the solve seconds the schedule
#     file reports (the process also loads the model and the weights).
# Checks that the objectives agree and that each run is proven optimal.
# Writes bench/results/zoo_speedup.csv; ~15 minutes; not run by CI. Run it
# on a quiet machine: the respect-opt figures are milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
BIN="${BIN:-build/respect-opt}"
OUT="${OUT:-bench/out/zoo_speedup}"
CSV="${CSV:-bench/results/zoo_speedup.csv}"
RUNS="${RUNS:-7}"
CBC_RUNS="${CBC_RUNS:-3}"
MODELS="${MODELS:-xception resnet50 resnet101 resnet152 densenet121 resnet101v2 resnet152v2 densenet169 densenet201 inception_resnet_v2}"
STAGES="${STAGES:-4 5 6}"
mkdir -p "$OUT"
{
  echo "# machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
       "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "model,stages,objective,cbc_objective,cbc_s,exact_s,exact_status,two_phase_s,two_phase_status,exact_ratio,two_phase_ratio"
} > "$CSV"
common=(--task schedule --objective.kind memory_comm --objective.comm_weight 1 --objective.comm_model tensor
        --solver.threads 1 --solver.time_limit_s 600)
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for m in $MODELS; do
  for k in $STAGES; do
    dir="$OUT/$m.$k"
    rm -rf "$dir" && mkdir -p "$dir"
    "$BIN" "${common[@]}" --model "zoo:$m" --stages "$k" --methods exact --solver.engine cbc_direct \
      --solver.incumbent_windows false --solver.cut_bound false --solver.write_lp "$dir/plain.lp" --output.dir "$dir/lp" > "$dir/lp.log" 2>&1
    cbc_s=$(for r in $(seq "$CBC_RUNS"); do
      s=$(date +%s.%N)
      cbc "$dir/plain.lp" timeMode elapsed sec 600 solve > "$dir/cbc.$r.log" 2>&1
      e=$(date +%s.%N)
      echo "$e - $s" | bc
    done | median)
    # The LP's objective is in MiB (the model's cost unit, 2^20 bytes).
    cbc_obj=$( (grep -m1 "Objective value" "$dir/cbc.1.log" || echo "x 0 0") | awk '{printf "%.0f", $3 * 1048576}')
    grep -q "Optimal solution found" "$dir/cbc.1.log" || cbc_obj="not_optimal"
    row="$m,$k"
    obj=""
    for meth in exact two_phase; do
      s=$(for r in $(seq "$RUNS"); do
        "$BIN" "${common[@]}" --model "zoo:$m" --stages "$k" --methods "$meth" --policy.certify true \
          --output.dir "$dir/$meth" > "$dir/$meth.log" 2>&1
        python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['solve_seconds'])" \
          "$dir/$meth/$m.$k.$meth.schedule.json"
      done | median)
      read -r st o < <(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['status'], int(d['objective']))" \
        "$dir/$meth/$m.$k.$meth.schedule.json")
      obj=${obj:-$o}
      eval "${meth}_s=$s; ${meth}_st=$st; ${meth}_o=$o"
    done
    ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"; }
    echo "$row,$obj,$cbc_obj,$cbc_s,$exact_s,$exact_st,$two_phase_s,$two_phase_st,$(ratio "$cbc_s" "$exact_s"),$(ratio "$cbc_s" "$two_phase_s")" | tee -a "$CSV"
    if [[ "$exact_o" != "$two_phase_o" ]]; then echo "  objectives differ: exact $exact_o two_phase $two_phase_o"; fi
  done
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$CSV"
python3 - "$CSV" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
for meth in ("exact", "two_phase"):
    ratios = sorted(float(r[meth + "_ratio"]) for r in rows)
    ok = sum(r[meth + "_status"] == "optimal" and float(r[meth + "_ratio"]) >= 500 for r in rows)
    agree = sum(r["cbc_objective"] == r["objective"] for r in rows)
    print(f"{meth}: {ok}/{len(rows)} proven optimal and >= 500x; ratio min {ratios[0]:.0f}x, "
          f"median {ratios[len(ratios) // 2]:.0f}x, max {ratios[-1]:.0f}x; cbc objective equal on {agree}/{len(rows)}")
PY
