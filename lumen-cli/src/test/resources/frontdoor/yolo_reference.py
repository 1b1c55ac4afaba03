# Front-door reference for YOLOv8n (80 classes) as `lumen predict --arch yolov8n --imgsz 640` runs it. Ultralytics
# is not installed here, so the network is re-typed in plain torch under Ultralytics' module names (its state_dict()
# keys are a yolov8n.pt's): Conv, Bottleneck, C2f, SPPF, DFL, Detect, the yaml's 23 layers at depth 0.33, width 0.25.
# Weights made realistic: every batch norm calibrated by train-mode passes over the photographs; the class convs'
# weights halved and biases set to -1.5, so that hundreds of anchors pass 0.25 on astronaut and coffee (one on chelsea)
# with scores spread over (0.25, 0.97), none saturated and no two equal (equal scores make NMS's order arbitrary).
# Input as Lumen documents it: decoded to [0, 1], antialiased bilinear resize to 640 x 640 (no letterbox).
# Post-processing as Ultralytics' non_max_suppression (best class per anchor, conf > 0.25, class-wise NMS at IoU 0.7,
# at most 300) with torchvision's batched_nms; boxes scaled back to the image's pixels and clipped.
# With "seg", YOLOv8n-seg: the same network whose head is Ultralytics' Segment (Detect plus cv4, 32 mask coefficients
# per anchor, and Proto, 64 channels for n); the coefficient convs' weights scaled by 8 so that masks are decided.
# Each kept detection's mask as Lumen documents it (Ultralytics' process_mask, non-retina): sigmoid(coef . proto) at
# prototype resolution (160 x 160), zeroed outside the box (640-px box scaled to the prototypes, crop_mask's
# half-open test), bilinearly resized (align_corners=False) to the image's own size, cut at > 0.5.
# usage: yolo_reference.py OUT [seg]   writes OUT/images/*.png, OUT/<arch>.safetensors and OUT/<arch>.json:
#   {"<image file name>": [{"box": [x1, y1, x2, y2], "score": s, "label": l}]}; with seg also
#   OUT/yolov8n-seg.<image file name>.masks.npy, uint8 [N, H, W] in the JSON's order
import json, math, os, sys
import numpy as np
import torch, torchvision
import torch.nn as nn
import torch.nn.functional as F
from skimage import io

class Conv(nn.Module):
    def __init__(s, c1, c2, k=1, st=1):
        super().__init__()
        s.conv = nn.Conv2d(c1, c2, k, st, k // 2, bias=False)
        s.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
    def forward(s, x):
        return F.silu(s.bn(s.conv(x)))

class Bottleneck(nn.Module):
    def __init__(s, c1, c2, sc):
        super().__init__()
        s.cv1, s.cv2, s.add = Conv(c1, c2, 3), Conv(c2, c2, 3), sc and c1 == c2
    def forward(s, x):
        y = s.cv2(s.cv1(x))
        return x + y if s.add else y

class C2f(nn.Module):
    def __init__(s, c1, c2, n, sc):
        super().__init__()
        s.c = int(c2 * 0.5)
        s.cv1 = Conv(c1, 2 * s.c)
        s.cv2 = Conv((2 + n) * s.c, c2)
        s.m = nn.ModuleList(Bottleneck(s.c, s.c, sc) for _ in range(n))
    def forward(s, x):
        y = list(s.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in s.m)
        return s.cv2(torch.cat(y, 1))

class SPPF(nn.Module):
    def __init__(s, c1, c2, k=5):
        super().__init__()
        s.cv1, s.cv2, s.m = Conv(c1, c1 // 2), Conv(c1 // 2 * 4, c2), nn.MaxPool2d(k, 1, k // 2)
    def forward(s, x):
        y = [s.cv1(x)]
        y.extend(s.m(y[-1]) for _ in range(3))
        return s.cv2(torch.cat(y, 1))

class DFL(nn.Module):
    def __init__(s, c1=16):
        super().__init__()
        s.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        s.conv.weight.data[:] = torch.arange(c1, dtype=torch.float).view(1, c1, 1, 1)
        s.c1 = c1
    def forward(s, x):
        b, _, a = x.shape
        return s.conv(x.view(b, 4, s.c1, a).transpose(2, 1).softmax(1)).view(b, 4, a)

class Detect(nn.Module):
    def __init__(s, nc, ch):
        super().__init__()
        s.nc, s.no = nc, nc + 64
        c2, c3 = max(16, ch[0] // 4, 64), max(ch[0], min(nc, 100))
        s.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 64, 1)) for x in ch)
        s.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        s.dfl = DFL(16)
    def forward(s, xs):
        return [torch.cat((s.cv2[i](x), s.cv3[i](x)), 1) for i, x in enumerate(xs)]

