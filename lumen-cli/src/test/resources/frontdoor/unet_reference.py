# Front-door reference for the U-Nets as `lumen predict --arch unet|unet-resnet18 --weights W --classes 3 --imgsz 256
# --out DIR` runs them: the same networks in plain torch under Lumen's parameter names (the classic U-Net of width 64
# and depth 4; torchvision's resnet18 as the encoder of the other), batch norms calibrated by train-mode passes over
# the photographs. Input as Lumen documents it: [0, 1], antialiased bilinear resize to 256 x 256, ImageNet
# normalisation; the logits resized back to the image's size (bilinear, align_corners=False), then the arg-max.
# usage: unet_reference.py OUT ARCH...   writes OUT/images/*.png, OUT/<arch>.safetensors, and per image
# OUT/<arch>.<stem>.classes.npy (uint8 [H, W]) and OUT/<arch>.<stem>.margin.npy (float32 [H, W]: the winning logit
# minus the runner-up, where a float-rounding difference can change the arg-max only if it is tiny)
import json, os, sys
import numpy as np
import torch, torchvision
import torch.nn as nn
import torch.nn.functional as F
from skimage import io

def double_conv(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                         nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())

def up_cat(y, skip):
    if y.shape[-2:] != skip.shape[-2:]:
        y = F.interpolate(y, size=skip.shape[-2:], mode="bilinear", align_corners=False)
    return torch.cat([y, skip], 1)

class UNet(nn.Module):
    def __init__(self, cin, k, w, depth):
        super().__init__()
        self.inc = double_conv(cin, w)
        for i in range(1, depth + 1):
            setattr(self, "down%d" % i, double_conv(w << (i - 1), w << i))
        for i in range(1, depth + 1):
            setattr(self, "up%d" % i, double_conv((w << (depth - i + 1)) + (w << (depth - i)), w << (depth - i)))
        self.outc = nn.Conv2d(w, k, 1)
        self.depth = depth
    def forward(self, x):
        skips, y = [], self.inc(x)
        for i in range(1, self.depth + 1):
            skips.append(y)
            y = getattr(self, "down%d" % i)(F.max_pool2d(y, 2))
        for i in range(1, self.depth + 1):
            y = getattr(self, "up%d" % i)(up_cat(y, skips[-i]))
        return self.outc(y)

class ResNetUNet(nn.Module):
    def __init__(self, cin, k):
        super().__init__()
        self.encoder = torchvision.models.resnet18()
        self.encoder.fc = nn.Identity()
        ch = [64, 64, 128, 256, 512]
        blocks, width = [], ch[-1]
        for j in range(3, -1, -1):
            out = max(16, min(256, ch[j]))
            blocks.append(double_conv(width + ch[j], out))
            width = out
        self.decoder = nn.Sequential(*blocks)
        setattr(self, "final", double_conv(width + cin, 16))
        self.outc = nn.Conv2d(16, k, 1)
    def forward(self, x):
        e = self.encoder
        f0 = e.bn1(e.conv1(x))  # the stem's skip is bn1's output, before torchvision's in-place ReLU
        f1 = e.layer1(e.maxpool(e.relu(f0.clone())))
        f2 = e.layer2(f1); f3 = e.layer3(f2); f4 = e.layer4(f3)
        feats, y = [f0, f1, f2, f3], f4
        for i, j in enumerate(range(3, -1, -1)):
            y = self.decoder[i](up_cat(y, feats[j]))
        return self.outc(getattr(self, "final")(up_cat(y, x)))

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
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    images = []
    for name in ["astronaut.png", "chelsea.png"]:
        a = io.imread(os.path.join(data, name))[..., :3]
        io.imsave(os.path.join(out, "images", name), a, check_contrast=False)
        t = torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1)[None]
        x = F.interpolate(t, size=(256, 256), mode="bilinear", align_corners=False, antialias=True)
        images.append((name[:-4], a.shape[0], a.shape[1], (x - mean) / std))
    batch = torch.cat([x for _, _, _, x in images])
    for arch in archs:
        torch.manual_seed(0)
        m = UNet(3, 3, 64, 4) if arch == "unet" else ResNetUNet(3, 3)
        with torch.no_grad():
            g = torch.Generator().manual_seed(1)
            for bn in m.modules():
                if isinstance(bn, nn.BatchNorm2d):
                    bn.momentum = None
                    bn.reset_running_stats()
                    bn.weight.copy_(torch.rand(bn.weight.shape, generator=g) + 0.5)
                    bn.bias.copy_(torch.rand(bn.bias.shape, generator=g) * 0.2 - 0.1)
            m.train()
            m(batch)
            m(batch.flip(-1))
            m.eval()
            save_safetensors(os.path.join(out, arch + ".safetensors"),
                             {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")})
            for stem, h, w, x in images:
                y = F.interpolate(m(x), size=(h, w), mode="bilinear", align_corners=False)[0]
                top = y.topk(2, dim=0).values
                cls = y.argmax(0).numpy().astype(np.uint8)
                np.save(os.path.join(out, "%s.%s.classes.npy" % (arch, stem)), cls)
                np.save(os.path.join(out, "%s.%s.margin.npy" % (arch, stem)), (top[0] - top[1]).numpy().astype(np.float32))
                print(arch, stem, "class fractions", np.bincount(cls.ravel(), minlength=3) / cls.size,
                      "max |logit|", float(y.abs().max()), flush=True)

if __name__ == "__main__":
    main()
