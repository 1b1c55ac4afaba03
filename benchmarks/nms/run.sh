#!/usr/bin/env bash
# NMS on 10,000 boxes: Lumen's Nms.nms (Java) side by side with torchvision.ops.nms (CPU), same boxes.
# Usage: benchmarks/nms/run.sh   (env: PYTHON, ITERS, ROUNDS, SKIP_BUILD, OUT)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-/usr/bin/python3}
ITERS=${ITERS:-30}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-benchmarks/nms/data}
# Nms.java names DJL's NDArray in its NDArray overloads, so javac needs the DJL api jar
DJL_API=${DJL_API:-$HOME/.m2/repository/ai/djl/api/0.36.0/api-0.36.0.jar}
mkdir -p "$OUT"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -o compile -pl lumen-core,lumen-nn
fi
"$PYTHON" benchmarks/nms/nms_torch.py generate "$OUT"
for ((r = 1; r <= ROUNDS; r++)); do
  echo "round $r"
  THREADS=1 "$PYTHON" benchmarks/nms/nms_torch.py time "$OUT" "$ITERS"
  java -cp "lumen-nn/target/classes:$DJL_API" benchmarks/nms/NmsBench.java "$OUT" "$ITERS"
done
