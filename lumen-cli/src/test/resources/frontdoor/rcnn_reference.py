# Front-door reference for torchvision's R-CNNs: fasterrcnn/maskrcnn_resnet50_fpn (torchvision 0.14, 91 classes) with
# realistic weights (backbone batch norms calibrated by train-mode passes over the photographs through the model's own
# transform; class and mask logits scaled so that scores and masks are decided, as a trained model's are), saved as
# safetensors, and their detections on the photographs at torchvision's min_size 800 / max_size 1333.
# usage: rcnn_reference.py OUT ARCH...   writes OUT/images/ (astronaut.png and chelsea.png as scikit-image ships them,
# and astronaut's top 480 rows: 480 -> 800 is a scale where float32 arithmetic decides the resized size),
# OUT/<arch>.safetensors and OUT/<arch>.json:
#   {"<image file name>": [{"box": [x1, y1, x2, y2], "score": s, "label": l (0-based)}]}
# and for Mask R-CNN OUT/<arch>.<image file name>.masks.npy, uint8 [N, H, W]: each detection's mask > 0.5
import json, os, sys
import numpy as np
import torch, torchvision
from skimage import io

def image(path):
    a = io.imread(path)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    return torch.from_numpy(a[..., :3].astype(np.float32) / 255.0).permute(2, 0, 1).contiguous()

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
    out, archs = sys.argv[1], sys.argv[2:]
    import skimage
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    paths = []
    for name in ["astronaut.png", "chelsea.png"]:
        paths.append(os.path.join(out, "images", name))
        io.imsave(paths[-1], io.imread(os.path.join(data, name)), check_contrast=False)
    paths.append(os.path.join(out, "images", "astronaut_480.png"))
    io.imsave(paths[-1], io.imread(os.path.join(data, "astronaut.png"))[:480], check_contrast=False)
    for arch in archs:
        run(out, arch, paths)

def run(out, arch, paths):
    torch.manual_seed(0)
    # weights=None, weights_backbone=None: plain BatchNorm2d everywhere, as a detector trained from scratch has
    m = getattr(torchvision.models.detection, arch)(weights=None, weights_backbone=None, num_classes=91)
    images = [image(p) for p in paths]
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        bns = [x for x in m.backbone.body.modules() if isinstance(x, torch.nn.BatchNorm2d)]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None
            bn.weight.copy_(torch.rand(bn.weight.shape, generator=g) + 0.5)
            bn.bias.copy_(torch.rand(bn.bias.shape, generator=g) * 0.2 - 0.1)
        m.eval()
        batch = m.transform(images)[0].tensors
        m.backbone.body.train()
        m.backbone.body(batch)
        m.backbone.body(batch.flip(-1))
        m.eval()
        # a trained RPN's objectness logits are a few units; random ones over calibrated features reach ~70, where
        # sigmoid is 1.0 in float32 and the proposals' order among the ties is arbitrary on either side
        m.rpn.head.cls_logits.weight.mul_(0.01)
        m.rpn.head.bbox_pred.weight.mul_(0.001)  # proposals near their anchors, not slivers
        m.roi_heads.box_predictor.bbox_pred.weight.mul_(0.1)
        m.roi_heads.box_predictor.cls_score.weight.mul_(float(os.environ.get("CLS_SCALE", "4")))
        if hasattr(m.roi_heads, "mask_predictor") and m.roi_heads.mask_predictor is not None:
            m.roi_heads.mask_predictor.mask_fcn_logits.weight.mul_(float(os.environ.get("MASK_SCALE", "40")))
        # one image per pass, as `lumen predict` runs an R-CNN: in a batch, torchvision pads each image to the
        # largest one, which changes the features near its border
        results = [m([im])[0] for im in images]
    state = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
    save_safetensors(os.path.join(out, arch + ".safetensors"), state)
    dets = {}
    for p, r in zip(paths, results):
        rows = []
        for i in range(len(r["boxes"])):
            d = {"box": r["boxes"][i].tolist(), "score": float(r["scores"][i]), "label": int(r["labels"][i]) - 1}
            rows.append(d)
        if "masks" in r:
            np.save(os.path.join(out, "%s.%s.masks.npy" % (arch, os.path.basename(p))),
                    (r["masks"][:, 0] > 0.5).numpy().astype(np.uint8))
        dets[os.path.basename(p)] = rows
        print(arch, os.path.basename(p), len(rows), "detections, scores", [round(d["score"], 3) for d in rows[:5]], flush=True)
    with open(os.path.join(out, arch + ".json"), "w") as f:
        json.dump(dets, f)

if __name__ == "__main__":
    main()
