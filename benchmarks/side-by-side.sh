#!/usr/bin/env bash
# Lumen vs PyTorch, side by side on this machine: resnet18 inference (224x224, batch 8) and one AdamW training
# step (224x224, batch 16), same thread count on both sides. Runs are interleaved (Lumen, PyTorch, Lumen,
# PyTorch, ...) so that load from other processes hits both sides alike. See benchmarks/README.md.
#
#   benchmarks/side-by-side.sh                 # 3 rounds of each
#   ROUNDS=5 THREADS=2 benchmarks/side-by-side.sh
#   MODES=infer benchmarks/side-by-side.sh     # only one of infer, train
#   MODES="gradcam fwdbwd" benchmarks/side-by-side.sh   # Grad-CAM (batch 16) and its yardstick
#   MODES=fasterrcnn benchmarks/side-by-side.sh       # Faster R-CNN resnet50-fpn at 800 px, one image
#
# Before any timing, each mode's weights and input are written once by torch_side.py --export and Lumen's outputs
# on them are checked against PyTorch's (SideBySide --check: logits, loss, gradients and raw Grad-CAM maps 1e-4
# relative, detections 95% matched both ways); both sides are then timed on those same weights and input. If the
# check fails, the script prints an error line and reports no time (exit 1). MISMATCH=1 perturbs the weights file
# after PyTorch's reference was computed, to see the check refuse.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
MODES="${MODES:-infer train}"
PYTHON="${PYTHON:-/usr/bin/python3}"
OUT="${OUT:-$HERE/results}"

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building benchmarks module..." >&2
  (cd "$ROOT" && mvn -B -q -o -DskipTests -pl benchmarks -am package)
fi
"$PYTHON" -c 'import torch, torchvision' 2>/dev/null || {
  echo "error: $PYTHON has no torch/torchvision (Debian: apt-get install python3-torch python3-torchvision)" >&2; exit 2; }

mkdir -p "$OUT"
# the JVM as the lumen launcher runs it: its direct-memory cap and its malloc settings (see ../lumen); TORCH_MALLOC=1
# gives the PyTorch side the same malloc settings, to see how much of a difference is the allocator's
MALLOC=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=268435456)
JAVA=(env "${MALLOC[@]}" java -XX:+UseParallelGC -XX:MaxDirectMemorySize=1g -Dai.djl.offline=true
      -cp "$HERE/target/lumen-benchmarks.jar:$HERE/target/lib/*" org.lumen.benchmarks.SideBySide)
TORCH=("$PYTHON")
if [ -n "${TORCH_MALLOC:-}" ]; then TORCH=(env "${MALLOC[@]}" "$PYTHON"); fi
for mode in $MODES; do
  same="$OUT/same/$mode"
  echo "$mode: checking that Lumen and PyTorch agree on the same weights and input" >&2
  "$PYTHON" "$HERE/torch_side.py" "$mode" --threads "$THREADS" --export "$same" ${MISMATCH:+--perturb}
  if ! verdict="$("${JAVA[@]}" "$mode" --threads "$THREADS" --check "$same")"; then
    echo "error: $mode: Lumen's outputs differ from PyTorch's on the same weights ($verdict); no time reported" >&2
    rm -f "$OUT/$mode.jsonl"
    exit 1
  fi
  echo "$mode: agree: $verdict" >&2
  same_args=(--weights "$same/weights.safetensors" --input "$same/input.f32")
  : >"$OUT/$mode.jsonl"
  for r in $(seq 1 "$ROUNDS"); do
    echo "$mode: round $r/$ROUNDS (lumen, pytorch)" >&2
    "${JAVA[@]}" "$mode" --threads "$THREADS" "${same_args[@]}" >>"$OUT/$mode.jsonl"
    "${TORCH[@]}" "$HERE/torch_side.py" "$mode" --threads "$THREADS" "${same_args[@]}" >>"$OUT/$mode.jsonl"
  done
done
"$PYTHON" "$HERE/summarize.py" "$OUT" $MODES
