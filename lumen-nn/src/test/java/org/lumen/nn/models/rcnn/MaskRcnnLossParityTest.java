package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
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
import org.lumen.nn.module.Parameter;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;

/**
 * Mask R-CNN's five training losses and the weight gradients against torchvision 0.14's {@code MaskRCNN} in
 * training mode, on a ResNet-18 FPN body ({@code resnet_fpn_backbone}, frozen batch norms with random statistics,
 * trainable layers 3) with anchors 8-128, the same random weights, and two images of different sizes (96x128 and
 * 100x120, min/max size 128/160, so both are resized, the masks with them, and padded) with two and three objects
 * whose masks are ellipses inside their boxes. As in {@link FasterRcnnLossParityTest} both sides sample everything
 * (sample sizes larger than the anchors and proposals), so the mask branch sees the same positive proposals in
 * both; the mask loss is a mean, indifferent to their order. The proposals are cut to 300 per image (both sides)
 * to keep the mask branch small, and the mask logits' weights scaled by 0.3 so that the logits are of order one,
 * where the loss depends on the targets: the targets' RoIAlign with sampling ratio 2 instead of torchvision's
 * adaptive one moved {@code loss_mask} by 6e-5 relative, which the 1e-5 tolerance catches.
 */
class MaskRcnnLossParityTest {
    private static final Path DIR = Paths.get("target", "parity", "maskrcnn-loss");
    private static final String[] GRADS = {"roi_heads.mask_predictor.mask_fcn_logits.weight",
        "roi_heads.mask_predictor.mask_fcn_logits.bias", "roi_heads.mask_predictor.conv5_mask.weight",
        "roi_heads.mask_head.0.0.weight", "roi_heads.mask_head.3.0.weight", "roi_heads.box_predictor.cls_score.weight",
        "rpn.head.conv.0.0.weight", "backbone.fpn.layer_blocks.0.0.weight", "backbone.fpn.inner_blocks.1.0.weight",
        "backbone.body.layer4.1.conv2.weight", "backbone.body.layer2.0.conv1.weight"};
    private static final double[][] BOXES = {{10, 12, 50, 60, 60, 20, 120, 80}, {5, 5, 40, 30, 50, 40, 110, 95, 20,
        50, 60, 90}};
    private static final int[][] LABELS = {{1, 2}, {2, 1, 1}};
    private static final int[][] SIZES = {{96, 128}, {100, 120}};

