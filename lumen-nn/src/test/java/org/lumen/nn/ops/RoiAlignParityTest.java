package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.testing.Parity;

/**
 * {@link RoiAlign} against torchvision 0.14's CPU kernel, forward and backward, on boxes inside, across and
 * wholly outside the map, sub-pixel and malformed ones, for aligned on/off and sampling ratio 0 (adaptive) and 2;
 * its gradient also against central finite differences in float64; and {@link LevelMapper} against torchvision's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoiAlignParityTest {
    private static final Path DIR = Paths.get("target", "parity", "ops-roi-align");
    private static final int OUT_H = 3, OUT_W = 4;
    private static final double SCALE = 0.5;

    static List<Object[]> configs() {
        return List.of(new Object[] {false, 0}, new Object[] {false, 2}, new Object[] {true, 0},
                new Object[] {true, 2});
    }

    @BeforeAll
    void reference() {
        Parity.run(DIR, """
                import os
                from torchvision.ops import roi_align
                from torchvision.ops.poolers import LevelMapper
                out = sys.argv[1]
                g = torch.Generator().manual_seed(0)
                x = torch.randn(2, 3, 13, 17, generator=g)
                # image coordinates (spatial scale 0.5: the map covers 34 x 26)
                xy = torch.rand(14, 2, generator=g) * torch.tensor([40.0, 30.0]) - 6
                wh = torch.rand(14, 2, generator=g) * torch.tensor([30.0, 24.0]) + 0.3
                boxes = torch.cat([xy, xy + wh], 1)
                boxes[0] = torch.tensor([2.0, 3.0, 2.6, 3.5])      # sub-pixel
                boxes[1] = torch.tensor([-20.0, -20.0, -5.0, -4.0]) # wholly outside
                boxes[2] = torch.tensor([10.0, 8.0, 6.0, 5.0])      # malformed (x2 < x1)
                boxes[3] = torch.tensor([-3.0, 20.0, 40.0, 33.0])   # across the right and bottom edges
                idx = torch.randint(0, 2, (14, 1), generator=g).float()
                rois = torch.cat([idx, boxes], 1)
                gout = torch.randn(14, 3, 3, 4, generator=g)
                t = {"x": x, "rois": rois, "gout": gout}
                for aligned in (False, True):
                    for ratio in (0, 2):
                        xi = x.clone().requires_grad_(True)
                        y = roi_align(xi, rois, (3, 4), 0.5, ratio, aligned)
                        (y * gout).sum().backward()
                        key = "%s_%d" % (aligned, ratio)
                        t["y_" + key], t["grad_" + key] = y, xi.grad
                lb = torch.cat([torch.rand(200, 2, generator=g) * 500, torch.rand(200, 2, generator=g) * 700 + 1], 1)
                lb[:, 2:] += lb[:, :2]
                lb[0] = torch.tensor([0.0, 0.0, 224.0, 224.0])  # exactly canonical: level 4
                lb[1] = torch.tensor([0.0, 0.0, 112.0, 112.0])
                t["level_boxes"] = lb
                t["levels"] = LevelMapper(2, 5)(list(lb.split(100)))
                save_safetensors(os.path.join(out, "roi_align.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
    }

    @ParameterizedTest(name = "aligned={0} samplingRatio={1}")
    @MethodSource("configs")
    void forwardAndBackwardEqualTorchvision(boolean aligned, int ratio) {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            NDArray x = ref.get("x");
            x.setRequiresGradient(true);
            String key = (aligned ? "True" : "False") + "_" + ratio;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = RoiAlign.roiAlign(x, ref.get("rois"), OUT_H, OUT_W, SCALE, ratio, aligned);
                double fwd = Reference.maxRelDiff(y, ref.get("y_" + key));
                gc.backward(y.mul(ref.get("gout")).sum());
                double bwd = Reference.maxRelDiff(x.getGradient(), ref.get("grad_" + key));
                System.out.printf("roi_align %s: forward %.2g, backward %.2g%n", key, fwd, bwd);
                assertTrue(fwd <= 1e-6, key + " forward differs by " + fwd);
                assertTrue(bwd <= 1e-6, key + " backward differs by " + bwd);
            }
        }
    }

    /** roi_align is linear in the input, so central differences in float64 are exact up to rounding. */
    @Test
    void gradientEqualsFiniteDifferencesInDouble() {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 2, 6, 7)).toType(DataType.FLOAT64, false);
            NDArray rois = m.create(new double[] {0, 1.3, 0.7, 9.1, 8.4, 1, -2.2, 3.1, 5.5, 14.6, 1, 4.4, 2.2, 5.0,
                    2.9}, new Shape(3, 5));
            NDArray gout = m.randomNormal(new Shape(3, 2, 2, 3)).toType(DataType.FLOAT64, false);
            for (boolean aligned : new boolean[] {false, true}) {
                for (int ratio : new int[] {0, 2}) {
                    NDArray xi = x.duplicate();
                    xi.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(RoiAlign.roiAlign(xi, rois, 2, 3, 0.7, ratio, aligned).mul(gout).sum());
                    }
                    double[] analytic = xi.getGradient().toDoubleArray();
                    double[] base = x.toDoubleArray();
                    double eps = 1e-6, worst = 0;
                    for (int i = 0; i < base.length; i++) {
                        double[] plus = base.clone(), minus = base.clone();
                        plus[i] += eps;
                        minus[i] -= eps;
                        double fp = loss(m, plus, x.getShape(), rois, gout, ratio, aligned);
                        double fm = loss(m, minus, x.getShape(), rois, gout, ratio, aligned);
                        worst = Math.max(worst, Math.abs((fp - fm) / (2 * eps) - analytic[i]));
                    }
                    System.out.printf("roi_align finite differences aligned=%s ratio=%d: max |diff| %.2g%n", aligned,
                            ratio, worst);
                    assertTrue(worst < 1e-7, "aligned=" + aligned + " ratio=" + ratio + ": " + worst);
                }
            }
        }
    }

    private static double loss(NDManager m, double[] x, Shape shape, NDArray rois, NDArray gout, int ratio,
            boolean aligned) {
        try (NDManager sub = m.newSubManager()) {
            NDArray y = RoiAlign.roiAlign(sub.create(x, shape), rois, 2, 3, 0.7, ratio, aligned);
            return y.mul(gout).sum().getDouble();
        }
    }

    @Test
    void levelsEqualTorchvision() {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            long[] want = ref.get("levels").toLongArray();
            assertArrayEquals(want, new LevelMapper(2, 5).levels(ref.get("level_boxes")).toLongArray());
            assertTrue(want[0] == 2 && want[1] == 1, "canonical boxes land on levels 4 and 3");
        }
    }

    @Test
    void refusesBadArguments() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 2, 4, 4));
            NDArray badBatch = m.create(new float[] {1, 0, 0, 2, 2}, new Shape(1, 5));
            assertThrows(IllegalArgumentException.class, () -> RoiAlign.roiAlign(x, badBatch, 2, 2, 1, 0, false));
            NDArray fourColumns = m.create(new float[] {0, 0, 2, 2}, new Shape(1, 4));
            assertThrows(IllegalArgumentException.class, () -> RoiAlign.roiAlign(x, fourColumns, 2, 2, 1, 0, false));
            NDArray none = m.zeros(new Shape(0, 5));
            assertArrayEquals(new long[] {0, 2, 2, 2}, RoiAlign.roiAlign(x, none, 2, 2, 1, 0, false).getShape()
                    .getShape());
        }
    }

    private static Reference ref(NDManager m) {
        return new Reference(DIR.resolve("roi_align.safetensors"), m);
    }
}
