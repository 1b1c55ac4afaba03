"""PyTorch's half of benchmarks/side-by-side.sh; SideBySide.java is Lumen's half (same arguments, same JSON keys).

infer: model(x) under torch.no_grad() in eval mode, x already a torch tensor.
train: zero_grad, forward in train mode, cross-entropy, backward, AdamW step (weight decay 0.05, lr 1e-3).
gradcam: Grad-CAM written the way pytorch-grad-cam runs it (not installed here): a forward hook on the layer
  keeps its activation and a tensor hook its gradient, the model's parameters keep requires_grad, the top
  class's logits are summed and back-propagated, weights = mean gradient per channel, ReLU of the weighted
  sum, per-image min-max scaling, bilinear resize to the input (pytorch-grad-cam uses cv2.resize).
fwdbwd: an eval-mode forward and the backward of one logit per image down to the input, parameters frozen.
Prints one JSON line: every timed iteration in ms, their median, and the median per image.
"""
import argparse
import json
import statistics
import time

import torch
import torchvision


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["infer", "train", "gradcam", "fwdbwd", "fasterrcnn"])
    p.add_argument("--layer", default="layer4")
    p.add_argument("--arch", default="resnet18")
    p.add_argument("--imgsz", type=int, default=224)
    p.add_argument("--batch", type=int)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--iters", type=int)
    a = p.parse_args()
    batch = a.batch or (8 if a.mode == "infer" else 16)
    iters = a.iters or (10 if a.mode == "train" else 15)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.mode == "fasterrcnn":
        return faster_rcnn(a)
    model = getattr(torchvision.models, a.arch)(num_classes=1000)
    x = torch.randn(batch, 3, a.imgsz, a.imgsz)
    y = torch.randint(0, 1000, (batch,))
    ms = []
    if a.mode == "infer":
        model.eval()
        with torch.no_grad():
            for i in range(a.warmup + iters):
                t0 = time.perf_counter()
                model(x)
                if i >= a.warmup:
                    ms.append((time.perf_counter() - t0) * 1e3)
    elif a.mode == "gradcam":
        model.eval()
        layer = dict(model.named_modules())[a.layer]
        saved = {}

        def keep(module, inputs, output):
            saved["act"] = output
            output.register_hook(lambda g: saved.__setitem__("grad", g))

        layer.register_forward_hook(keep)
        for i in range(a.warmup + iters):
            t0 = time.perf_counter()
            out = model(x)
            target = out.argmax(1)
            model.zero_grad()
            out.gather(1, target[:, None]).sum().backward()
            act, grad = saved["act"].detach(), saved["grad"]
            cam = torch.relu((grad.mean((2, 3), keepdim=True) * act).sum(1))
            flat = cam.flatten(1)
            lo, hi = flat.min(1, keepdim=True)[0], flat.max(1, keepdim=True)[0]
            cam = ((flat - lo) / (hi - lo + 1e-7)).view_as(cam)
            heat = torch.nn.functional.interpolate(cam[:, None], size=(a.imgsz, a.imgsz), mode="bilinear",
                                                   align_corners=False)
            heat.numpy()
            if i >= a.warmup:
                ms.append((time.perf_counter() - t0) * 1e3)
    elif a.mode == "fwdbwd":
        model.eval()
        for q in model.parameters():
            q.requires_grad_(False)
        for i in range(a.warmup + iters):
            t0 = time.perf_counter()
            xi = x.clone().requires_grad_(True)
            model(xi).gather(1, y[:, None]).sum().backward()
            xi.grad.numpy()
            if i >= a.warmup:
                ms.append((time.perf_counter() - t0) * 1e3)
    else:
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
        for i in range(a.warmup + iters):
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            loss.item()
            if i >= a.warmup:
                ms.append((time.perf_counter() - t0) * 1e3)
    median = statistics.median(ms)
    print(json.dumps({"side": "pytorch", "mode": a.mode, "arch": a.arch, "imgsz": a.imgsz, "batch": batch,
                      "intra_op_threads": torch.get_num_threads(),
                      "inter_op_threads": torch.get_num_interop_threads(),
                      "median_ms": round(median, 3), "ms_per_image": round(median / batch, 3),
                      "times_ms": [round(t, 2) for t in ms],
                      "runtime": "PyTorch %s, torchvision %s" % (torch.__version__, torchvision.__version__)}))


def faster_rcnn(a):
    """torchvision's fasterrcnn_resnet50_fpn, 91 classes, random weights, one 3x800x1067 image, eval."""
    torch.manual_seed(0)
    model = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None).eval()
    x = torch.rand(3, 800, 1067)
    iters = a.iters or 5
    ms = []
    warmup = 2 if a.warmup == 3 else a.warmup
    with torch.no_grad():
        for i in range(warmup + iters):
            t0 = time.perf_counter()
            model([x])
            if i >= warmup:
                ms.append((time.perf_counter() - t0) * 1e3)
    median = statistics.median(ms)
    print(json.dumps({"side": "pytorch", "mode": "fasterrcnn", "arch": "fasterrcnn_resnet50_fpn", "imgsz": 800,
                      "batch": 1, "intra_op_threads": torch.get_num_threads(),
                      "inter_op_threads": torch.get_num_interop_threads(), "median_ms": round(median, 3),
                      "ms_per_image": round(median, 3), "times_ms": [round(t, 2) for t in ms],
                      "runtime": "PyTorch %s, torchvision %s" % (torch.__version__, torchvision.__version__)}))


if __name__ == "__main__":
    main()
