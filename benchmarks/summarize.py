"""Reads benchmarks/results/<mode>.jsonl (one JSON line per run, both sides), prints a table, writes summary.json.

Per side: the median of the runs' medians (the headline number) and the fastest single iteration of all runs
(the least disturbed by other load on a shared machine). Ratio = Lumen / PyTorch, so > 1 means Lumen is slower.
"""
import json
import os
import platform
import statistics
import sys


def main():
    out, modes = sys.argv[1], sys.argv[2:]
    summary = {"machine": "%s, %d cores" % (platform.processor() or platform.machine(), os.cpu_count()), "modes": {}}
    rows = []
    for mode in modes:
        runs = [json.loads(line) for line in open(os.path.join(out, mode + ".jsonl")) if line.strip()]
        sides = {}
        for side in ("lumen", "pytorch"):
            rs = [r for r in runs if r["side"] == side]
            batch = rs[0]["batch"]
            med = statistics.median(r["median_ms"] for r in rs)
            best = min(min(r["times_ms"]) for r in rs)
            sides[side] = {"runs": len(rs), "batch": batch, "median_ms": round(med, 2),
                           "median_ms_per_image": round(med / batch, 3), "best_ms": round(best, 2),
                           "threads": rs[0]["intra_op_threads"], "runtime": rs[0]["runtime"]}
        ratio = sides["lumen"]["median_ms"] / sides["pytorch"]["median_ms"]
        best_ratio = sides["lumen"]["best_ms"] / sides["pytorch"]["best_ms"]
        summary["modes"][mode] = dict(sides, ratio_median=round(ratio, 3), ratio_best=round(best_ratio, 3))
        what = {"infer": "ms/image", "train": "ms/step"}.get(mode, "ms/batch")
        for side in ("lumen", "pytorch"):
            s = sides[side]
            per = s["median_ms_per_image"] if mode == "infer" else s["median_ms"]
            best = s["best_ms"] / s["batch"] if mode == "infer" else s["best_ms"]
            rows.append((mode, side, "%.1f %s" % (per, what), "%.1f" % best, str(s["runs"])))
        rows.append((mode, "ratio", "%.3f" % ratio, "%.3f" % best_ratio, ""))
    m = summary["modes"]
    if "gradcam" in m and "fwdbwd" in m:
        for side in ("lumen", "pytorch"):
            r = m["gradcam"][side]["median_ms"] / m["fwdbwd"][side]["median_ms"]
            summary["gradcam_over_fwdbwd_" + side] = round(r, 3)
            rows.append(("gradcam/fwdbwd", side, "%.3f" % r, "", ""))
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    header = ("mode", "side", "median", "best", "runs")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


if __name__ == "__main__":
    main()
