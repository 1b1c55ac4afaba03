package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.models.rcnn.FasterRcnnNet;
import org.lumen.nn.models.yolo.YoloNet;
import org.lumen.nn.models.yolo.YoloV8;
import org.lumen.nn.testing.Parity;
import org.junit.jupiter.api.Test;

/** Explaining a YOLO detection: the explained score is the chosen detection's logit, and the box matters. */
class DetectionTargetTest {
    @Test
    void gradCamOfADetectionFollowsTheBox() {
        try (NDManager m = NDManager.newBaseManager()) {
            YoloV8 v8 = YoloV8.create("n", 2);
            v8.initialize(m, 1);
            // box branch set to predict a distance of one stride on every side (bin 1 dominant): each anchor's box is
            // its own cell grown by a stride, so a box picks the anchor centred on it
            for (var e : v8.stateDict().entrySet()) {
                if (e.getKey().matches("model\\.22\\.cv2\\.\\d\\.2\\.weight")) {
                    e.getValue().setValue(m.zeros(e.getValue().shape()));
                } else if (e.getKey().matches("model\\.22\\.cv2\\.\\d\\.2\\.bias")) {
                    float[] b = new float[64];
                    for (int k = 0; k < 4; k++) {
                        b[k * 16 + 1] = 10;
                    }
                    e.getValue().setValue(m.create(b));
                }
            }
            YoloNet yolo = new YoloNet("yolov8n", v8);
            DetectionTarget t = new DetectionTarget(yolo);
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            float[] v = new float[3 * 64 * 64];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextDouble();
            }
            NDArray x = m.create(v, new Shape(1, 3, 64, 64));
            Cam cam = Cam.builder().setModel(t).setMethod("gradcam").optLayers(DetectionTarget.DEFAULT_YOLO_LAYER).build();

            t.setTargets(new double[][] {{4, 4, 20, 20}}, new int[] {1});
            float want = t.apply(x).getFloat();
            Explanation a = cam.explain(x, new int[] {0}).get(0);
            assertEquals(want, a.score(), 1e-5, "the explained score is the chosen detection's class-1 logit");
            assertEquals(64 * 64, a.heatmap().length);

            t.setTargets(new double[][] {{40, 40, 60, 60}}, new int[] {1});
            Explanation b = cam.explain(x, new int[] {0}).get(0);
            assertTrue(Parity.maxAbsDiff(a.heatmap(), b.heatmap()) > 0.1, "another box, another map");

            // attributions work through the same target
            Attribution sal = Attribution.builder().setModel(t).setMethod("saliency").build();
            assertEquals(64 * 64, sal.attribute(x, new int[] {0}).get(0).signed().length);
        }
    }

    @Test
    void onlyYoloDetectorsAreExplained() {
        LumenException e = assertThrows(LumenException.class,
                () -> new DetectionTarget(new FasterRcnnNet("fasterrcnn_resnet18_fpn", "resnet18", 1, 64)));
        assertTrue(e.getMessage().contains("YOLO"), e.getMessage());
    }
}
