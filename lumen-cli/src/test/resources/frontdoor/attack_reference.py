# Front-door reference for adversarial attacks, appended to classify_reference.py's helpers (photographs, calibrate,
# load, save_safetensors, MEAN, STD): torchattacks' FGSM, one PGD L-inf step and one PGD L2 step re-typed in plain
# torch 1.13 (images in [0, 1], the normalisation inside the model, F.cross_entropy's mean over the batch), on a
# calibrated resnet18 and scikit-image's photographs cut to 224 x 224.
# usage: attack_reference.py OUT
# writes OUT/images/<photo>.png, OUT/resnet18.safetensors, OUT/labels.npy (the clean prediction per image, sorted file
# order), OUT/grad.npy (d CE / d pixels, untargeted), OUT/<case>.npy for each case below ([N, 3, 224, 224] float32)
def pixels(path):
    a = io.imread(path)
    a = np.stack([a] * 3, axis=-1) if a.ndim == 2 else a[..., :3]
    return torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1)

def gradient(m, x, y, targeted):
    x = x.clone().requires_grad_(True)
    cost = F.cross_entropy(m((x - MEAN) / STD), y)
    if targeted:
        cost = -cost
    g, = torch.autograd.grad(cost, x)
    return g

def fgsm(m, x, y, eps, targeted=False):
    return torch.clamp(x + eps * gradient(m, x, y, targeted).sign(), min=0, max=1)

def pgd_step(m, x, y, eps, alpha):
    adv = x.clone().detach() + alpha * gradient(m, x, y, False).sign()
    delta = torch.clamp(adv - x, min=-eps, max=eps)
    return torch.clamp(x + delta, min=0, max=1)

def pgd_l2_step(m, x, y, eps, alpha):
    n = len(x)
    g = gradient(m, x, y, False)
    g = g / (torch.norm(g.view(n, -1), p=2, dim=1) + 1e-10).view(n, 1, 1, 1)
    adv = x.clone().detach() + alpha * g
    delta = adv - x
    factor = torch.min(eps / torch.norm(delta.view(n, -1), p=2, dim=1), torch.ones(n))
    return torch.clamp(x + delta * factor.view(-1, 1, 1, 1), min=0, max=1)

if __name__ == "__main__":
    torch.set_num_threads(2)
    out = sys.argv[1]
    paths = photographs(os.path.join(out, "images"), 224)
    x = torch.stack([pixels(p) for p in paths])
    torch.manual_seed(1)
    m = torchvision.models.resnet18()
    calibrate(m, (x - MEAN) / STD, 1)
    state = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
    save_safetensors(os.path.join(out, "resnet18.safetensors"), state)
    with torch.no_grad():
        y = m((x - MEAN) / STD).argmax(1)
    np.save(os.path.join(out, "labels.npy"), y.numpy().astype(np.int64))
    np.save(os.path.join(out, "grad.npy"), gradient(m, x, y, False).numpy())
    target = torch.full_like(y, 281)
    np.save(os.path.join(out, "grad281.npy"), gradient(m, x, target, True).numpy())
    cases = {
        "fgsm": fgsm(m, x, y, 8 / 255),
        "fgsm-target281": fgsm(m, x, target, 8 / 255, targeted=True),
        "pgd": pgd_step(m, x, y, 8 / 255, 2 / 255),
        "pgd-l2": pgd_l2_step(m, x, y, 1.0, 0.2),
        "pgd-projected": pgd_step(m, x, y, 1 / 255, 2 / 255),  # a step larger than eps: the projection cuts it
        "pgd-l2-projected": pgd_l2_step(m, x, y, 0.1, 0.2),
    }
    for name, adv in cases.items():
        np.save(os.path.join(out, name + ".npy"), adv.detach().numpy().astype(np.float32))
    print("labels", y.tolist(), flush=True)
