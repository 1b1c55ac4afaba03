# References for the CLI workflow tests: what torchvision 0.14 and scikit-learn say about the models and the
# predictions the workflow tests' commands wrote, computed independently of Lumen.
# usage:
#   workflow_reference.py classify ARCH WEIGHTS CLASSES IMGSZ OUT.npy IMAGE...
#       torchvision's ARCH with the saved weights: logits (a row per image, in argument order) of the images
#       preprocessed as `lumen predict` documents it (decode to [0, 1], grey to RGB, antialiased bilinear resize
#       to IMGSZ x IMGSZ, ImageNet normalisation)
#   workflow_reference.py gradcam ARCH WEIGHTS CLASSES IMGSZ LAYER OUT.npy IMAGE
#       pytorch-grad-cam's Grad-CAM of the top class at LAYER, upsampled bilinearly to IMGSZ and scaled to [0, 1]
#   workflow_reference.py metrics PREDICTIONS.csv OUT.json
#       scikit-learn's metrics of `lumen val`'s predictions.csv (image,label,predicted,p_<class>...)
import csv, json, struct, sys
import numpy as np
import torch, torchvision
import torch.nn.functional as F
from skimage import io

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    types = {"F32": np.float32, "I64": np.int64, "F64": np.float64}
    out = {}
    for name, e in header.items():
        if name != "__metadata__":
            lo, hi = e["data_offsets"]
            out[name] = torch.from_numpy(np.frombuffer(blob[lo:hi], dtype=types[e["dtype"]]).copy().reshape(e["shape"]))
    return out


def model(arch, weights, classes):
    m = getattr(torchvision.models, arch)(num_classes=classes)
    missing, unexpected = m.load_state_dict(load_safetensors(weights), strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        sys.exit("weights do not fit torchvision's %s: missing %s, unexpected %s" % (arch, missing, unexpected))
    return m.eval()


def load(path, size):
    a = io.imread(path)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    a = a[..., :3]
    x = torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return (x - MEAN) / STD


def classify(arch, weights, classes, size, out, images):
    m = model(arch, weights, int(classes))
    with torch.no_grad():
        logits = m(torch.cat([load(p, int(size)) for p in images]))
    np.save(out, logits.numpy().astype(np.float32))


def gradcam(arch, weights, classes, size, layer, out, image):
    m = model(arch, weights, int(classes))
    store = {}

    def hook(module, inputs, output):
        leaf = output.detach().requires_grad_(True)
        store["a"] = leaf
        return leaf.clone()

    m.get_submodule(layer).register_forward_hook(hook)
    logits = m(load(image, int(size)))
    logits[0, logits[0].argmax()].backward()
    a, g = store["a"].detach(), store["a"].grad
    cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * a).sum(dim=1, keepdim=True))
    cam = cam - cam.min()
    cam = cam / (cam.max() + 1e-7)
    up = F.interpolate(cam, size=(int(size), int(size)), mode="bilinear", align_corners=False)[0, 0].clamp(min=0)
    up = up - up.min()
    np.save(out, (up / (up.max() + 1e-7)).numpy().astype(np.float32))


def metrics(predictions, out):
    from sklearn import metrics as M
    with open(predictions) as f:
        rows = list(csv.reader(f))
    classes = [c[2:] for c in rows[0][3:]]
    y = [classes.index(r[1]) for r in rows[1:]]
    yhat = [classes.index(r[2]) for r in rows[1:]]
    p = np.array([[float(v) for v in r[3:]] for r in rows[1:]])
    labels = list(range(len(classes)))
    res = {
        "accuracy": M.accuracy_score(y, yhat),
        "precision_macro": M.precision_score(y, yhat, labels=labels, average="macro", zero_division=0),
        "recall_macro": M.recall_score(y, yhat, labels=labels, average="macro", zero_division=0),
        "f1_macro": M.f1_score(y, yhat, labels=labels, average="macro", zero_division=0),
        "confusion_matrix": M.confusion_matrix(y, yhat, labels=labels).tolist(),
    }
    onehot = np.eye(len(classes))[y]
    res["roc_auc_per_class"] = [M.roc_auc_score(onehot[:, k], p[:, k]) for k in labels]
    res["average_precision_per_class"] = [M.average_precision_score(onehot[:, k], p[:, k]) for k in labels]
    with open(out, "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    torch.set_num_threads(2)
    what, rest = sys.argv[1], sys.argv[2:]
    if what == "classify":
        classify(*rest[:5], rest[5:])
    elif what == "gradcam":
        gradcam(*rest)
    elif what == "metrics":
        metrics(*rest)
    else:
        sys.exit("unknown reference " + what)
