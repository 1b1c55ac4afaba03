package org.lumen.nn.models.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.testing.Parity;

class YoloSegLossTest {
    @Test
    void maskLossByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 8 x 8 input, 2 x 2 prototypes, one prototype, one positive anchor (of two) with coefficient 1
            NDArray coef = m.create(new float[] {1f, 7f}, new Shape(1, 2, 1));
            NDArray proto = m.create(new float[] {2f, 5f, -1f, 3f}, new Shape(1, 1, 2, 2));
            // the box is the left half: prototype columns [0, 1), rows [0, 2); area 0.5 of the image
            double[][][] boxes = {{{0, 0, 4, 8}}};
            float[] mask = new float[64];
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    mask[r * 8 + c] = 1; // top-left quarter: prototype pixel (0, 0) in, (1, 0) out
                }
            }
            NDArray loss = YoloSegNet.maskLoss(coef, proto, new int[][] {{0, -1}}, boxes,
                    List.<float[][]>of(new float[][] {mask}), 8, 8);
            // (bce(2, 1) + bce(-1, 0)) / 4 pixels / 0.5 area, one positive
            double want = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1))) / 4 / 0.5;
            assertEquals(want, loss.getFloat(), 1e-6);
        }
    }

    @Test
    void masksAreTheCroppedBoxAfterBilinearUpsampling() {
        try (NDManager m = NDManager.newBaseManager()) {
            // sigmoid(10) everywhere, cropped to prototype columns/rows 2..5 of 8; upsampled x4 with
            // align_corners=False, output pixel 8 samples 1.625 (0.625 > 0.5: in), 7 samples 1.375 (out),
            // 23 samples 5.375 (in), 24 samples 5.625 (out): the box [8, 24) except its four corner pixels,
            // where the two edge weights multiply (0.625^2 < 0.5)
            NDArray proto = m.full(new Shape(1, 8, 8), 10f);
            NDArray coef = m.create(new float[] {1f}, new Shape(1, 1));
            boolean[][] masks = YoloSegNet.masks(coef, proto, new double[] {8, 8, 24, 24}, 32, 32);
            for (int r = 0; r < 32; r++) {
                for (int c = 0; c < 32; c++) {
                    boolean corner = (r == 8 || r == 23) && (c == 8 || c == 23);
                    assertEquals(r >= 8 && r < 24 && c >= 8 && c < 24 && !corner, masks[0][r * 32 + c], r + "," + c);
                }
            }
            var rle = YoloSegNet.Segmentation.rle(masks[0], 32, 32);
            assertEquals(16 * 16 - 4, rle.area());
            assertEquals(List.of(8.0, 8.0, 16.0, 16.0), java.util.Arrays.stream(rle.bbox()).boxed().toList());
        }
    }

    private static final Path DIR = Paths.get("target", "parity", "yolo-seg");

    @Test
    void maskLossAndMasksEqualATorchRetypingOfUltralytics() {
        Parity.run(DIR, """
                import os
                import torch.nn.functional as F
                out = sys.argv[1]
                g = torch.Generator().manual_seed(0)
                N, A, nm, H, W = 2, 40, 32, 32, 48
                mh, mw = H // 4, W // 4
                coef = torch.randn(N, A, nm, generator=g, requires_grad=True)
                proto = torch.randn(N, nm, mh, mw, generator=g, requires_grad=True)
                G = 3
                xy = torch.rand(N, G, 2, generator=g) * torch.tensor([W * 0.6, H * 0.6])
                wh = torch.rand(N, G, 2, generator=g) * torch.tensor([W * 0.4, H * 0.4]) + 2
                gtb = torch.cat([xy, xy + wh], 2)
                masks = (torch.rand(N, G, H, W, generator=g) > 0.5).float()
                gt = torch.randint(-1, G, (N, A), generator=g)
                fg = gt >= 0
                # Ultralytics v8SegmentationLoss, non-overlap masks, typed again from its definition
                def crop_mask(x, b):
                    n, h, w = x.shape
                    x1, y1, x2, y2 = torch.chunk(b[:, :, None], 4, 1)
                    r = torch.arange(w)[None, None, :]
                    c = torch.arange(h)[None, :, None]
                    return x * ((r >= x1) * (r < x2) * (c >= y1) * (c < y2))
                small = F.interpolate(masks.view(N * G, 1, H, W), (mh, mw), mode="nearest").view(N, G, mh, mw)
                tb = gtb[torch.arange(N)[:, None], gt.clamp(min=0)]  # [N, A, 4]
                norm = tb / torch.tensor([W, H, W, H])
                marea = (norm[..., 2] - norm[..., 0]) * (norm[..., 3] - norm[..., 1])
                mxyxy = norm * torch.tensor([mw, mh, mw, mh])
                loss = 0
                for i in range(N):
                    idx = gt[i][fg[i]]
                    pm = torch.einsum("in,nhw->ihw", coef[i][fg[i]], proto[i])
                    l = F.binary_cross_entropy_with_logits(pm, small[i][idx], reduction="none")
                    loss = loss + (crop_mask(l, mxyxy[i][fg[i]]).mean(dim=(1, 2)) / marea[i][fg[i]]).sum()
                loss = loss / fg.sum()
                loss.backward()
                # process_mask (sigmoid, crop at prototype resolution, bilinear upsampling, > 0.5)
                pb = gtb[0]
                pm = (coef[0, :G] @ proto[0].view(nm, -1)).sigmoid().view(-1, mh, mw)
                pm = crop_mask(pm, pb * torch.tensor([mw / W, mh / H, mw / W, mh / H]))
                pm = F.interpolate(pm[None], (H, W), mode="bilinear", align_corners=False)[0].gt(0.5).float()
                save_safetensors(os.path.join(out, "seg.safetensors"), {"coef": coef.detach(),
                    "proto": proto.detach(), "gtb": gtb, "masks": masks, "gt": gt.float(), "loss": loss.detach(),
                    "gcoef": coef.grad, "gproto": proto.grad, "pmask": pm})
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("seg.safetensors"));
        int n = 2, a = 40, nm = 32, h = 32, w = 48, g = 3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray coef = m.create(ref.get("coef"), new Shape(n, a, nm));
            NDArray proto = m.create(ref.get("proto"), new Shape(n, nm, h / 4, w / 4));
            coef.setRequiresGradient(true);
            proto.setRequiresGradient(true);
            int[][] gt = new int[n][a];
            double[][][] boxes = new double[n][g][4];
            List<float[][]> masks = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < a; i++) {
                    gt[b][i] = (int) ref.get("gt")[b * a + i];
                }
                float[][] mk = new float[g][h * w];
                for (int j = 0; j < g; j++) {
                    for (int k = 0; k < 4; k++) {
                        boxes[b][j][k] = ref.get("gtb")[(b * g + j) * 4 + k];
                    }
                    System.arraycopy(ref.get("masks"), (b * g + j) * h * w, mk[j], 0, h * w);
                }
                masks.add(mk);
            }
            float loss;
            try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray l = YoloSegNet.maskLoss(coef, proto, gt, boxes, masks, h, w);
                loss = l.getFloat();
                gc.backward(l);
            }
            float want = ref.get("loss")[0];
            assertEquals(want, loss, 1e-5 * Math.max(1, Math.abs(want)), "mask loss");
            assertTrue(Parity.maxAbsDiff(coef.getGradient().toFloatArray(), ref.get("gcoef")) < 1e-6, "d/dcoef");
            assertTrue(Parity.maxAbsDiff(proto.getGradient().toFloatArray(), ref.get("gproto")) < 1e-6, "d/dproto");

            double[] xyxy = new double[4 * g];
            for (int k = 0; k < 4 * g; k++) {
                xyxy[k] = ref.get("gtb")[k];
            }
            boolean[][] got = YoloSegNet.masks(coef.get(0).get(":" + g), proto.get(0), xyxy, h, w);
            float[] pm = ref.get("pmask");
            int differ = 0;
            int on = 0;
            for (int j = 0; j < g; j++) {
                for (int i = 0; i < h * w; i++) {
                    on += pm[j * h * w + i] > 0 ? 1 : 0;
                    differ += got[j][i] != (pm[j * h * w + i] > 0) ? 1 : 0;
                }
            }
            assertTrue(on > 50, "the reference masks are not empty: " + on);
            assertEquals(0, differ, "mask pixels differing from process_mask");
        }
    }
}
