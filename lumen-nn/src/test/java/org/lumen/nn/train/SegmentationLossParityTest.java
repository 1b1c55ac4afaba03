package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lumen.nn.testing.Parity;

/**
 * The segmentation losses against PyTorch on random logits: value and gradient with respect to the logits.
 * Cross-entropy is {@code F.cross_entropy} on 4-d input, binary focal is {@code torchvision.ops.sigmoid_focal_loss};
 * Dice and softmax focal have no torch function, so the reference script states them in torch in a few lines
 * (the formulas of {@link SegmentationLoss}).
 */
class SegmentationLossParityTest {
    static Path dir;
    static Map<String, float[]> ref;

    @BeforeAll
    static void reference() {
        dir = Paths.get("target", "parity", "segloss").toAbsolutePath();
        Parity.run(dir, """
                import os, torchvision
                import torch.nn.functional as F
                d = sys.argv[1]
                torch.manual_seed(0)
                x = (torch.randn(2, 3, 5, 7) * 2).requires_grad_()
                y = torch.randint(0, 3, (2, 5, 7))
                y[0, 0, 0] = 2
                w = torch.tensor([0.5, 1.0, 3.0])
                xb = (torch.randn(2, 1, 5, 7) * 2).requires_grad_()
                yb = torch.randint(0, 2, (2, 5, 7))
                out = {"x": x, "y": y, "w": w, "xb": xb, "yb": yb}
                def dice(logits, t, smooth=1.0):
                    k = logits.shape[1]
                    if k == 1:
                        p, oh = torch.sigmoid(logits), t.unsqueeze(1).float()
                    else:
                        p, oh = logits.softmax(1), F.one_hot(t, k).permute(0, 3, 1, 2).float()
                    inter = (p * oh).sum((0, 2, 3))
                    card = p.sum((0, 2, 3)) + oh.sum((0, 2, 3))
                    return 1 - ((2 * inter + smooth) / (card + smooth)).mean()
                def softmax_focal(logits, t, alpha, gamma=2.0):
                    logpt = logits.log_softmax(1).gather(1, t.unsqueeze(1)).squeeze(1)
                    loss = -((1 - logpt.exp()) ** gamma) * logpt
                    if alpha is not None:
                        loss = loss * alpha[t]
                    return loss.mean()
                cases = {
                    "ce": lambda: F.cross_entropy(x, y),
                    "ce_w": lambda: F.cross_entropy(x, y, weight=w),
                    "dice": lambda: dice(x, y),
                    "focal": lambda: softmax_focal(x, y, None),
                    "focal_w": lambda: softmax_focal(x, y, w),
                    "ce_dice_w": lambda: F.cross_entropy(x, y, weight=w) + dice(x, y),
                    "bce": lambda: F.binary_cross_entropy_with_logits(xb, yb.unsqueeze(1).float()),
                    "dice_b": lambda: dice(xb, yb),
                    "sfocal_b": lambda: torchvision.ops.sigmoid_focal_loss(xb, yb.unsqueeze(1).float(), 0.25, 2.0, "mean"),
                }
                for name, f in cases.items():
                    for t in (x, xb):
                        t.grad = None
                    l = f()
                    l.backward()
                    out["loss_" + name] = l.detach().reshape(1)
                    out["grad_" + name] = (x.grad if x.grad is not None else xb.grad).clone()
                save_safetensors(os.path.join(d, "ref.safetensors"), out)
                """, dir.toString());
        ref = Parity.readAll(dir.resolve("ref.safetensors"));
    }

    private void check(String name, boolean binary, Function<NDArray[], NDArray> loss) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(ref.get(binary ? "xb" : "x"), new Shape(2, binary ? 1 : 3, 5, 7));
            float[] yf = ref.get(binary ? "yb" : "y");
            long[] yl = new long[yf.length];
            for (int i = 0; i < yl.length; i++) {
                yl[i] = (long) yf[i];
            }
            NDArray y = m.create(yl, new Shape(2, 5, 7));
            NDArray w = m.create(ref.get("w"));
            x.setRequiresGradient(true);
            float value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(new NDArray[] {x, y, w});
                gc.backward(l);
                value = l.getFloat();
            }
            double want = ref.get("loss_" + name)[0];
            assertEquals(want, value, 1e-5 * Math.max(1, Math.abs(want)), name + " loss");
            float[] grad = x.getGradient().toFloatArray();
            float[] wantGrad = ref.get("grad_" + name);
            double scale = Math.max(1e-3, Parity.maxAbs(wantGrad));
            assertTrue(Parity.maxAbsDiff(grad, wantGrad) <= 1e-5 * scale,
                    name + " gradient differs by " + Parity.maxAbsDiff(grad, wantGrad) + " (max " + scale + ")");
        }
    }

    @Test
    void crossEntropyIsTorchs() {
        check("ce", false, a -> SegmentationLoss.crossEntropy(a[0], a[1], null));
        check("ce_w", false, a -> SegmentationLoss.crossEntropy(a[0], a[1], a[2]));
        check("bce", true, a -> SegmentationLoss.crossEntropy(a[0], a[1], null));
    }

    @Test
    void softDiceMatchesTheTorchFormula() {
        check("dice", false, a -> SegmentationLoss.dice(a[0], a[1], 1.0));
        check("dice_b", true, a -> SegmentationLoss.dice(a[0], a[1], 1.0));
    }

    @Test
    void focalLossesMatchTorchvisionAndTheSoftmaxReference() {
        check("sfocal_b", true, a -> SegmentationLoss.sigmoidFocal(a[0], a[1].expandDims(1).toType(DataType.FLOAT32, false),
                0.25, 2.0));
        check("focal", false, a -> SegmentationLoss.softmaxFocal(a[0], a[1], null, 2.0));
        check("focal_w", false, a -> SegmentationLoss.softmaxFocal(a[0], a[1], a[2], 2.0));
    }

    @Test
    void aSpecSumsItsTerms() {
        check("ce_dice_w", false, a -> SegmentationLoss.parse("ce+dice").apply(a[0], a[1], a[2]));
        check("sfocal_b", true, a -> SegmentationLoss.parse("focal").apply(a[0], a[1], null));
    }
}
