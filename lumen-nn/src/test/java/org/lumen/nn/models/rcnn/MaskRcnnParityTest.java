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
import org.lumen.nn.models.MaskDetections;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/**
 * Mask R-CNN against torchvision 0.14's {@code maskrcnn_resnet50_fpn} with the same random weights on one
 * 3x240x360 image (min/max size 256/320, so the transform shrinks it to 213x320 and the masks are pasted back at
 * 240x360; 3 classes, score threshold 0; the tricks of {@link FasterRcnnParityTest}
 * against ties, and the mask logits scaled down from thousands to a few units so that the probabilities are not
 * all 0 or 1). The bar: at least 95% of torchvision's detections matched (IoU 0.9, same label, score within
 * 1e-3) and, for matched detections, the binary masks at image size (probability above 0.5) of IoU at least 0.95
 * with torchvision's; the 28x28 probabilities of matched detections are compared too.
 */
class MaskRcnnParityTest {
    private static final Path DIR = Paths.get("target", "parity", "maskrcnn");

    @Test
    void detectionsAndMasksEqualTorchvision() {
        Parity.run(DIR, """
                import os, torchvision
                out = sys.argv[1]
                torch.manual_seed(0)
                m = torchvision.models.detection.maskrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                        num_classes=3, min_size=256, max_size=320, box_score_thresh=0.0).eval()
                randomize_batchnorm(m, 5)
                with torch.no_grad():
                    m.rpn.head.cls_logits.weight.mul_(0.01)
                    m.rpn.head.bbox_pred.weight.mul_(0.001)
                    m.roi_heads.box_predictor.bbox_pred.weight.mul_(0.1)
                    m.roi_heads.box_predictor.cls_score.weight.mul_(30)
                    m.roi_heads.mask_predictor.mask_fcn_logits.weight.mul_(0.001)  # logits of a few units
                sd = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
                save_safetensors(os.path.join(out, "weights.safetensors"), sd)
                x = torch.rand(3, 240, 360)
                with torch.no_grad():
                    # the steps of m([x]), keeping the masks before pasting ([N, 1, 28, 28])
                    images, _ = m.transform([x])
                    feats = m.backbone(images.tensors)
                    props, _ = m.rpn(images, feats)
                    dets, _ = m.roi_heads(feats, props, images.image_sizes)
                    probs = dets[0]["masks"][:, 0].clone()
                    det = m.transform.postprocess(dets, images.image_sizes, [tuple(x.shape[-2:])])[0]
                t = {"x": x, "boxes": det["boxes"], "scores": det["scores"], "labels": det["labels"].float(),
                     "probs": probs, "masks": (det["masks"][:, 0] > 0.5).float()}
                save_safetensors(os.path.join(out, "ref.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            MaskRcnn net = new MaskRcnn("resnet50", 3, new int[] {32, 64, 128, 256, 512}).withSizes(256, 320)
                    .withDetections(0.0, 100);
            net.initialize(m, 0);
            Weights.load(net, DIR.resolve("weights.safetensors"), m);
            NDArray x = m.create(ref.get("x"), new Shape(3, 240, 360));
            FasterRcnn.Pass pass = net.pass(List.of(x));
            float[] probs = net.maskProbs(pass).get(0).toFloatArray();
            MaskDetections got = net.masksOf(pass, List.of(x)).get(0); // what detectMasks gives, in probs' order
            assertEquals(pass.dets().get(0).size(), got.size());

            float[] wb = ref.get("boxes");
            float[] ws = ref.get("scores");
            float[] wl = ref.get("labels");
            float[] wp = ref.get("probs");
            float[] wm = ref.get("masks");
            int n = ws.length;
            int px = 240 * 360;
            int cell = MaskRcnn.MASK_SIZE * MaskRcnn.MASK_SIZE;
            assertTrue(n >= 50, "torchvision gave " + n + " detections");
            int matched = 0;
            double minIou = 1;
            double sumIou = 0;
            double worstProb = 0;
            long foreground = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < got.size(); j++) {
                    if (got.boxes().labels()[j] == (int) wl[i] && boxIou(got.boxes().xyxy(), j, wb, i) >= 0.9
                            && Math.abs(got.boxes().scores()[j] - ws[i]) <= 1e-3) {
                        matched++;
                        byte[] mine = got.mask(j);
                        long inter = 0;
                        long union = 0;
                        for (int p = 0; p < px; p++) {
                            boolean a = mine[p] != 0;
                            boolean b = wm[i * px + p] > 0.5f;
                            inter += a && b ? 1 : 0;
                            union += a || b ? 1 : 0;
                            foreground += b ? 1 : 0;
                        }
                        double iou = union == 0 ? 1 : (double) inter / union;
                        minIou = Math.min(minIou, iou);
                        sumIou += iou;
                        assertEquals(got.rle(j).area(), count(mine), "RLE area");
                        for (int c = 0; c < cell; c++) {
                            worstProb = Math.max(worstProb, Math.abs(probs[j * cell + c] - wp[i * cell + c]));
                        }
                        break;
                    }
                }
            }
            double meanIou = sumIou / Math.max(matched, 1);
            String msg = String.format("maskrcnn: %d of %d detections matched (IoU >= 0.9, same label, score within"
                    + " 1e-3); mask IoU of matched: min %.4f, mean %.4f; 28x28 probabilities max |diff| %.2g;"
                    + " %d foreground pixels in torchvision's matched masks", matched, n, minIou, meanIou, worstProb,
                    foreground);
            System.out.println(msg);
            assertTrue(matched >= 0.95 * n, msg);
            assertTrue(minIou >= 0.95, msg);
            assertTrue(worstProb <= 1e-3, msg);
            assertTrue(foreground > 1000, "masks are not trivially empty: " + msg);
        }
    }

    private static long count(byte[] mask) {
        long c = 0;
        for (byte b : mask) {
            c += b != 0 ? 1 : 0;
        }
        return c;
    }

    private static double boxIou(double[] a, int i, float[] b, int j) {
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
