# Front-door reference for classification: torchvision 0.14 models with realistic weights (batch-norm statistics
# calibrated by train-mode passes over real photographs, affine terms and layer scales of order one), saved as
# safetensors, and their logits on scikit-image's photographs preprocessed as `lumen predict` documents it:
# decode to [0, 1], grey replicated to RGB, antialiased bilinear resize to imgsz x imgsz, ImageNet normalisation.
# usage: classify_reference.py OUT IMGSZ ARCH...
# writes OUT/images/<photo>.png (the photographs cut to IMGSZ x IMGSZ, so that Lumen and PyTorch start from the
# same pixels: the resize has a parity test of its own), OUT/<arch>.safetensors and OUT/<arch>.logits.npy (a row per
# image, in the sorted order of the file names), and OUT/resized.<arch>.logits.npy for chelsea.png at its own size
# (300 x 451) resized as Lumen documents it
import os, sys
import numpy as np
import torch, torchvision
import torch.nn.functional as F
from skimage import io

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

def load(path, size):
    a = io.imread(path)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    a = a[..., :3]
    x = torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return (x - MEAN) / STD

PHOTOS = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "ihc.png", "motorcycle_left.png",
          "motorcycle_right.png"]

def photographs(folder, size):
    """scikit-image's photographs, each shrunk by an integer factor until its short side is at most twice `size`
    (block means) and cut to size x size at its centre; grey ones stay grey."""
    import skimage
    os.makedirs(folder, exist_ok=True)
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    paths = []
    for name in PHOTOS:
        a = io.imread(os.path.join(data, name))
        a = a[..., :3] if a.ndim == 3 else a
        k = max(1, min(a.shape[:2]) // (2 * size))
        if k > 1:
            h, w = a.shape[0] // k * k, a.shape[1] // k * k
            a = a[:h, :w].reshape(h // k, k, w // k, k, *a.shape[2:]).mean(axis=(1, 3)).round().astype(np.uint8)
        top, left = (a.shape[0] - size) // 2, (a.shape[1] - size) // 2
        a = np.ascontiguousarray(a[top:top + size, left:left + size])
        path = os.path.join(folder, name)
        io.imsave(path, a, check_contrast=False)
        paths.append(path)
    return sorted(paths)

def calibrate(model, images, seed):
    """Running statistics from the photographs themselves (cumulative average over a few train-mode passes of
    random crops and flips), affine terms of order one: what a trained network's norms look like, so a wrong
    norm or a wrong fold changes the logits."""
    g = torch.Generator().manual_seed(seed)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in bns:
            m.reset_running_stats()
            m.momentum = None
            m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
        for m in model.modules():
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
        for name, p in model.named_parameters():
            if name.endswith("layer_scale"):
                p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.5)
        if bns:
            model.train()
            for _ in range(2):
                batch = images.clone()
                flip = torch.rand(len(batch), generator=g) < 0.5
                batch[flip] = batch[flip].flip(-1)
                model(batch)
    model.eval()

def save_safetensors(path, tensors):
    import json, struct
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.int64:
            code, b = "I64", t.numpy().astype("<i8").tobytes()
        else:
            code, b = "F32", t.float().numpy().astype("<f4").tobytes()
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

if __name__ == "__main__":
    torch.set_num_threads(2)
    out, size, archs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    paths = photographs(os.path.join(out, "images"), size)
    x = torch.cat([load(p, size) for p in paths])
    import skimage
    chelsea = load(os.path.join(os.path.dirname(skimage.__file__), "data", "chelsea.png"), size)
    for i, arch in enumerate(archs):
        torch.manual_seed(i + 1)
        m = getattr(torchvision.models, arch)()
        calibrate(m, x, i + 1)
        with torch.no_grad():
            logits = m(x)
            resized = m(chelsea)
        # what `torch.save(model.state_dict())` would hold, minus batch counters Lumen's classifiers do not keep
        state = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
        save_safetensors(os.path.join(out, arch + ".safetensors"), state)
        np.save(os.path.join(out, arch + ".logits.npy"), logits.numpy().astype(np.float32))
        np.save(os.path.join(out, "resized." + arch + ".logits.npy"), resized.numpy().astype(np.float32))
        print(arch, float(logits.abs().max()), float(logits.std()), flush=True)
