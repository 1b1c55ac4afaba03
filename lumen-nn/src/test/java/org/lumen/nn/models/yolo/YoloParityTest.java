package org.lumen.nn.models.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;

/**
 * YOLOv8 against PyTorch. Ultralytics is not installed here, so the reference script re-types its pieces in plain
 * torch with Ultralytics' module and attribute names (its {@code state_dict()} keys are a YOLOv8 checkpoint's):
 * Conv, Bottleneck, C2f, SPPF, DFL, Detect and the yaml's 23 layers, at a narrow scale (depth 0.33, width 1/8,
 * 3 classes) on a 64 x 96 input, and v8DetectionLoss with its task-aligned assigner. Checked: the state dict loads
 * strictly by name; the raw head outputs in evaluation mode; the three loss parts in training mode and the
 * gradients of two weights (the head's last bias and the stem); CIoU against torchvision's
 * {@code complete_box_iou_loss} (value and gradient) on random boxes, and the assigner's scalar CIoU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YoloParityTest {
    private static final Path DIR = Paths.get("target", "parity", "yolo");
    private Map<String, float[]> ref;

    @BeforeAll
    void reference() {
        Parity.run(DIR, """
                import os, math
                import torch.nn as nn
                import torch.nn.functional as F
                from torchvision.ops import complete_box_iou_loss
                out = sys.argv[1]
                torch.manual_seed(0)

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
                class Up(nn.Module):
                    def forward(s, x):
                        return F.interpolate(x, scale_factor=2, mode="nearest")
                class Cat(nn.Module):
                    pass
                def ch(c): return int(math.ceil(min(c, 1024) * 0.125 / 8) * 8)
                def rep(n): return max(round(n * 0.33), 1) if n > 1 else n
                class Model(nn.Module):
                    def __init__(s, nc):
                        super().__init__()
                        c64, c128, c256, c512, c1024 = ch(64), ch(128), ch(256), ch(512), ch(1024)
                        n3, n6 = rep(3), rep(6)
                        s.model = nn.Sequential(Conv(3, c64, 3, 2), Conv(c64, c128, 3, 2), C2f(c128, c128, n3, True),
                            Conv(c128, c256, 3, 2), C2f(c256, c256, n6, True), Conv(c256, c512, 3, 2),
                            C2f(c512, c512, n6, True), Conv(c512, c1024, 3, 2), C2f(c1024, c1024, n3, True),
                            SPPF(c1024, c1024, 5), Up(), Cat(), C2f(c1024 + c512, c512, n3, False), Up(), Cat(),
                            C2f(c512 + c256, c256, n3, False), Conv(c256, c256, 3, 2), Cat(),
                            C2f(c256 + c512, c512, n3, False), Conv(c512, c512, 3, 2), Cat(),
                            C2f(c512 + c1024, c1024, n3, False), Detect(nc, [c256, c512, c1024]))
                    def forward(s, x):
                        m = s.model
                        p2 = m[2](m[1](m[0](x))); p3 = m[4](m[3](p2)); p4 = m[6](m[5](p3)); p5 = m[9](m[8](m[7](p4)))
                        n12 = m[12](torch.cat((m[10](p5), p4), 1)); n15 = m[15](torch.cat((m[13](n12), p3), 1))
                        n18 = m[18](torch.cat((m[16](n15), n12), 1)); n21 = m[21](torch.cat((m[19](n18), p5), 1))
                        return m[22]([n15, n18, n21])

                def make_anchors(feats, strides):
                    pts, sts = [], []
                    for f, s in zip(feats, strides):
                        h, w = f.shape[2:]
                        sy, sx = torch.meshgrid(torch.arange(h) + 0.5, torch.arange(w) + 0.5, indexing="ij")
                        pts.append(torch.stack((sx, sy), -1).view(-1, 2).float())
                        sts.append(torch.full((h * w, 1), float(s)))
                    return torch.cat(pts), torch.cat(sts)
                def dist2bbox(d, a):
                    lt, rb = d.chunk(2, -1)
                    return torch.cat((a - lt, a + rb), -1)
                def ciou(b1, b2, eps=1e-7):
                    x1, y1, x2, y2 = b1.chunk(4, -1); X1, Y1, X2, Y2 = b2.chunk(4, -1)
                    w1, h1, w2, h2 = x2 - x1, y2 - y1 + eps, X2 - X1, Y2 - Y1 + eps
                    inter = (torch.min(x2, X2) - torch.max(x1, X1)).clamp(0) * (torch.min(y2, Y2) - torch.max(y1, Y1)).clamp(0)
                    iou = inter / (w1 * h1 + w2 * h2 - inter + eps)
                    cw, chh = torch.max(x2, X2) - torch.min(x1, X1), torch.max(y2, Y2) - torch.min(y1, Y1)
                    c2 = cw ** 2 + chh ** 2 + eps
                    rho2 = ((X1 + X2 - x1 - x2) ** 2 + (Y1 + Y2 - y1 - y2) ** 2) / 4
                    v = (4 / math.pi ** 2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)) ** 2
                    with torch.no_grad():
                        alpha = v / (v - iou + (1 + eps))
                    return iou - (rho2 / c2 + v * alpha)
                def assign(ps, pb, anc, gl, gb, mg, nc, topk=10, al=0.5, be=6.0, eps=1e-9):
                    bs, nmax, na = gb.shape[0], gb.shape[1], anc.shape[0]
                    lt, rb = gb.view(-1, 1, 4).chunk(2, 2)
                    ing = torch.cat((anc[None] - lt, rb - anc[None]), 2).view(bs, nmax, na, -1).amin(3).gt(eps).float()
                    m = (ing * mg).bool()
                    ov = torch.zeros(bs, nmax, na); sc = torch.zeros(bs, nmax, na)
                    bi = torch.arange(bs).view(-1, 1).expand(-1, nmax)
                    sc[m] = ps[bi, :, gl.squeeze(-1)][m]
                    ov[m] = ciou(gb.unsqueeze(2).expand(-1, -1, na, -1)[m], pb.unsqueeze(1).expand(-1, nmax, -1, -1)[m]).squeeze(-1).clamp(0)
                    am = sc.pow(al) * ov.pow(be)
                    ti = torch.topk(am, topk, dim=-1).indices
                    ti.masked_fill_(~mg.expand(-1, -1, topk).bool(), 0)
                    cnt = torch.zeros(am.shape, dtype=torch.int8)
                    cnt.scatter_add_(-1, ti, torch.ones_like(ti, dtype=torch.int8))
                    cnt.masked_fill_(cnt > 1, 0)
                    mp = cnt.float() * ing * mg
                    fg = mp.sum(-2)
                    if fg.max() > 1:
                        multi = (fg.unsqueeze(1) > 1).expand(-1, nmax, -1)
                        ism = torch.zeros_like(mp); ism.scatter_(1, ov.argmax(1).unsqueeze(1), 1)
                        mp = torch.where(multi, ism, mp); fg = mp.sum(-2)
                    tgi = mp.argmax(-2) + torch.arange(bs)[:, None] * nmax
                    tl = gl.long().flatten()[tgi]; tb = gb.view(-1, 4)[tgi]
                    ts = F.one_hot(tl, nc).float() * (fg[:, :, None] > 0)
                    am = am * mp
                    norm = (am * (ov * mp).amax(-1, keepdim=True) / (am.amax(-1, keepdim=True) + eps)).amax(-2).unsqueeze(-1)
                    return tb, ts * norm, fg > 0
                def v8loss(feats, gl, gb, nc):
                    bs, no = feats[0].shape[0], nc + 64
                    x = torch.cat([f.view(bs, no, -1) for f in feats], 2)
                    pd, ps = x.split((64, nc), 1)
                    pd, ps = pd.permute(0, 2, 1).contiguous(), ps.permute(0, 2, 1).contiguous()
                    anc, st = make_anchors(feats, (8, 16, 32))
                    mg = gb.sum(2, keepdim=True).gt(0).float()
                    pb = dist2bbox(pd.view(bs, -1, 4, 16).softmax(3).matmul(torch.arange(16).float()), anc)
                    tb, ts, fg = assign(ps.detach().sigmoid(), pb.detach() * st, anc * st, gl, gb, mg, nc)
                    tss = max(ts.sum(), 1)
                    cls = F.binary_cross_entropy_with_logits(ps, ts, reduction="none").sum() / tss
                    tb = tb / st
                    w = ts.sum(-1)[fg].unsqueeze(-1)
                    box = ((1.0 - ciou(pb[fg], tb[fg])) * w).sum() / tss
                    t = torch.cat((anc - tb[..., :2], tb[..., 2:] - anc), -1).clamp(0, 15 - 0.01)[fg]
                    p = pd[fg].view(-1, 16)
                    tl = t.long(); tr = tl + 1; wl = tr - t; wr = 1 - wl
                    d = (F.cross_entropy(p, tl.view(-1), reduction="none").view(tl.shape) * wl
                         + F.cross_entropy(p, tr.view(-1), reduction="none").view(tl.shape) * wr).mean(-1, keepdim=True)
                    dfl = (d * w).sum() / tss
                    return (box * 7.5 + cls * 0.5 + dfl * 1.5) * bs, box * 7.5, cls * 0.5, dfl * 1.5, int(fg.sum())

                nc = 3
                model = Model(nc)
                randomize_batchnorm(model, 1)
                weights = {k: v.clone() for k, v in model.state_dict().items()}
                save_safetensors(os.path.join(out, "weights.safetensors"), weights)
                x = torch.rand(2, 3, 64, 96)
                model.eval()
                with torch.no_grad():
                    feats = model(x)
                    raw = torch.cat([f.view(2, nc + 64, -1) for f in feats], 2)
                    anc, st = make_anchors(feats, (8, 16, 32))
                    box, cls = raw.split((64, nc), 1)
                    dec = torch.cat((dist2bbox(model.model[22].dfl(box).transpose(1, 2), anc).transpose(1, 2) * st.T, cls.sigmoid()), 1)
                model.train()
                gb = torch.tensor([[[8., 8., 56., 40.], [40., 16., 90., 60.], [2., 30., 40., 62.]],
                                   [[20., 4., 76., 52.], [0., 0., 0., 0.], [0., 0., 0., 0.]]])
                gl = torch.tensor([[[0], [2], [1]], [[1], [0], [0]]])
                total, lbox, lcls, ldfl, npos = v8loss(model(x), gl, gb, nc)
                (total / 2).backward()  # Lumen's "loss" is the sum of the parts, Ultralytics' that times the batch
                g1 = model.model[22].cv3[0][2].bias.grad
                g2 = model.model[0].conv.weight.grad

                g = torch.Generator().manual_seed(3)
                def rb(n):
                    xy = torch.rand(n, 2, generator=g) * 50
                    wh = torch.rand(n, 2, generator=g) * 30 + 1
                    return torch.cat((xy, xy + wh), 1)
                b1, b2 = rb(64), rb(64)
                b2[:8] = b1[:8] + torch.rand(8, 4, generator=g)  # near matches
                b1g = b1.clone().requires_grad_(True)
                cl = complete_box_iou_loss(b1g, b2, reduction="none")
                cl.sum().backward()
                save_safetensors(os.path.join(out, "ref.safetensors"), {"x": x, "raw": raw, "dec": dec,
                    "loss": torch.stack([total.detach() / 2, lbox.detach(), lcls.detach(), ldfl.detach()]),
                    "g1": g1, "g2": g2, "b1": b1, "b2": b2, "ciou_loss": cl.detach(), "ciou_grad": b1g.grad})
                """, DIR.toAbsolutePath().toString());
        ref = Parity.readAll(DIR.resolve("ref.safetensors"));
    }

    private YoloNet loaded(NDManager m) {
        YoloNet net = new YoloNet("yolov8-tiny", YoloV8.create("tiny", 3, 0.33, 0.125));
        net.module().initialize(m, 0);
        Weights.load(net.module(), DIR.resolve("weights.safetensors"), m);
        return net;
    }

    private static double maxAbsOverMax(float[] got, float[] want) {
        return Parity.maxAbsDiff(got, want) / Parity.maxAbs(want);
    }

    @Test
    void rawOutputsEqualReference() {
        try (NDManager m = NDManager.newBaseManager()) {
            YoloNet net = loaded(m);
            net.module().train(false);
            NDArray x = m.create(ref.get("x"), new Shape(2, 3, 64, 96));
            double d = maxAbsOverMax(net.module().apply(x).toFloatArray(), ref.get("raw"));
            System.out.printf("yolo raw outputs: max |diff| %.3g of the maximum%n", d);
            assertTrue(d < 1e-5, "raw outputs differ by " + d);
        }
    }

    @Test
    void lossPartsAndGradientsEqualReference() {
        try (NDManager m = NDManager.newBaseManager()) {
            YoloNet net = loaded(m);
            Map<String, Parameter> sd = net.module().stateDict();
            for (Map.Entry<String, Parameter> e : net.module().trainableParameters()) {
                e.getValue().value().setRequiresGradient(true);
            }
            NDArray x = m.create(ref.get("x"), new Shape(2, 3, 64, 96));
            List<Boxes> targets = List.of(
                    Boxes.truth(new double[] {8, 8, 56, 40, 40, 16, 90, 60, 2, 30, 40, 62}, new int[] {0, 2, 1}),
                    Boxes.truth(new double[] {20, 4, 76, 52}, new int[] {1}));
            float[] want = ref.get("loss");
            Map<String, NDArray> losses;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                net.module().train(true);
                losses = net.losses(x, targets);
                gc.backward(losses.get("loss"));
            }
            String[] names = {"loss", "box", "cls", "dfl"};
            for (int i = 0; i < names.length; i++) {
                float got = losses.get(names[i]).getFloat();
                System.out.printf("yolo %-4s reference %.6f lumen %.6f%n", names[i], want[i], got);
                assertEquals(want[i], got, 1e-4 * Math.max(1, want[i]), names[i]);
            }
            float[] g1 = sd.get("model.22.cv3.0.2.bias").value().getGradient().toFloatArray();
            float[] g2 = sd.get("model.0.conv.weight").value().getGradient().toFloatArray();
            assertTrue(maxAbsOverMax(g1, ref.get("g1")) < 1e-4, "head bias gradient: " + maxAbsOverMax(g1, ref.get("g1")));
            assertTrue(maxAbsOverMax(g2, ref.get("g2")) < 1e-4, "stem gradient: " + maxAbsOverMax(g2, ref.get("g2")));
        }
    }

    @Test
    void ciouEqualsTorchvision() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray b1 = m.create(ref.get("b1"), new Shape(64, 4));
            NDArray b2 = m.create(ref.get("b2"), new Shape(64, 4));
            float[] want = ref.get("ciou_loss");
            b1.setRequiresGradient(true);
            float[] got;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = NDArrayBoxes.ciou(b1.expandDims(0), b2.expandDims(0)).neg().add(1f);
                got = loss.toFloatArray();
                gc.backward(loss.sum());
            }
            assertTrue(Parity.maxAbsDiff(got, want) < 1e-5, "CIoU loss differs by " + Parity.maxAbsDiff(got, want));
            float[] grad = b1.getGradient().toFloatArray();
            assertTrue(Parity.maxAbsDiff(grad, ref.get("ciou_grad")) < 1e-5, "CIoU gradient differs by "
                    + Parity.maxAbsDiff(grad, ref.get("ciou_grad")));
            float[] a = ref.get("b1");
            float[] b = ref.get("b2");
            for (int i = 0; i < want.length; i++) {
                double[] bi = {a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]};
                float[] ti = {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]};
                assertEquals(want[i], 1 - TaskAlignedAssigner.ciou(bi, ti), 1e-5, "pair " + i);
            }
        }
    }
}
