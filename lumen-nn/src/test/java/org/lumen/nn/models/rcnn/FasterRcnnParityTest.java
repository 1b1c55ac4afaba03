package org.lumen.nn.models.rcnn;

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
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/**
 * Faster R-CNN against torchvision 0.14's {@code fasterrcnn_resnet50_fpn} with the same random weights (batch
 * statistics randomised, {@code num_batches_tracked} dropped as in a frozen-norm state dict) on one 3x200x300
 * image with min/max size 256/320 (so the transform resizes to 213x320 and pads to 224x320): the FPN levels,
 * the RPN's proposals and the final detections (score threshold 0 so that the random heads give 100).
 * The bar: at least 95% of torchvision's top-100 detections matched at IoU 0.9 with the same label
 * and a score within 1e-3.
 */
class FasterRcnnParityTest {
    private static final Path DIR = Paths.get("target", "parity", "fasterrcnn");

    @Test
    void detectionsEqualTorchvision() {
        Parity.run(DIR, """
                import os, torchvision
                out = sys.argv[1]
                torch.manual_seed(0)
                m = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                        num_classes=3, min_size=256, max_size=320, box_score_thresh=0.0).eval()
                randomize_batchnorm(m, 5)
                with torch.no_grad():  # objectness logits of a few units, not ~70: no ties at sigmoid = 1.0
                    m.rpn.head.cls_logits.weight.mul_(0.01)
                    m.rpn.head.bbox_pred.weight.mul_(0.001)   # proposals near their anchors, not slivers
                    m.roi_heads.box_predictor.bbox_pred.weight.mul_(0.1)
                    m.roi_heads.box_predictor.cls_score.weight.mul_(30)  # spread scores: no near-ties in the top 100
                sd = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
                save_safetensors(os.path.join(out, "weights.safetensors"), sd)
                x = torch.rand(3, 200, 300)
                with torch.no_grad():
                    images, _ = m.transform([x])
                    feats = m.backbone(images.tensors)
                    props, _ = m.rpn(images, feats)
                    hobj, hdel = m.rpn.head(list(feats.values()))
                    anc = m.rpn.anchor_generator(images, list(feats.values()))[0]
                    det = m([x])[0]
                t = {"x": x, "boxes": det["boxes"], "scores": det["scores"], "labels": det["labels"].float(),
                     "proposals": props[0], "size": torch.tensor(images.image_sizes[0]).float()}
                t["obj0"] = hobj[0]
                t["del0"] = hdel[0]
                t["anchors"] = anc
                for k, v in feats.items():
                    t["fpn_" + k] = v
                save_safetensors(os.path.join(out, "ref.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            FasterRcnn net = new FasterRcnn("resnet50", 3, new int[] {32, 64, 128, 256, 512}).withSizes(256, 320)
                    .withDetections(0.0, 100);
            net.initialize(m, 0);
            Weights.load(net, DIR.resolve("weights.safetensors"), m);
            NDArray x = m.create(ref.get("x"), new Shape(3, 200, 300));
            List<NDArray> feats = net.featuresOf(List.of(x));
            String[] names = {"0", "1", "2", "3", "pool"};
            for (int l = 0; l < 5; l++) {
                float[] want = ref.get("fpn_" + names[l]);
                double d = Parity.maxAbsDiff(feats.get(l).toFloatArray(), want);
                System.out.printf("fasterrcnn fpn %-4s max |diff| %.3g of max %.3g%n", names[l], d, Parity.maxAbs(want));
                assertTrue(d <= 1e-4 * Parity.maxAbs(want), "fpn " + names[l] + ": " + d);
            }
            float[][] head = net.headOf(feats.get(0));
            System.out.printf("obj0 diff %.3g of %.3g; del0 diff %.3g%n", Parity.maxAbsDiff(head[0], ref.get("obj0")),
                    Parity.maxAbs(ref.get("obj0")), Parity.maxAbsDiff(head[1], ref.get("del0")));
            float[] anc = AnchorGenerator.anchors(32, 56, 80, 4, 4);
            float[] wantAnc = java.util.Arrays.copyOf(ref.get("anchors"), anc.length);
            assertEquals(0.0, Parity.maxAbsDiff(anc, wantAnc), "anchors of level 0");
            assertTrue(Parity.maxAbsDiff(head[0], ref.get("obj0")) <= 1e-4 * Parity.maxAbs(ref.get("obj0")), "objectness");
            float[] props = net.proposalsOf(List.of(x)).get(0).toFloatArray();
            float[] wantProps = ref.get("proposals");
            assertEquals(wantProps.length, props.length, "proposal count");
            // as sets, coordinates within 0.05 px: random RPN weights make near-equal scores (the order of near-ties
            // may differ) and sliver boxes a few hundredths of a pixel wide (where IoU is no measure of agreement)
            int found = 0;
            for (int i = 0; i < wantProps.length / 4; i++) {
                for (int j = 0; j < props.length / 4; j++) {
                    double d = 0;
                    for (int c = 0; c < 4; c++) {
                        d = Math.max(d, Math.abs(props[4 * j + c] - wantProps[4 * i + c]));
                    }
                    if (d <= 0.05) {
                        found++;
                        break;
                    }
                }
            }
            System.out.printf("fasterrcnn proposals: %d of %d found (corners within 0.05 px)%n", found,
                    wantProps.length / 4);
            assertTrue(found >= 0.95 * wantProps.length / 4, found + " of " + wantProps.length / 4);

            Boxes got = net.detect(List.of(x)).get(0);
            float[] wb = ref.get("boxes");
            float[] ws = ref.get("scores");
            float[] wl = ref.get("labels");
            int n = ws.length;
            assertTrue(n >= 90, "torchvision gave " + n + " detections");
            int matched = 0;
            double worstScore = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < got.size(); j++) {
                    float[] gb = {(float) got.xyxy()[4 * j], (float) got.xyxy()[4 * j + 1], (float) got.xyxy()[4 * j + 2],
                        (float) got.xyxy()[4 * j + 3]};
                    if (got.labels()[j] == (int) wl[i] && iou(gb, 0, wb, i) >= 0.9
                            && Math.abs(got.scores()[j] - ws[i]) <= 1e-3) {
                        matched++;
                        worstScore = Math.max(worstScore, Math.abs(got.scores()[j] - ws[i]));
                        break;
                    }
                }
            }
            System.out.printf("fasterrcnn detections: %d of %d matched (IoU >= 0.9, same label, score within 1e-3;"
                    + " worst score difference %.2g)%n", matched, n, worstScore);
            assertTrue(matched >= 0.95 * n, matched + " of " + n);
        }
    }

    private static double iou(float[] a, int i, float[] b, int j) {
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
