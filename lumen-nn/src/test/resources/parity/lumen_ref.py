# Helpers shared by Lumen's parity tests (prepended to each reference script).
# safetensors is not packaged in Debian, so the tiny format is written and read here by hand.
import json, struct, sys
import numpy as np
import torch

_DT = {torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64), torch.float64: ("F64", np.float64)}
_NP = {"F32": np.float32, "I64": np.int64, "F64": np.float64}

def save_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code, npt = _DT[t.dtype]
        b = t.numpy().astype(npt).tobytes()
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

def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, en = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:en], dtype=_NP[e["dtype"]]).copy().reshape(e["shape"]))
    return out

def randomize_batchnorm(model, seed):
    """Non-trivial running statistics and affine terms, so a wrong batch norm cannot hide."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)

def randomize_layernorm(model, seed):
    """Layer-norm affine terms and ConvNeXt layer scales of order 1: at their defaults (1, 0 and a 1e-6 scale)
    a residual branch hardly reaches the logits, and a wrong one could not be seen."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
        for name, p in model.named_parameters():
            if name.endswith("layer_scale"):
                p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.5)

torch.set_num_threads(2)
