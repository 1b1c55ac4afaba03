package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * Every training loss gives the same gradients whether or not a garbage collection runs between its forward and
 * backward passes. It did not: DJL's {@code x.mul(number)} keeps the number in a Java buffer that autograd still
 * reads on the backward pass after DJL has let it go (see {@code Scalars}); after a GC and some reuse of the memory
 * the RPN head's gradients were wrong by a factor of two and of the wrong sign. Here each loss runs twice on the
 * same inputs, the second time with GCs and fresh small buffers between forward and backward, and the gradients
 * must be identical to the bit.
 */
class GradientsSurviveGcTest {
    /** Frees what is unreachable and hands the memory out again, as a busy training step would. */
    private static void churn(NDManager m) {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(30); // the cleaner thread frees direct buffers after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 2000; i++) {
                m.create(new float[] {1e6f + i}).close();
            }
            for (int size = 1 << 10; size <= 1 << 20; size <<= 1) { // larger freed buffers get reused too
                long[] junk = new long[size];
                java.util.Arrays.fill(junk, Long.MAX_VALUE / 3);
                m.create(junk).close();
            }
        }
    }

    /** The gradients of {@code leaves} after {@code loss}, with or without churn before the backward pass. */
    private static float[] gradients(NDManager m, List<NDArray> leaves, Function<NDManager, NDArray> loss,
            boolean churn) {
        for (NDArray p : leaves) {
            p.setRequiresGradient(true);
            org.lumen.nn.ops.Functional.zeroGrad(p); // gradients accumulate across backward passes
        }
        try (NDManager scope = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.apply(scope);
            if (churn) {
                churn(m);
            }
            gc.backward(l);
        }
        List<Float> all = new ArrayList<>();
        for (NDArray p : leaves) {
            for (float v : p.getGradient().toFloatArray()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static void assertSame(NDManager m, List<NDArray> leaves, Function<NDManager, NDArray> loss) {
        float[] calm = gradients(m, leaves, loss, false);
        float[] busy = gradients(m, leaves, loss, true);
        assertArrayEquals(calm, busy);
    }

    private static List<NDArray> weights(Module net) {
        List<NDArray> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : net.trainableParameters()) {
            out.add(e.getValue().value());
        }
        return out;
    }

    @Test
    void classificationAndSegmentationLosses() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(6, 4));
            NDArray labels = m.create(new long[] {0, 1, 2, 3, 1, 0});
            assertSame(m, List.of(logits), s -> Losses.crossEntropy(logits, labels, null, 0.1));
            NDArray seg = m.randomNormal(new Shape(2, 3, 8, 8));
            NDArray mask = m.randomInteger(0, 3, new Shape(2, 8, 8), ai.djl.ndarray.types.DataType.INT64);
            SegmentationLoss all = SegmentationLoss.parse("ce+dice+focal");
            assertSame(m, List.of(seg), s -> all.apply(seg, mask, null));
        }
    }

    @Test
    void roiAlignBackward() {
        // its sparse sampling matrix is kept for the backward pass
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray input = m.randomNormal(new Shape(2, 8, 24, 24));
            float[] r = new float[60 * 5];
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            for (int i = 0; i < 60; i++) {
                float x1 = (float) rnd.nextDouble(0, 16);
                float y1 = (float) rnd.nextDouble(0, 16);
                r[5 * i] = i % 2;
                r[5 * i + 1] = x1;
                r[5 * i + 2] = y1;
                r[5 * i + 3] = x1 + (float) rnd.nextDouble(1, 8);
                r[5 * i + 4] = y1 + (float) rnd.nextDouble(1, 8);
            }
            NDArray rois = m.create(r, new Shape(60, 5));
            NDArray w = m.randomNormal(new Shape(60, 8, 7, 7));
            assertSame(m, List.of(input), s -> org.lumen.nn.ops.RoiAlign.roiAlign(input, rois, 7, 7, 1.0, 2, false)
                    .mul(w).sum());
        }
    }

    @Test
    void detectorLosses() {
        for (String arch : List.of("yolov8n", "fasterrcnn_resnet18_fpn")) {
            try (NDManager m = NDManager.newBaseManager()) {
                DetectionNet net = DetectionNets.create(arch, 2, 64);
                net.module().initialize(m, 0);
                net.module().train(true);
                NDArray images = m.randomUniform(0, 1, new Shape(2, 3, 64, 64));
                List<Boxes> targets = List.of(Boxes.truth(new double[] {8, 8, 30, 28, 40, 10, 60, 30}, new int[] {0, 1}),
                        Boxes.truth(new double[] {20, 20, 44, 50}, new int[] {1}));
                assertSame(m, weights(net.module()), s -> net.losses(images, targets).get("loss"));
            }
        }
    }
}
