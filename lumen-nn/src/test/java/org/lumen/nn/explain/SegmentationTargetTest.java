package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.models.segmentation.SegmentationModel;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.testing.Parity;
import org.junit.jupiter.api.Test;

/** Explaining a segmentation over a region: the score is the region's mean class logit; the region matters. */
class SegmentationTargetTest {
    @Test
    void regionScoreAndMaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel unet = Segmentations.create("unet-w4-d2", 3, 3);
            unet.initialize(m, 1);
            unet.train(false);
            java.util.SplittableRandom r = new java.util.SplittableRandom(2);
            float[] v = new float[3 * 32 * 32];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextDouble() * 2 - 1);
            }
            NDArray x = m.create(v, new Shape(1, 3, 32, 32));
            float[] logits = unet.apply(x).toFloatArray(); // [1, 3, 32, 32]
            float[] mask = new float[32 * 32];
            double want = 0;
            for (int y = 4; y < 12; y++) {
                for (int xx = 6; xx < 14; xx++) {
                    mask[y * 32 + xx] = 1;
                    want += logits[2 * 1024 + y * 32 + xx];
                }
            }
            want /= 64;
            SegmentationTarget t = new SegmentationTarget(unet);
            t.setTargets(new float[][] {mask}, new int[] {2});
            assertEquals(want, t.apply(x).getFloat(), 1e-4, "mean class-2 logit over the region");
            Cam cam = Cam.builder().setModel(t).setMethod("gradcam").optLayers("net.inc").build();
            Explanation a = cam.explain(x, new int[] {0}).get(0);
            assertEquals(want, a.score(), 1e-4);
            float[] other = new float[32 * 32];
            for (int p = 900; p < 1000; p++) {
                other[p] = 1;
            }
            t.setTargets(new float[][] {other}, new int[] {2});
            Explanation b = Attribution.builder().setModel(t).setMethod("saliency").build().explain(x, new int[] {0})
                    .get(0);
            t.setTargets(new float[][] {mask}, new int[] {2});
            Explanation c = Attribution.builder().setModel(t).setMethod("saliency").build().explain(x, new int[] {0})
                    .get(0);
            assertTrue(Parity.maxAbsDiff(b.heatmap(), c.heatmap()) > 0.1, "another region, another map");
        }
    }
}
