#!/usr/bin/env bash
# Issue 24 goal "a longer limit never makes an instance slower": every zoo
# model (respect-opt --list-zoo) and every MediaPipe model that
# scripts/fetch_models.sh fetched, scheduled by exact onto STAGES stages
# (the quickstart's objective: memory_comm, tensor comm model), once under
# solver.time_limit_s 5 and once under the default 600. Records the solve
# seconds the schedule file reports, the status and the objective of each,
# and the ratio long/short; the goal is ratio <= 2 wherever both are proven.
# Writes $CSV (one row per model); not run by CI. Run it on a quiet machine.
#
#   BIN=/tmp/respect-opt.old CSV=bench/results/limit_scaling_before.csv bench/run_limit_scaling.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-build/respect-opt}"  # a copy keeps a long run on one binary while you rebuild
OUT="${OUT:-bench/out/limit_scaling}"
CSV="${CSV:-bench/results/limit_scaling.csv}"
MODELS_DIR="${MODELS_DIR:-${RESPECT_MODELS:-build/models}}"
STAGES="${STAGES:-4}"
SHORT="${SHORT:-5}"
LONG="${LONG:-600}"
mkdir -p "$OUT"
models=$("$BIN" --list-zoo | awk '{print $1}')
for f in "$MODELS_DIR"/*.tflite; do
  case "$(basename "$f")" in
    mobilenet_ssd*) ;;  # not MediaPipe
    *) [[ -f "$f" ]] && models+=$'\n'"$f" ;;
  esac
done
{
  echo "# machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
       "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load at start $(cut -d' ' -f1-3 /proc/loadavg),"\
       "$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "model,nodes,stages,short_status,short_s,long_status,long_s,ratio,objective_short,objective_long"
} > "$CSV"
run() {  # run <model> <limit> -> "status seconds objective nodes"
  local dir="$OUT/$(basename "$1" .tflite).$STAGES.t$2"
  rm -rf "$dir" && mkdir -p "$dir"
  "$BIN" --task schedule --model "$1" --stages "$STAGES" --methods exact --objective.kind memory_comm \
    --objective.comm_weight 1 --objective.comm_model tensor --solver.threads 1 --solver.time_limit_s "$2" \
    --output.dir "$dir" > "$dir/log" 2>&1 || true
  python3 - "$dir" <<'PY'
import glob, json, sys
files = glob.glob(sys.argv[1] + "/*.schedule.json")
if not files:
    print("error nan nan 0")
else:
    d = json.load(open(files[0]))
    print(d["status"], d["solve_seconds"], d["objective"], sum(isinstance(a["id"], int) for a in d["assignment"]))
PY
}
while read -r m; do
  [[ -n "$m" ]] || continue
  read -r s_status s_sec s_obj nodes < <(run "$m" "$SHORT")
  read -r l_status l_sec l_obj _ < <(run "$m" "$LONG")
  ratio=$(python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('%.2f' % (b / a) if a > 0 else 'nan')" "$s_sec" "$l_sec")
  echo "$(basename "$m" .tflite),$nodes,$STAGES,$s_status,$s_sec,$l_status,$l_sec,$ratio,$s_obj,$l_obj" | tee -a "$CSV"
done <<< "$models"
