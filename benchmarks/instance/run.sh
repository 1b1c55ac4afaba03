#!/usr/bin/env bash
# YOLOv8-seg vs Mask R-CNN on the same data, as the orchard paper compares them: one synthetic survey, a
# yolov8n-seg trained from scratch and a maskrcnn_resnet18_fpn trained from a resnet18 classifier of the same
# survey (the paper's transfer learning, with the survey standing in for ImageNet), then `lumen compare` on the
# test split: precision and recall at conf 0.5, box and mask mAP, parameters, ms per image. See benchmarks/README.md.
#
#   COUNT=400 SIZE=128 YOLO_EPOCHS=30 RCNN_EPOCHS=6 WORK=/tmp/inst benchmarks/instance/run.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$(dirname "$HERE")")"
COUNT="${COUNT:-400}"
SIZE="${SIZE:-128}"
YOLO_EPOCHS="${YOLO_EPOCHS:-30}"
RCNN_EPOCHS="${RCNN_EPOCHS:-6}"
SEED="${SEED:-0}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
L="$ROOT/lumen"

[ -d "$WORK/survey" ] || "$L" synth galaxies --out "$WORK/survey" --count "$COUNT" --size "$SIZE" --seed "$SEED"
[ -f "$WORK/classifier/best/weights.safetensors" ] || "$L" train --task classify --data "$WORK/survey/classify" \
  --arch resnet18 --imgsz 64 --epochs 4 --seed "$SEED" --out "$WORK/classifier"
[ -f "$WORK/yoloseg/best/weights.safetensors" ] || "$L" train --task detect --data "$WORK/survey/segment" \
  --arch yolov8n-seg --imgsz "$SIZE" --epochs "$YOLO_EPOCHS" --batch 16 --seed "$SEED" --out "$WORK/yoloseg"
[ -f "$WORK/maskrcnn/best/weights.safetensors" ] || "$L" train --task detect --data "$WORK/survey/segment" \
  --arch maskrcnn_resnet18_fpn --weights "$WORK/classifier/best/weights.safetensors" --imgsz "$SIZE" --lr 1e-4 \
  --batch 8 --epochs "$RCNN_EPOCHS" --seed "$SEED" --out "$WORK/maskrcnn"
rm -rf "$WORK/compare"
"$L" compare --data "$WORK/survey/segment" --split test --conf 0.5 --iou 0.5 --batch 1 --out "$WORK/compare" \
  "$WORK/yoloseg/best" "$WORK/maskrcnn/best"
