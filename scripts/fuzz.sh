#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of tests/fuzz/ one after another
# (clang only; AddressSanitizer + UndefinedBehaviorSanitizer, the whole
# library instrumented for coverage), each for a bounded time and/or number
# of runs, one process at a time (-jobs is never used: the CPU is shared).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default 60, all targets
#   FUZZ_RUNS=1000000 scripts/fuzz.sh 900                 stop each at 1M runs or 900 s
#   FUZZ_BUILD=dir FUZZ_MAKE_JOBS=1 scripts/fuzz.sh
#
# Targets: tflite_reader graph_json graph_gml config_yaml schedule_json yaml_alias json_depth.
# Corpora live in <build>/corpus/<target>, seeded from tests/fuzz/seeds/<target>
# and tests/fuzz/regressions/<target> (plus the TFLite fixtures and, when
# fetched, the first 64 KB of the real models). Crashes are written as
# <build>/crash-*; replay one with <build>/<target>_fuzz <file>, then copy it
# to tests/fuzz/regressions/<target>/ (tests/fuzz_replay_test.cpp replays
# that folder in every unit run). Each run's last lines go to
# <build>/<target>.log (executions, exec/s, peak RSS).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(tflite_reader graph_json graph_gml config_yaml schedule_json yaml_alias json_depth)
build="${FUZZ_BUILD:-$repo/build-fuzz}"
runs="${FUZZ_RUNS:--1}"

if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ not found: libFuzzer needs clang (apt-get install clang). Nothing fuzzed." >&2
  exit 3
fi

san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DRESPECT_FUZZ=ON -DRESPECT_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" --target "${targets[@]/%/_fuzz}" -j "${FUZZ_MAKE_JOBS:-1}"

status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  cp -n "$repo/tests/fuzz/seeds/$t"/* "$repo/tests/fuzz/regressions/$t"/* "$corpus"/ 2>/dev/null || true
  if [[ "$t" == tflite_reader ]]; then
    cp -n "$repo"/tests/data/tflite/*.tflite "$corpus"/ 2>/dev/null || true
    for m in "${RESPECT_MODELS:-$repo/build/models}"/*.tflite; do
      [[ -f "$m" ]] && head -c 65536 "$m" > "$corpus/head_$(basename "$m")"
    done
  fi
  # Text inputs reach every branch in a few KB; longer ones only slow the run.
  max_len=8192
  [[ "$t" == tflite_reader ]] && max_len=131072
  echo "== $t: up to ${seconds}s$([[ $runs -gt 0 ]] && echo " or $runs runs") (corpus $(ls "$corpus" | wc -l) files)"
  (cd "$build" && ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1" \
    "./${t}_fuzz" "$corpus" -max_total_time="$seconds" -runs="$runs" -max_len="$max_len" -timeout=20 \
      -rss_limit_mb=2560 -print_final_stats=1 > "$build/$t.log" 2>&1) || status=1
  grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|ERROR|SUMMARY" "$build/$t.log" || true
done
exit $status
