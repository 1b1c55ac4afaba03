package org.lumen.nn.models.yolo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.testing.Parity;
import org.junit.jupiter.api.Test;

class YoloLossTest {
    private static final Path DIR = Paths.get("target", "parity", "yolo-ciou");

    /** 1 - CIoU equals torchvision 0.14's complete_box_iou_loss (same formula; eps placed a little differently). */
    @Test
    void ciouEqualsTorchvisionCompleteBoxIouLoss() {
        Parity.run(DIR, """
                import os
                from torchvision.ops import complete_box_iou_loss
                g = torch.Generator().manual_seed(0)
                def boxes(n):
                    xy = torch.rand(n, 2, generator=g) * 50
                    wh = torch.rand(n, 2, generator=g) * 30 + 0.5
                    return torch.cat([xy, xy + wh], 1)
                a, b = boxes(200), boxes(200)
                b[:50] = a[:50] + torch.randn(50, 4, generator=g)   # overlapping pairs
                save_safetensors(os.path.join(sys.argv[1], "ciou.safetensors"),
                                 {"a": a, "b": b, "loss": complete_box_iou_loss(a, b, reduction="none")})
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ciou.safetensors"));
        float[] a = ref.get("a");
        float[] b = ref.get("b");
        float[] want = ref.get("loss");
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = NDArrayBoxes.ciou(m.create(a, new Shape(1, 200, 4)), m.create(b, new Shape(1, 200, 4)))
                    .toFloatArray();
            for (int i = 0; i < 200; i++) {
                double java = 1 - TaskAlignedAssigner.ciou(a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3],
                        b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]);
                assertEquals(want[i], java, 2e-5 * Math.max(1, Math.abs(want[i])), "pair " + i + " (double)");
                assertEquals(want[i], 1 - got[i], 5e-5 * Math.max(1, Math.abs(want[i])), "pair " + i + " (tensor)");
            }
        }
    }

    /*
     * The assigner on one 16x16 image with stride-8 anchors only (2x2 grid: points (4,4), (12,4), (4,12), (12,12))
     * and one object [0, 0, 10, 10] of class 0. Inside it: only (4,4). Predicted box at that anchor = the object
     * itself (CIoU 1), score 0.25: alignment = 0.25^0.5 * 1^6 = 0.5. Per object: max alignment 0.5, max overlap 1,
     * so the target score is 0.5 * 1 / 0.5 = 1 for class 0 at anchor 0, and 0 elsewhere.
     */
    @Test
    void assignerByHand() {
        float[][] scores = {{0.25f}, {0.9f}, {0.9f}, {0.9f}};
        float[][] boxes = {{0, 0, 10, 10}, {0, 0, 10, 10}, {0, 0, 10, 10}, {0, 0, 10, 10}};
        float[][] anchors = {{4, 4}, {12, 4}, {4, 12}, {12, 12}};
        TaskAlignedAssigner.Assignment a = TaskAlignedAssigner.assign(scores, boxes, anchors,
                new double[][] {{0, 0, 10, 10}}, new int[] {0});
        assertArrayEquals(new int[] {0, -1, -1, -1}, a.gt());
        assertEquals(1.0, a.scores()[0][0], 1e-6);
        assertEquals(0.0, a.scores()[1][0], 0);
        // two objects sharing the anchor: it goes to the one its prediction overlaps most
        TaskAlignedAssigner.Assignment two = TaskAlignedAssigner.assign(scores, boxes, anchors,
                new double[][] {{0, 0, 10, 10}, {1, 1, 9, 9}}, new int[] {0, 0});
        assertEquals(0, two.gt()[0]);
    }

    /*
     * The three losses by hand. With the head's last convolutions zeroed every class logit is 0 (score 0.5) and
     * every box distribution uniform over the 16 bins, so each predicted box is its anchor +- 7.5 strides. Then:
     * - BCE(0, t) = log 2 whatever the target t, so cls = 0.5 * (anchors x classes) * log 2 / S;
     * - the two-bin cross-entropy of a uniform distribution is log 16 for every side, so
     *   dfl = 1.5 * log 16 * sum(w) / S;
     * - box = 7.5 * sum over positives of (1 - CIoU(predicted, object)) * w / S;
     * with w an anchor's target score, S = max(sum w, 1), the assignment computed here by the assigner itself.
     */
    @Test
    void lossesByHandWithAZeroedHead() {
        try (NDManager m = NDManager.newBaseManager()) {
            YoloV8 net = YoloV8.create("n", 2);
            net.initialize(m, 0);
            for (var e : net.stateDict().entrySet()) {
                if (e.getKey().matches("model\\.22\\.cv[23]\\.\\d\\.2\\..*")) {
                    e.getValue().setValue(m.zeros(e.getValue().shape()));
                }
            }
            net.train(false);
            YoloNet yolo = new YoloNet("yolov8n", net);
            NDArray x = m.randomUniform(0, 1, new Shape(1, 3, 64, 64));
            double[][] gt = {{10, 12, 30, 40}, {40, 36, 60, 60}};
            Boxes t = Boxes.truth(new double[] {10, 12, 30, 40, 40, 36, 60, 60}, new int[] {0, 1});
            Map<String, NDArray> l = yolo.losses(x, List.of(t));

            float[][] anc = YoloNet.anchors(64, 64);
            int a = anc.length;
            float[][] scores = new float[a][2];
            float[][] boxes = new float[a][4];
            float[][] points = new float[a][2];
            for (int i = 0; i < a; i++) {
                float s = anc[i][2];
                scores[i][0] = scores[i][1] = 0.5f;
                points[i][0] = anc[i][0] * s;
                points[i][1] = anc[i][1] * s;
                boxes[i] = new float[] {(anc[i][0] - 7.5f) * s, (anc[i][1] - 7.5f) * s, (anc[i][0] + 7.5f) * s,
                    (anc[i][1] + 7.5f) * s};
            }
            TaskAlignedAssigner.Assignment asg = TaskAlignedAssigner.assign(scores, boxes, points, gt, new int[] {0, 1});
            double sumW = 0;
            double boxSum = 0;
            for (int i = 0; i < a; i++) {
                double w = asg.scores()[i][0] + asg.scores()[i][1];
                sumW += w;
                if (asg.positive(i)) {
                    boxSum += (1 - TaskAlignedAssigner.ciou(gt[asg.gt()[i]], boxes[i])) * w;
                }
            }
            assertTrue(sumW > 0, "some anchors are positive");
            double norm = Math.max(sumW, 1);
            assertEquals(0.5 * a * 2 * Math.log(2) / norm, l.get("cls").getFloat(), 1e-4 * l.get("cls").getFloat());
            assertEquals(1.5 * Math.log(16) * sumW / norm, l.get("dfl").getFloat(), 1e-4);
            assertEquals(7.5 * boxSum / norm, l.get("box").getFloat(), 1e-4);
            assertEquals(l.get("loss").getFloat(), l.get("box").getFloat() + l.get("cls").getFloat()
                    + l.get("dfl").getFloat(), 1e-4);
        }
    }
}
