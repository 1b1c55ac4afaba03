"""torchvision side of the NMS benchmark, and the data both sides use.

python3 nms_torch.py generate DIR      writes DIR/<case>.boxes.f32, .scores.f32, .meta (n, threshold)
python3 nms_torch.py time DIR ITERS    times torchvision.ops.nms on each case; writes DIR/<case>.keep.i64
"""
import os, sys, time
import numpy as np
import torch
import torchvision

CASES = ("clustered", "sparse", "dense07", "allover")


def generate(out):
    g = torch.Generator().manual_seed(0)
    n = 10000

    def boxes(xy, wh):
        return torch.cat([xy, xy + wh], 1)

    # detector-like: boxes piled on 60 objects, scores rounded (ties); most suppressed
    c = torch.rand(60, 2, generator=g) * 800
    xy = c[torch.randint(0, 60, (n,), generator=g)] + torch.randn(n, 2, generator=g) * 8
    clustered = boxes(xy, 10 + torch.rand(n, 2, generator=g) * 40)
    # spread over a 4000 x 4000 survey tile: few overlaps, nearly all kept (the quadratic worst case)
    sparse = boxes(torch.rand(n, 2, generator=g) * 4000, 5 + torch.rand(n, 2, generator=g) * 30)
    # heavy overlap at torchvision's RPN threshold
    c = torch.rand(300, 2, generator=g) * 1000
    xy = c[torch.randint(0, 300, (n,), generator=g)] + torch.randn(n, 2, generator=g) * 15
    dense = boxes(xy, 20 + torch.rand(n, 2, generator=g) * 80)
    # worst case for a spatial index: every box overlaps nearly every other, and at 0.95 nearly all are kept
    xy = torch.rand(n, 2, generator=g) * 4000
    size = 3000 + torch.rand(n, 1, generator=g) * 1000
    allover = boxes(xy, torch.cat([size, size * (0.5 + torch.rand(n, 1, generator=g))], 1))
    for name, b, thr in (("clustered", clustered, 0.5), ("sparse", sparse, 0.5), ("dense07", dense, 0.7),
                         ("allover", allover, 0.95)):
        s = (torch.rand(n, generator=g) * 100).round() / 100
        b.numpy().astype("<f4").tofile(os.path.join(out, name + ".boxes.f32"))
        s.numpy().astype("<f4").tofile(os.path.join(out, name + ".scores.f32"))
        with open(os.path.join(out, name + ".meta"), "w") as f:
            f.write("%d %r\n" % (n, thr))


def load(out, name):
    n, thr = open(os.path.join(out, name + ".meta")).read().split()
    b = torch.from_numpy(np.fromfile(os.path.join(out, name + ".boxes.f32"), dtype="<f4").reshape(int(n), 4))
    s = torch.from_numpy(np.fromfile(os.path.join(out, name + ".scores.f32"), dtype="<f4"))
    return b, s, float(thr)


def time_cases(out, iters):
    torch.set_num_threads(int(os.environ.get("THREADS", "1")))
    for name in CASES:
        b, s, thr = load(out, name)
        for _ in range(3):
            keep = torchvision.ops.nms(b, s, thr)
        ts = []
        for _ in range(iters):
            t0 = time.perf_counter()
            keep = torchvision.ops.nms(b, s, thr)
            ts.append((time.perf_counter() - t0) * 1e3)
        keep.numpy().astype("<i8").tofile(os.path.join(out, name + ".keep.i64"))
        print("torchvision %-9s n=%d kept=%d median %.3f ms best %.3f ms" % (name, len(s), len(keep),
                                                                            np.median(ts), min(ts)))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    else:
        time_cases(sys.argv[2], int(sys.argv[3]))
