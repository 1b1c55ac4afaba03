"""PyTorch's half of benchmarks/side-by-side.sh; SideBySide.java is Lumen's half (same arguments, same JSON keys).

infer: model(x) under torch.no_grad() in eval mode, x already a torch tensor.
train: zero_grad, forward in train mode, cross-entropy, backward, AdamW step (weight decay 0.05, lr 1e-3).
gradcam: Grad-CAM written the way pytorch-grad-cam runs it (not installed here): a forward hook on the layer
  keeps its activation and a tensor hook its gradient, the model's parameters keep requires_grad, the top
  class's logits are summed and back-propagated, weights = mean gradient per channel, ReLU of the weighted
  sum, per-image min-max scaling, bilinear resize to the input (pytorch-grad-cam uses cv2.resize).
fwdbwd: an eval-mode forward and the backward of one logit per image down to the input, parameters frozen.
Prints one JSON line: every timed iteration in ms, their median, and the median per image.

--weights FILE --input FILE: run on these weights (a safetensors state dict) and this input (raw float32, with
FILE.json beside it for the labels) instead of freshly seeded ones, so that both sides time the same network.
--export DIR: write them (DIR/weights.safetensors, DIR/input.f32, DIR/input.f32.json) and the mode's reference
outputs (DIR/reference.json) for SideBySide --check, then exit without timing. Classifier weights get batch-norm
statistics calibrated by two train-mode passes and affine terms of order one (mean 0 / var 1 would normalise
nothing); the Faster R-CNN's heads are scaled as a trained one's (see faster_rcnn) and it runs on a photograph. --perturb (with --export) scales fc.weight / the box predictor's class weights by 1.01 in the file
*after* the reference was computed: a deliberate mismatch, to see the check refuse.
"""
import argparse
import json
import os
import statistics
import struct
import time

import numpy as np

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
    p.add_argument("--weights")
    p.add_argument("--input")
    p.add_argument("--export")
    p.add_argument("--perturb", action="store_true")
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
    if a.export:
        calibrate(model, x)
        return export(a, model, x, y, classifier_reference(a, model, x, y), "fc.weight")
    if a.weights:
        model.load_state_dict(read_safetensors(a.weights))
        x, y = read_input(a.input, x.shape)
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
    """torchvision's fasterrcnn_resnet50_fpn, 91 classes, seeded weights made realistic (--export), one 3x800x1067
    image (scikit-image's astronaut resized), eval."""
    torch.manual_seed(0)
    model = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None).eval()
    x = photograph(800, 1067)
    if a.export:
        calibrate(model.backbone.body, model.transform([x])[0].tensors)
        with torch.no_grad():
            # as the front-door reference (lumen-cli's frontdoor/rcnn_reference.py): random objectness logits over
            # calibrated features reach ~70, where sigmoid is 1.0 in float32 and the order among the tied proposals
            # is arbitrary on either side; a trained model's are a few units, its proposals near their anchors and
            # its class scores decided
            model.rpn.head.cls_logits.weight.mul_(0.01)
            model.rpn.head.bbox_pred.weight.mul_(0.001)
            model.roi_heads.box_predictor.bbox_pred.weight.mul_(0.1)
            model.roi_heads.box_predictor.cls_score.weight.mul_(4)
            det = model([x])[0]
        ref = {"kind": "detections", "boxes": det["boxes"].flatten().tolist(), "labels": det["labels"].tolist(),
               "scores": det["scores"].tolist()}
        return export(a, model, x, torch.zeros(1, dtype=torch.long), ref, "roi_heads.box_predictor.cls_score.weight")
    if a.weights:
        model.load_state_dict(read_safetensors(a.weights), strict=False)  # our file has no num_batches_tracked
        x, _ = read_input(a.input, x.shape)
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


def photograph(h, w):
    """scikit-image's astronaut, [0, 1], bilinearly resized to h x w: a detector's features on noise are not a
    photograph's."""
    import skimage
    from skimage import io
    a = io.imread(os.path.join(os.path.dirname(skimage.__file__), "data", "astronaut.png"))[..., :3]
    t = torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1)[None]
    return torch.nn.functional.interpolate(t, size=(h, w), mode="bilinear", align_corners=False)[0].contiguous()


def calibrate(model, x):
    """Affine terms of order one and running statistics from two train-mode passes over x (seeded)."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        for m in bns:
            m.reset_running_stats()
            m.momentum = None  # cumulative average
            m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
        model.train()
        for _ in range(2):
            model(x)
    model.eval()


def classifier_reference(a, model, x, y):
    """What SideBySide --check compares, per mode: logits, the first training step's loss, Grad-CAM maps, or the
    input gradient."""
    if a.mode == "infer":
        with torch.no_grad():
            return {"kind": "values", "values": model(x).flatten().tolist()}
    if a.mode == "train":
        model.train()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        model.eval()
        return {"kind": "values", "values": [loss.item()]}
    if a.mode == "fwdbwd":
        for q in model.parameters():
            q.requires_grad_(False)
        xi = x.clone().requires_grad_(True)
        model(xi).gather(1, y[:, None]).sum().backward()
        for q in model.parameters():
            q.requires_grad_(True)
        return {"kind": "values", "values": xi.grad.flatten().tolist()}
    saved = {}
    layer = dict(model.named_modules())[a.layer]

    def keep(module, inputs, output):
        saved["act"] = output
        output.register_hook(lambda g: saved.__setitem__("grad", g))

    h = layer.register_forward_hook(keep)
    out = model(x)
    model.zero_grad()
    out.gather(1, out.argmax(1)[:, None]).sum().backward()
    h.remove()
    # the raw maps at the layer's resolution (after ReLU, before scaling and resizing): what is computed, apart
    # from the display convention (pytorch-grad-cam scales then resizes; Lumen's heatmap is scaled after resizing)
    cam = torch.relu((saved["grad"].mean((2, 3), keepdim=True) * saved["act"].detach()).sum(1))
    return {"kind": "values", "values": cam.flatten().tolist()}


def export(a, model, x, y, reference, perturbed):
    os.makedirs(a.export, exist_ok=True)
    state = {k: v.detach().clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    if a.perturb:
        state[perturbed] = state[perturbed] * 1.01
    write_safetensors(os.path.join(a.export, "weights.safetensors"), state)
    x.detach().numpy().astype("<f4").tofile(os.path.join(a.export, "input.f32"))
    with open(os.path.join(a.export, "input.f32.json"), "w") as f:
        json.dump({"shape": list(x.shape), "labels": y.tolist()}, f)
    reference.update(mode=a.mode, arch=a.arch, perturbed=a.perturb)
    with open(os.path.join(a.export, "reference.json"), "w") as f:
        json.dump(reference, f)


def write_safetensors(path, state):
    """The safetensors layout (8-byte little-endian header length, JSON header, raw little-endian data), float32."""
    header, blobs, offset = {}, [], 0
    for k, v in state.items():
        b = v.contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        lo, hi = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[lo:hi], dtype="<f4").copy()).reshape(v["shape"])
    return out


def read_input(path, shape):
    with open(path + ".json") as f:
        meta = json.load(f)
    x = torch.from_numpy(np.fromfile(path, dtype="<f4")).reshape(meta["shape"])
    if list(x.shape) != list(shape):
        raise SystemExit("error: %s: shape %s, this run needs %s" % (path, list(x.shape), list(shape)))
    return x, torch.tensor(meta["labels"], dtype=torch.long)


if __name__ == "__main__":
    main()
