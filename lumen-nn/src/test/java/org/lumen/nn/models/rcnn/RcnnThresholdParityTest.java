package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/**
 * The caller's {@code conf} and {@code maxDet} are the box head's own thresholds, as torchvision's
 * {@code box_score_thresh} and {@code box_detections_per_img}: torchvision's mobilenet_v2 Faster R-CNN (as
 * {@link FasterRcnnMobileNetParityTest} builds it; 300 proposals before and after the RPN's NMS, as Lumen's
 * CPU-sized variants) with {@code box_score_thresh=0.01, box_detections_per_img=300} against
 * {@link FasterRcnnNet#detect} at {@code conf 0.01, maxDet 300} on one 256x256 image (min/max size 256/427, no
 * resize). Before the fix the head cut at 0.05 and 100 whatever the caller asked: at most 100 detections, none
 * below 0.05.
 */
class RcnnThresholdParityTest {
    private static final Path DIR = Paths.get("target", "parity", "rcnn_thresholds");

    @Test
    void confAndMaxDetAreTheBoxHeadsThresholds() {
        Parity.run(DIR, """
                import os, torchvision
                out = sys.argv[1]
                torch.manual_seed(1)
                from torchvision.models.detection.backbone_utils import _mobilenet_extractor
                from torchvision.models.detection.anchor_utils import AnchorGenerator
                from torchvision.ops.misc import FrozenBatchNorm2d
                bb = _mobilenet_extractor(torchvision.models.mobilenet_v2(weights=None, norm_layer=FrozenBatchNorm2d),
                        True, 3)
                m = torchvision.models.detection.FasterRCNN(bb, 3,
                        rpn_anchor_generator=AnchorGenerator(((32, 64, 128, 256, 512),) * 3, ((0.5, 1.0, 2.0),) * 3),
                        min_size=256, max_size=427, rpn_pre_nms_top_n_test=300, rpn_post_nms_top_n_test=300,
                        box_score_thresh=0.01, box_detections_per_img=300).eval()
                g = torch.Generator().manual_seed(7)
                with torch.no_grad():  # FrozenBatchNorm2d is no _BatchNorm: calibrate its buffers here
                    for mod in m.modules():
                        if isinstance(mod, FrozenBatchNorm2d):
                            mod.running_mean.copy_(torch.rand(mod.running_mean.shape, generator=g) * 0.2 - 0.1)
                            mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) + 0.5)
                            mod.weight.copy_(torch.rand(mod.weight.shape, generator=g) + 0.5)
                            mod.bias.copy_(torch.rand(mod.bias.shape, generator=g) * 0.2 - 0.1)
                    m.rpn.head.cls_logits.weight.mul_(0.01)
                    m.rpn.head.bbox_pred.weight.mul_(0.001)
                    m.roi_heads.box_predictor.bbox_pred.weight.mul_(0.1)
                    m.roi_heads.box_predictor.cls_score.weight.mul_(30)  # spread scores
                    m.roi_heads.box_predictor.cls_score.bias[0] = 2  # the background likelier: half under 0.05
                sd = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
                save_safetensors(os.path.join(out, "weights.safetensors"), sd)
                x = torch.rand(3, 256, 256)
                with torch.no_grad():
                    det = m([x])[0]
                save_safetensors(os.path.join(out, "ref.safetensors"), {"x": x, "boxes": det["boxes"],
                        "scores": det["scores"], "labels": det["labels"].float()})
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        float[] wb = ref.get("boxes");
        float[] ws = ref.get("scores");
        float[] wl = ref.get("labels");
        int n = ws.length;
        double lowest = 1;
        for (float s : ws) {
            lowest = Math.min(lowest, s);
        }
        System.out.printf("torchvision at box_score_thresh 0.01, 300 per image: %d detections, lowest score %.4f%n", n,
                lowest);
        assertTrue(n > 100 && lowest < 0.05, "the reference must test both cuts: " + n + ", lowest " + lowest);
        try (NDManager m = NDManager.newBaseManager()) {
            FasterRcnnNet net = new FasterRcnnNet("fasterrcnn_mobilenet_v2_fpn", "mobilenet_v2", 2, 256);
            net.module().initialize(m, 0);
            Weights.load(net.module(), DIR.resolve("weights.safetensors"), m);
            NDArray x = m.create(ref.get("x"), new Shape(1, 3, 256, 256));
            Boxes got = net.detect(x, 0.01, 300).get(0);
            int matched = 0;
            double below = 1;
            for (int j = 0; j < got.size(); j++) {
                below = Math.min(below, got.scores()[j]);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < got.size(); j++) {
                    // Lumen's labels are torchvision's minus one (no background)
                    if (got.labels()[j] + 1 == (int) wl[i] && iou(got.xyxy(), j, wb, i) >= 0.9
                            && Math.abs(got.scores()[j] - ws[i]) <= 1e-3) {
                        matched++;
                        break;
                    }
                }
            }
            System.out.printf("Lumen at conf 0.01, max-det 300: %d detections (lowest %.4f), %d of torchvision's %d"
                    + " matched (IoU >= 0.9, same label, score within 1e-3)%n", got.size(), below, matched, n);
            assertEquals(n, got.size(), "detections");
            assertTrue(below < 0.05, "a detection below torchvision's default 0.05: lowest " + below);
            assertTrue(matched >= 0.95 * n, matched + " of " + n);
            // a stricter request is cut by the same head, and gives the first of the looser request's detections
            Boxes fewer = net.detect(x, 0.03, 50).get(0);
            assertEquals(50, fewer.size(), "at conf 0.03, max-det 50");
            for (int k = 0; k < 50; k++) {
                assertTrue(fewer.scores()[k] >= 0.03, "score " + fewer.scores()[k]);
                assertEquals(got.scores()[k], fewer.scores()[k], 1e-6, "score " + k);
            }
        }
    }

    static double iou(double[] a, int i, float[] b, int j) {
        double w = Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]);
        double h = Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        double u = (a[4 * i + 2] - a[4 * i]) * (a[4 * i + 3] - a[4 * i + 1])
                + (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]) - inter;
        return inter / u;
    }
}
