"""pycocotools' COCOeval on the benchmark files: prints the 12 statistics as JSON and the time taken."""
import contextlib
import io
import json
import sys
import time

import numpy as np

# cocoapi's master still uses np.float, an alias NumPy 1.24 (Debian bookworm's) removed; the published
# pycocotools 2.0.x wheels use float. The alias changes nothing else.
if not hasattr(np, "float"):
    np.float = float

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

gt_file, dt_file = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(gt_file)
    dt = gt.loadRes(dt_file)
    e = COCOeval(gt, dt, "bbox")
    e.evaluate()
    e.accumulate()
    e.summarize()
seconds = time.perf_counter() - t0
names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
print(json.dumps({"seconds": seconds, "stats": dict(zip(names, [float(v) for v in e.stats]))}))
