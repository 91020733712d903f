#!/usr/bin/env bash
# Runs every command of the README's ```sh blocks, in order, from the top of
# the checkout, and fails if any of them fails, so the README cannot promise a
# command that does not work.
#
#   scripts/check_readme.sh [--all] [--fresh] [README]
#
#   --all    also run the commands tagged [long]
#   --fresh  git clone the committed tree (HEAD) into a new temporary directory
#            and run the check there, as a new user would
#
# A tag at the end of a command's comment decides whether it runs:
#   [long]     takes minutes (full test suite, training): skipped unless --all
#   [root]     installs system packages: skipped
#   [network]  downloads, or needs what a download brought: skipped
#   [device]   needs the Edge TPU compiler or hardware: skipped
#   [extras]   needs matplotlib and Graphviz (scripts/setup.sh --extras): run
#              when both are installed, else skipped
#   [mpi]      runs mpirun: run when mpirun is installed (as root with Open
#              MPI's OMPI_ALLOW_RUN_AS_ROOT* set), else skipped
# Each command runs in its own bash (errexit, pipefail) with a time limit
# (CHECK_README_TIMEOUT seconds, default 1800); its output goes to
# <checkout>/out/check_readme/<n>.log and is shown when it fails.
#
# Then the journeys of the README's "Journeys" section are checked for what
# they must leave behind, not only for their exit codes: a .tflite model to
# its per-stage table and segments (and the float warning), labels to a
# trained policy that rl then names, a GML graph under the ICML'24 objective.
# A journey whose commands did not all run is reported as skipped.
set -euo pipefail

ALL=0
FRESH=0
README=""
for arg in "$@"; do
  case "$arg" in
    --all) ALL=1 ;;
    --fresh) FRESH=1 ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check_readme: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    *) README="$arg" ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [[ "$FRESH" == 1 ]]; then
  CLONE="$(mktemp -d /tmp/respect_readme.XXXXXX)"
  git clone -q "$ROOT" "$CLONE/respect-opt"
  echo "check_readme: fresh clone of $(git -C "$ROOT" rev-parse --short HEAD) in $CLONE/respect-opt"
  args=()
  [[ "$ALL" == 1 ]] && args+=(--all)
  [[ -n "$README" ]] && args+=("$README")
  exec "$CLONE/respect-opt/scripts/check_readme.sh" "${args[@]}"
fi

cd "$ROOT"
# Open MPI refuses to start as root unless told (the [mpi] commands).
if [[ $(id -u) -eq 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
README="${README:-README.md}"
[[ -f "$README" ]] || { echo "check_readme: $README not found" >&2; exit 2; }
TIMEOUT="${CHECK_README_TIMEOUT:-1800}"
LOGS="out/check_readme"
mkdir -p "$LOGS"

have_extras() {
  command -v dot > /dev/null || return 1
  python3 -c 'import matplotlib' 2> /dev/null || /usr/bin/python3 -c 'import matplotlib' 2> /dev/null
}

# Why a command is skipped ("" = run it).
skip_reason() {
  local line="$1"
  case "$line" in
    *"[long]"*) [[ "$ALL" == 1 ]] || { echo "takes minutes (run with --all)"; return; } ;;
  esac
  case "$line" in
    *"[root]"*) echo "installs system packages" ;;
    *"[network]"*) echo "downloads, or needs downloaded models" ;;
    *"[device]"*) echo "needs the Edge TPU compiler or a Coral device" ;;
    *"[extras]"*) have_extras || echo "needs matplotlib and Graphviz (scripts/setup.sh --extras)" ;;
    *"[mpi]"*) command -v mpirun > /dev/null || echo "needs mpirun (scripts/setup.sh installs Open MPI)" ;;
  esac
}