    @Test
    void lossesAndGradientsEqualTorchvision() {
        Parity.run(DIR, """
                import os, torchvision
                from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
                from torchvision.models.detection.anchor_utils import AnchorGenerator
                from torchvision.ops.misc import FrozenBatchNorm2d
                out = sys.argv[1]
                torch.manual_seed(0)
                bb = resnet_fpn_backbone(backbone_name="resnet18", weights=None, norm_layer=FrozenBatchNorm2d,
                        trainable_layers=3)
                anchors = AnchorGenerator(((8,), (16,), (32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 5)
                m = torchvision.models.detection.MaskRCNN(bb, num_classes=3, min_size=128, max_size=160,
                        rpn_anchor_generator=anchors, rpn_batch_size_per_image=100000,
                        box_batch_size_per_image=100000, rpn_pre_nms_top_n_train=300,
                        rpn_post_nms_top_n_train=300)
                g = torch.Generator().manual_seed(5)
                for mod in m.modules():
                    if isinstance(mod, FrozenBatchNorm2d):
                        mod.running_mean.copy_(torch.randn(mod.running_mean.shape, generator=g) * 0.1)
                        mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) * 0.5 + 0.75)
                        mod.weight.copy_(torch.rand(mod.weight.shape, generator=g) * 0.5 + 0.5)
                        mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
                with torch.no_grad():
                    m.rpn.head.cls_logits.weight.mul_(0.01)
                    m.rpn.head.bbox_pred.weight.mul_(0.001)
                    m.roi_heads.mask_predictor.mask_fcn_logits.weight.mul_(0.3)
                save_safetensors(os.path.join(out, "weights.safetensors"), m.state_dict())
                m.train()
                boxes = %s
                labels = %s
                sizes = %s
                images, targets, t = [], [], {}
                for i, (h, w) in enumerate(sizes):
                    x = torch.rand(3, h, w)
                    b = torch.tensor(boxes[i], dtype=torch.float32).reshape(-1, 4)
                    yy = torch.arange(h, dtype=torch.float32)[:, None] + 0.5
                    xx = torch.arange(w, dtype=torch.float32)[None, :] + 0.5
                    masks = []
                    for x1, y1, x2, y2 in b.tolist():
                        cx, cy, rx, ry = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2, (y2 - y1) / 2
                        masks.append((((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1).to(torch.uint8))
                    masks = torch.stack(masks)
                    images.append(x)
                    targets.append({"boxes": b, "labels": torch.tensor(labels[i]), "masks": masks})
                    t["x%%d" %% i] = x
                    t["masks%%d" %% i] = masks.float()
                losses = m(images, targets)
                total = sum(losses.values())
                total.backward()
                for k, v in losses.items():
                    t[k] = v.detach().reshape(1)
                named = dict(m.named_parameters())
                for k in %s:
                    t["grad." + k] = named[k].grad
                save_safetensors(os.path.join(out, "ref.safetensors"), t)
                """.formatted(pyNested(BOXES), java.util.Arrays.deepToString(LABELS),
                java.util.Arrays.deepToString(SIZES), pyList(GRADS)), DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            MaskRcnn net = new MaskRcnn("resnet18", 3, new int[] {8, 16, 32, 64, 128}).withSizes(128, 160);
            net.initialize(m, 0);
            Weights.load(net, DIR.resolve("weights.safetensors"), m);
            net.trainableLayers(3);
            net.train(true);
            for (Map.Entry<String, Parameter> e : net.trainableParameters()) {
                e.getValue().value().setRequiresGradient(true);
            }
            List<NDArray> images = new ArrayList<>();
            List<Boxes> targets = new ArrayList<>();
            List<float[][]> masks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int h = SIZES[i][0];
                int w = SIZES[i][1];
                images.add(m.create(ref.get("x" + i), new Shape(3, h, w)));
                targets.add(Boxes.truth(BOXES[i], LABELS[i]));
                float[] all = ref.get("masks" + i);
                float[][] per = new float[LABELS[i].length][];
                for (int j = 0; j < per.length; j++) {
                    per[j] = java.util.Arrays.copyOfRange(all, j * h * w, (j + 1) * h * w);
                }
                masks.add(per);
            }
            Map<String, NDArray> losses;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                losses = MaskRcnnLoss.losses(net, images, targets, masks,
                        new FasterRcnnLoss.Sampling(100000, 300, 100000, 1000));
                gc.backward(losses.get("loss"));
            }
            assertEquals(List.of("loss", "loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg",
                    "loss_mask"), List.copyOf(losses.keySet()));
            double sum = 0; // Lumen's five
            List<String> lossFaults = new ArrayList<>();
            for (String k : List.of("loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg",
                    "loss_mask")) {
                double want = ref.get(k)[0];
                double got = losses.get(k).getFloat();
                sum += got;
                System.out.printf("maskrcnn %-17s torchvision %.7f lumen %.7f%n", k, want, got);
                if (!(Math.abs(want - got) <= 1e-5 * Math.max(1, Math.abs(want)))) {
                    lossFaults.add(k + ": torchvision " + want + ", lumen " + got);
                }
            }
            assertEquals(sum, losses.get("loss").getFloat(), 1e-5 * sum, "loss is the sum of the five");
            assertTrue(ref.get("loss_mask")[0] > 0.1, "a mask loss of some size: " + ref.get("loss_mask")[0]);
            Map<String, Parameter> sd = net.stateDict();
            List<String> faults = new ArrayList<>();
            for (String k : GRADS) {
                float[] want = ref.get("grad." + k);
                float[] got = sd.get(k).value().getGradient().toFloatArray();
                double d = Parity.maxAbsDiff(got, want);
                System.out.printf("maskrcnn grad %-48s max |diff| %.3g of max %.3g%n", k, d, Parity.maxAbs(want));
                if (!(d <= 1e-3 * Parity.maxAbs(want)) || Parity.maxAbs(want) == 0) {
                    faults.add(k + ": " + d + " of " + Parity.maxAbs(want));
                }
            }
            assertTrue(lossFaults.isEmpty(), String.join("\n", lossFaults));
            assertTrue(faults.isEmpty(), String.join("\n", faults));
        }
    }

    private static String pyList(String[] names) {
        return "[" + String.join(", ", java.util.Arrays.stream(names).map(n -> "\"" + n + "\"").toList()) + "]";
    }

    private static String pyNested(double[][] rows) {
        List<String> out = new ArrayList<>();
        for (double[] r : rows) {
            out.add(java.util.Arrays.toString(r));
        }
        return "[" + String.join(", ", out) + "]";
    }
}