class Proto(nn.Module):
    def __init__(s, c1, c_, nm):
        super().__init__()
        s.cv1 = Conv(c1, c_, 3)
        s.upsample = nn.ConvTranspose2d(c_, c_, 2, 2, 0, bias=True)
        s.cv2, s.cv3 = Conv(c_, c_, 3), Conv(c_, nm)
    def forward(s, x):
        return s.cv3(s.cv2(s.upsample(s.cv1(x))))

class Segment(Detect):
    def __init__(s, nc, ch, nm=32, npr=64):
        super().__init__(nc, ch)
        s.nm = nm
        s.proto = Proto(ch[0], npr, nm)
        c4 = max(ch[0] // 4, nm)
        s.cv4 = nn.ModuleList(nn.Sequential(Conv(x, c4, 3), Conv(c4, c4, 3), nn.Conv2d(c4, nm, 1)) for x in ch)
    def forward(s, xs):
        n = xs[0].shape[0]
        mc = torch.cat([s.cv4[i](x).view(n, s.nm, -1) for i, x in enumerate(xs)], 2)
        return super().forward(xs), mc, s.proto(xs[0])

class Up(nn.Module):
    def forward(s, x):
        return F.interpolate(x, scale_factor=2, mode="nearest")

class Cat(nn.Module):
    pass

def ch(c, width=0.25):
    return int(math.ceil(min(c, 1024) * width / 8) * 8)

def rep(n, depth=0.33):
    return max(round(n * depth), 1) if n > 1 else n

class Model(nn.Module):
    def __init__(s, nc, seg=False):
        super().__init__()
        c64, c128, c256, c512, c1024 = ch(64), ch(128), ch(256), ch(512), ch(1024)
        n3, n6 = rep(3), rep(6)
        s.model = nn.Sequential(Conv(3, c64, 3, 2), Conv(c64, c128, 3, 2), C2f(c128, c128, n3, True),
            Conv(c128, c256, 3, 2), C2f(c256, c256, n6, True), Conv(c256, c512, 3, 2),
            C2f(c512, c512, n6, True), Conv(c512, c1024, 3, 2), C2f(c1024, c1024, n3, True),
            SPPF(c1024, c1024, 5), Up(), Cat(), C2f(c1024 + c512, c512, n3, False), Up(), Cat(),
            C2f(c512 + c256, c256, n3, False), Conv(c256, c256, 3, 2), Cat(),
            C2f(c256 + c512, c512, n3, False), Conv(c512, c512, 3, 2), Cat(),
            C2f(c512 + c1024, c1024, n3, False),
            (Segment(nc, [c256, c512, c1024], 32, ch(256)) if seg else Detect(nc, [c256, c512, c1024])))
    def forward(s, x):
        m = s.model
        p2 = m[2](m[1](m[0](x))); p3 = m[4](m[3](p2)); p4 = m[6](m[5](p3)); p5 = m[9](m[8](m[7](p4)))
        n12 = m[12](torch.cat((m[10](p5), p4), 1)); n15 = m[15](torch.cat((m[13](n12), p3), 1))
        n18 = m[18](torch.cat((m[16](n15), n12), 1)); n21 = m[21](torch.cat((m[19](n18), p5), 1))
        return m[22]([n15, n18, n21])

def decode(model, feats, nc):
    n = feats[0].shape[0]
    raw = torch.cat([f.view(n, nc + 64, -1) for f in feats], 2)
    pts, sts = [], []
    for f, s in zip(feats, (8, 16, 32)):
        h, w = f.shape[2:]
        sy, sx = torch.meshgrid(torch.arange(h) + 0.5, torch.arange(w) + 0.5, indexing="ij")
        pts.append(torch.stack((sx, sy), -1).view(-1, 2).float())
        sts.append(torch.full((h * w, 1), float(s)))
    anc, st = torch.cat(pts), torch.cat(sts)
    box, cls = raw.split((64, nc), 1)
    lt, rb = model.model[22].dfl(box).transpose(1, 2).chunk(2, -1)
    xyxy = torch.cat((anc - lt, anc + rb), -1) * st
    return xyxy, cls.sigmoid().transpose(1, 2)

def postprocess(xyxy, scores, conf=0.25, iou=0.7, max_det=300):
    best, label = scores.max(1)
    keep = best > conf
    b, s, c = xyxy[keep], best[keep], label[keep]
    order = torchvision.ops.batched_nms(b, s, c, iou)[:max_det]
    return b[order], s[order], c[order], keep.nonzero()[:, 0][order]

def masks(coef, proto, boxes, h, w, size=640):
    nm, ph, pw = proto.shape
    p = (coef @ proto.view(nm, -1)).sigmoid().view(-1, ph, pw)
    x1, y1, x2, y2 = torch.chunk((boxes * torch.tensor([pw / size, ph / size, pw / size, ph / size]))[:, :, None], 4, 1)
    r = torch.arange(pw, dtype=x1.dtype)[None, None, :]
    c = torch.arange(ph, dtype=x1.dtype)[None, :, None]
    p = p * ((r >= x1) * (r < x2) * (c >= y1) * (c < y2))
    if len(p) == 0:
        return np.zeros((0, h, w), np.uint8), 0
    up = F.interpolate(p[None], size=(h, w), mode="bilinear", align_corners=False)[0]
    return (up > 0.5).numpy().astype(np.uint8), int(((up - 0.5).abs() < 1e-3).sum())

def save_safetensors(path, tensors):
    import struct
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code, b = ("I64", t.numpy().astype("<i8").tobytes()) if t.dtype == torch.int64 \
            else ("F32", t.float().numpy().astype("<f4").tobytes())
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)

