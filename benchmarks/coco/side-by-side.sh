#!/usr/bin/env bash
# lumen coco-eval vs pycocotools on one synthetic 50,000-image file (bbox), on this machine: time and the
# largest difference between the 12 statistics. See benchmarks/README.md.
#
# pycocotools is not packaged by Debian; build it from a cocoapi checkout with Debian's Cython and NumPy:
#   apt-get install cython3 python3-numpy
#   cd cocoapi/PythonAPI && cython3 -3 pycocotools/_mask.pyx -o pycocotools/_mask.c \
#     && /usr/bin/python3 setup.py build_ext --inplace
# then run with PYCOCOTOOLS=/path/to/cocoapi/PythonAPI benchmarks/coco/side-by-side.sh
#
#   IMAGES=50000 ROUNDS=3 PYCOCOTOOLS=... benchmarks/coco/side-by-side.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$(dirname "$HERE")")"
IMAGES="${IMAGES:-50000}"
ROUNDS="${ROUNDS:-3}"
PYTHON="${PYTHON:-/usr/bin/python3}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"

PYTHONPATH="${PYCOCOTOOLS:-}${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -c 'import pycocotools.cocoeval' 2>/dev/null || {
  echo "error: pycocotools is not importable; set PYCOCOTOOLS to a built cocoapi/PythonAPI (see the top of this script)" >&2
  exit 2; }
[ -f "$WORK/gt.json" ] || "$PYTHON" "$HERE/make_files.py" "$IMAGES" "$WORK/gt.json" "$WORK/dt.json"
"$ROOT/lumen" help >/dev/null # builds on first use

for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS" >&2
  start=$(date +%s.%N)
  "$ROOT/lumen" coco-eval --gt "$WORK/gt.json" --dt "$WORK/dt.json" --json >"$WORK/lumen.json"
  end=$(date +%s.%N)
  echo "{\"side\": \"lumen\", \"seconds\": $(echo "$end - $start" | bc), \"stats\": $(cat "$WORK/lumen.json")}" >>"$WORK/runs.jsonl"
  PYTHONPATH="${PYCOCOTOOLS:-}${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$HERE/pycoco_side.py" "$WORK/gt.json" "$WORK/dt.json" \
    | sed 's/^{/{"side": "pycocotools", /' >>"$WORK/runs.jsonl"
done
"$PYTHON" - "$WORK/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
by = {s: [r for r in runs if r["side"] == s] for s in ("lumen", "pycocotools")}
med = {s: statistics.median(r["seconds"] for r in v) for s, v in by.items()}
diff = max(abs(by["lumen"][-1]["stats"][k] - by["pycocotools"][-1]["stats"][k]) for k in by["lumen"][-1]["stats"])
print("side         median s  runs")
for s in by:
    print("%-12s %8.2f  %d" % (s, med[s], len(by[s])))
print("speed-up (pycocotools / lumen): %.1fx" % (med["pycocotools"] / med["lumen"]))
print("largest difference between the 12 statistics: %.3g" % diff)
PY
