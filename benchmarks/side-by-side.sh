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
  : >"$OUT/$mode.jsonl"
  for r in $(seq 1 "$ROUNDS"); do
    echo "$mode: round $r/$ROUNDS (lumen, pytorch)" >&2
    "${JAVA[@]}" "$mode" --threads "$THREADS" >>"$OUT/$mode.jsonl"
    "${TORCH[@]}" "$HERE/torch_side.py" "$mode" --threads "$THREADS" >>"$OUT/$mode.jsonl"
  done
done
"$PYTHON" "$HERE/summarize.py" "$OUT" $MODES