def main():
    torch.set_num_threads(2)
    out = sys.argv[1]
    import skimage
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    names = ["astronaut.png", "chelsea.png", "coffee.png"]
    images = []
    for name in names:
        a = io.imread(os.path.join(data, name))[..., :3]
        io.imsave(os.path.join(out, "images", name), a, check_contrast=False)
        t = torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1)[None]
        images.append((name, t.shape[2], t.shape[3],
                       F.interpolate(t, size=(640, 640), mode="bilinear", align_corners=False, antialias=True)))
    seg = len(sys.argv) > 2 and sys.argv[2] == "seg"
    arch = "yolov8n-seg" if seg else "yolov8n"
    torch.manual_seed(0)
    nc = 80
    m = Model(nc, seg)
    batch = torch.cat([x for _, _, _, x in images])
    with torch.no_grad():
        for bn in m.modules():
            if isinstance(bn, nn.BatchNorm2d):
                bn.momentum = None
                bn.reset_running_stats()
        m.train()
        m(batch)
        m(batch.flip(-1))
        m.eval()
        det = m.model[22]
        for i in range(3):
            det.cv3[i][2].weight.mul_(float(os.environ.get("CLS_SCALE", "0.5")))
            det.cv3[i][2].bias.fill_(float(os.environ.get("CLS_BIAS", "-1.5")))
            if seg:
                det.cv4[i][2].weight.mul_(float(os.environ.get("COEF_SCALE", "8")))
        result = {}
        for name, h, w, x in images:
            y = m(x)
            xyxy, scores = decode(m, y[0] if seg else y, nc)
            b, s, c, anchor = postprocess(xyxy[0], scores[0])
            if seg:
                mk, undecided = masks(y[1][0].t()[anchor], y[2][0], b, h, w)
                np.save(os.path.join(out, "%s.%s.masks.npy" % (arch, name)), mk)
                print(name, "mask pixels", int(mk.sum()), "of", mk.size, "undecided (|p - 0.5| < 1e-3)", undecided,
                      "median mask area", int(np.median(mk.reshape(len(mk), -1).sum(1))) if len(mk) else None)
            b = b * torch.tensor([w / 640, h / 640, w / 640, h / 640])
            b[:, 0::2] = b[:, 0::2].clamp(0, w)
            b[:, 1::2] = b[:, 1::2].clamp(0, h)
            result[name] = [{"box": b[i].tolist(), "score": float(s[i]), "label": int(c[i])} for i in range(len(s))]
            cand = int((scores[0].max(1).values > 0.25).sum())
            top = sorted(scores[0].max(1).values.tolist(), reverse=True)
            ties = sum(1 for i in range(1, min(len(top), cand)) if top[i] == top[i - 1])
            print(name, cand, "candidates,", len(s), "kept, scores", [round(v, 3) for v in s[:5].tolist()],
                  "min", round(float(s.min()), 3) if len(s) else None, "equal neighbours", ties, flush=True)
    state = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
    save_safetensors(os.path.join(out, arch + ".safetensors"), state)
    with open(os.path.join(out, arch + ".json"), "w") as f:
        json.dump(result, f)

if __name__ == "__main__":
    main()
