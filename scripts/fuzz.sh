#!/usr/bin/env bash
# Builds and runs the libFuzzer target tests/fuzz/tflite_reader_fuzz.cpp for a
# bounded time (clang only; AddressSanitizer + UndefinedBehaviorSanitizer, the
# whole library instrumented for coverage).
#
#   scripts/fuzz.sh [SECONDS]        default 60
#   FUZZ_BUILD=dir FUZZ_JOBS=2 scripts/fuzz.sh 600
#
# The corpus lives in <build>/corpus/tflite_reader, seeded with the fixture
# models in tests/data/tflite and, when fetched, the real models (first
# 64 KB of them are enough to reach most structure). Crashes are written as
# <build>/crash-* files; replay one with: <build>/tflite_reader_fuzz <file>.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
build="${FUZZ_BUILD:-$repo/build-fuzz}"
jobs="${FUZZ_JOBS:-1}"

if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ not found: libFuzzer needs clang (apt-get install clang). Nothing fuzzed." >&2
  exit 3
fi

san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DRESPECT_FUZZ=ON -DRESPECT_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" --target tflite_reader_fuzz -j2

corpus="$build/corpus/tflite_reader"
mkdir -p "$corpus"
cp -n "$repo"/tests/data/tflite/*.tflite "$repo"/tests/data/tflite/fuzz_regressions/* "$corpus"/ 2>/dev/null || true
for m in "${RESPECT_MODELS:-$repo/build/models}"/*.tflite; do
  [[ -f "$m" ]] && head -c 65536 "$m" > "$corpus/head_$(basename "$m")"
done

parallel=()
if [[ "$jobs" -gt 1 ]]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
echo "fuzzing for ${seconds}s (corpus $corpus, $(ls "$corpus" | wc -l) files)"
cd "$build"
ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
UBSAN_OPTIONS="print_stacktrace=1" \
  ./tflite_reader_fuzz "$corpus" -max_total_time="$seconds" -max_len=131072 -timeout=20 \
    -rss_limit_mb=2560 -print_final_stats=1 ${parallel[@]+"${parallel[@]}"}
