package org.lumen.nn.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lumen.core.image.Image;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.models.rcnn.FasterRcnn;

/**
 * A Faster R-CNN predicts on each image at its own size, as torchvision does (its transform keeps the aspect
 * ratio: short side to the min size, long side at most min x 1333 / 800), not on the image stretched to a square:
 * {@link Detector#detect} gives exactly the detections of {@link FasterRcnn#detect} on the unstretched image.
 */
class DetectorAspectTest {
    @Test
    void fasterRcnnSeesTheImageAtItsOwnAspect() {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("detect", "fasterrcnn_resnet18_fpn", List.of("clump"), 64, 3, norm[0],
                norm[1], null);
        try (Detector d = Detector.create(info, 0)) {
            FasterRcnn net = (FasterRcnn) d.net().module();
            net.withDetections(0.0, 100); // random heads: every detection counts
            SplittableRandom r = new SplittableRandom(4);
            float[] px = new float[3 * 40 * 100];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) r.nextDouble();
            }
            Image wide = new Image(3, 40, 100, px, 8, Image.Scale.NORMALISED);
            Boxes got = d.detect(List.of(wide), 0.0, 100).get(0);
            Boxes want;
            try (NDManager m = d.manager().newSubManager()) {
                Boxes raw = net.detect(List.of(m.create(px, new Shape(3, 40, 100)))).get(0);
                int[] labels = raw.labels().clone();
                for (int j = 0; j < labels.length; j++) {
                    labels[j]--; // torchvision's 1-based labels, Lumen's 0-based
                }
                want = new Boxes(raw.xyxy(), labels, raw.scores());
            }
            assertTrue(want.size() > 10, "random heads gave " + want.size() + " detections");
            assertEquals(want.size(), got.size());
            assertArrayEquals(want.xyxy(), got.xyxy(), 1e-9);
            assertArrayEquals(want.labels(), got.labels());
            double maxX = 0;
            for (int j = 0; j < got.size(); j++) {
                maxX = Math.max(maxX, got.xyxy()[4 * j + 2]);
            }
            assertTrue(maxX <= 100 + 1e-9, "boxes are in the image's own pixels: x up to " + maxX);
        }
    }
}