# The lines inside ```sh ... ``` fences, blank and comment-only lines dropped.
mapfile -t COMMANDS < <(awk '
  /^```sh[[:space:]]*$/ { inside = 1; next }
  /^```/ { inside = 0; next }
  inside && $0 !~ /^[[:space:]]*(#.*)?$/ { print }
' "$README")
[[ ${#COMMANDS[@]} -gt 0 ]] || { echo "check_readme: no sh blocks in $README" >&2; exit 1; }

pass=0 fail=0 skip=0 n=0
declare -A STATUS_OF LOG_OF  # per command text: PASS / FAIL / SKIP, and its log
for cmd in "${COMMANDS[@]}"; do
  n=$((n + 1))
  shown="${cmd%%#*}"
  shown="${shown%"${shown##*[![:space:]]}"}"
  reason="$(skip_reason "$cmd")"
  if [[ -n "$reason" ]]; then
    printf 'SKIP  %s  (%s)\n' "$shown" "$reason"
    skip=$((skip + 1))
    STATUS_OF["$shown"]=SKIP
    continue
  fi
  start=$SECONDS
  if timeout "$TIMEOUT" bash -c "set -eo pipefail; $cmd" > "$LOGS/$n.log" 2>&1 < /dev/null; then
    printf 'PASS  %s  (%d s)\n' "$shown" $((SECONDS - start))
    pass=$((pass + 1))
    STATUS_OF["$shown"]=PASS
  else
    rc=$?
    printf 'FAIL  %s  (exit %d after %d s; log %s)\n' "$shown" "$rc" $((SECONDS - start)) "$LOGS/$n.log"
    tail -20 "$LOGS/$n.log" | sed 's/^/      /'
    fail=$((fail + 1))
    STATUS_OF["$shown"]=FAIL
  fi
  LOG_OF["$shown"]="$LOGS/$n.log"
done

# The log of the one README command containing $1 that passed; fails
# (printing nothing) when there is none.
journey_log() {
  local shown
  for shown in "${!STATUS_OF[@]}"; do
    if [[ "$shown" == *"$1"* && "${STATUS_OF[$shown]}" == PASS ]]; then echo "${LOG_OF[$shown]}"; return 0; fi
  done
  return 1
}

# journey NAME CHECK...: each CHECK is "KEY|TEST": the README command
# containing KEY must have passed, and TEST (bash, with $log its log) must hold.
journey() {
  local name="$1" item key test log
  shift
  for item in "$@"; do
    key="${item%%|*}"
    test="${item#*|}"
    if ! log="$(journey_log "$key")"; then
      printf 'SKIP  journey: %s  (its command "%s" did not run or failed)\n' "$name" "$key"
      skip=$((skip + 1))
      return
    fi
    if ! log="$log" bash -c "set -eo pipefail; $test" > /dev/null 2>&1; then
      printf 'FAIL  journey: %s  (after "%s": %s)\n' "$name" "$key" "$test"
      fail=$((fail + 1))
      return
    fi
  done
  printf 'PASS  journey: %s\n' "$name"
  pass=$((pass + 1))
}

J=out/journeys
journey "a .tflite model to its table and segments" \
  "build/respect-opt tests/data/tflite/tiny_uint8.tflite --stages 2 --output.dir|grep -q 'method exact, status optimal' \$log && grep -q 'fits on chip: 2 of 2 stages' \$log" \
  "--task deploy --model tests/data/tflite/tiny_uint8.tflite|grep -q 'deploy: scheduling with exact' \$log && test \$(grep -c '^ *file: ' $J/tiny/segments/manifest.yaml) -eq 2 && ! grep -q 'float model' \$log" \
  "--task deploy --model tests/data/tflite/fp16_dequantize.tflite|grep -q 'is a float model' \$log && test -s $J/fp16/segments/manifest.yaml"
journey "labels to training to rl" \
  "--label.dataset $J/labels.bin|test -s $J/labels.bin" \
  "--train.dataset $J/labels.bin|grep -q '^warning: train.holdout 200 would leave 1 of 40 labels' \$log && test -s $J/train/policy.rspw && grep -q 'weights written to $J/train/policy.rspw' \$log" \
  "--policy.weights $J/train/policy.rspw|grep -q 'policy weights: $J/train/policy.rspw' \$log && grep -q '\"policy_weights\": \"$J/train/policy.rspw\"' $J/resnet50.4.rl.schedule.json"
journey "a GML graph under the ICML'24 objective" \
  "make_icml_style_gml.py|test -s $J/icml20.gml" \
  "--model $J/icml20.gml|grep -q 'edges out' \$log && grep -Eq '= [0-9.]+ = [0-9]+ \\+ 0\\.01 x [0-9]+' \$log && ! grep -q 'e+' \$log"
echo "check_readme: $pass passed, $fail failed, $skip skipped ($README, $(pwd))"
[[ "$fail" == 0 ]]
