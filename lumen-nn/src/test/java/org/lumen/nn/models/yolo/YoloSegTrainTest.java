package org.lumen.nn.models.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.train.AdamW;

/**
 * A yolov8n-seg fits two 32-pixel images with one bright square each: in three AdamW steps the total and the
 * mask term drop. (A few steps only: one step of yolov8n-seg costs seconds on a small CPU.)
 */
class YoloSegTrainTest {
    private static final int STEPS = 3;

    @Test
    void lossDropsOnSquares() {
        int n = 2;
        int s = 32;
        Random rnd = new Random(3);
        float[] x = new float[n * 3 * s * s];
        List<Boxes> targets = new ArrayList<>();
        List<float[][]> masks = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            int size = 10 + rnd.nextInt(8);
            int x0 = rnd.nextInt(s - size);
            int y0 = rnd.nextInt(s - size);
            float[] mask = new float[s * s];
            for (int r = 0; r < s; r++) {
                for (int c = 0; c < s; c++) {
                    boolean in = r >= y0 && r < y0 + size && c >= x0 && c < x0 + size;
                    mask[r * s + c] = in ? 1 : 0;
                    for (int ch = 0; ch < 3; ch++) {
                        x[((b * 3 + ch) * s + r) * s + c] = (in ? 0.9f : 0.1f) + 0.05f * (float) rnd.nextGaussian();
                    }
                }
            }
            targets.add(Boxes.truth(new double[] {x0, y0, x0 + size, y0 + size}, new int[] {0}));
            masks.add(new float[][] {mask});
        }
        try (NDManager m = NDManager.newBaseManager()) {
            YoloV8 net = YoloV8.createSegment("n", 1);
            net.initialize(m, 0);
            net.train(true);
            YoloSegNet seg = new YoloSegNet("yolov8n-seg", net);
            double[] total = new double[STEPS];
            double[] maskTerm = new double[STEPS];
            try (AdamW opt = new AdamW(m, net.trainableParameters(), 0.0)) {
                opt.attach();
                for (int step = 0; step < total.length; step++) {
                    try (NDManager scope = m.newSubManager()) {
                        NDArray input = scope.create(x, new Shape(n, 3, s, s));
                        opt.zeroGrad();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            Map<String, NDArray> l = seg.losses(input, targets, masks);
                            total[step] = l.get("loss").getFloat();
                            maskTerm[step] = l.get("seg").getFloat();
                            gc.backward(l.get("loss"));
                        }
                        opt.clipGradNorm(10);
                        opt.step(2e-3);
                    }
                }
            }
            // seen: total 7.60, 4.44, 2.26; mask term 7.56, 4.41, 2.22 (it dominates at initialisation)
            assertTrue(total[STEPS - 1] < 0.6 * total[0], "total " + java.util.Arrays.toString(total));
            assertTrue(maskTerm[STEPS - 1] < 0.6 * maskTerm[0], "mask term " + java.util.Arrays.toString(maskTerm));

            // inference end to end: one input-sized mask per kept detection
            net.train(false);
            List<YoloSegNet.Segmentation> out = seg.segment(m.create(x, new Shape(n, 3, s, s)), 0.0, 5);
            assertEquals(n, out.size());
            for (YoloSegNet.Segmentation o : out) {
                assertTrue(o.boxes().size() > 0 && o.boxes().size() <= 5);
                assertEquals(o.boxes().size(), o.masks().length);
                assertEquals(s * s, o.masks()[0].length);
                assertEquals(s, o.height());
            }
        }
    }
}
