#!/usr/bin/env bash
# Compiles the segments written by `respect-opt --task deploy` for the Edge
# TPU with edgetpu_compiler, one segment at a time (each segment becomes its
# own Edge TPU model, as in a pipeline of TPUs).
#
#   scripts/compile_segments.sh [SEGMENTS_DIR] [OUT_DIR]
#     SEGMENTS_DIR  default out/segments (holds manifest.yaml and the segments)
#     OUT_DIR       default SEGMENTS_DIR/edgetpu
#
# The segments are the files that SEGMENTS_DIR/manifest.yaml lists, in
# pipeline order (never a glob: other files in the folder are ignored).
# Produces <name>_edgetpu.tflite and <name>_edgetpu.log per segment. The
# segment files themselves are never modified.
set -euo pipefail

dir="${1:-out/segments}"
out="${2:-$dir/edgetpu}"

if ! command -v edgetpu_compiler >/dev/null 2>&1; then
  cat >&2 <<'MSG'
edgetpu_compiler is not installed, so the segments were not compiled.
It is distributed by Google for x86-64 Debian/Ubuntu from the Coral apt repository:

  curl https://packages.cloud.google.com/apt/doc/apt-key.gpg | sudo gpg --dearmor -o /usr/share/keyrings/coral.gpg
  echo "deb [signed-by=/usr/share/keyrings/coral.gpg] https://packages.cloud.google.com/apt coral-edgetpu-stable main" \
    | sudo tee /etc/apt/sources.list.d/coral-edgetpu.list
  sudo apt-get update && sudo apt-get install edgetpu-compiler

(see https://coral.ai/docs/edgetpu/compiler/). Then run this script again.
The segments are ordinary .tflite files; the CPU reference check
(deploy.run_check: true) validates them without the compiler.
MSG
  exit 3
fi

manifest="$dir/manifest.yaml"
if [[ ! -f "$manifest" ]]; then
  echo "error: no manifest.yaml in '$dir' (run respect-opt --task deploy first)" >&2
  exit 2
fi
# The segment entries are "    file: NAME" lines of the segments list.
segments=()
while IFS= read -r name; do
  segments+=("$dir/$name")
done < <(sed -n 's/^ *file: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$manifest")
if [[ ${#segments[@]} -eq 0 ]]; then
  echo "error: '$manifest' lists no segment files" >&2
  exit 2
fi
for seg in "${segments[@]}"; do
  [[ -f "$seg" ]] || { echo "error: '$seg' (listed in $manifest) is missing" >&2; exit 2; }
done
mkdir -p "$out"
echo "edgetpu_compiler: $(edgetpu_compiler --version 2>&1 | head -1)"
status=0
for seg in "${segments[@]}"; do
  name="$(basename "$seg" .tflite)"
  log="$out/${name}_edgetpu.log"
  if edgetpu_compiler --out_dir "$out" --show_operations "$seg" >"$log" 2>&1; then
    mapped="$(grep -E 'Number of operations that will run on Edge TPU' "$log" | grep -oE '[0-9]+' | head -1 || true)"
    total="$(grep -E 'Number of operations in the model' "$log" | grep -oE '[0-9]+' | head -1 || true)"
    echo "  $name: ${mapped:-?}/${total:-?} operations on the Edge TPU -> $out/${name}_edgetpu.tflite"
  else
    echo "  $name: edgetpu_compiler failed (see $log)" >&2
    status=1
  fi
done
exit $status
