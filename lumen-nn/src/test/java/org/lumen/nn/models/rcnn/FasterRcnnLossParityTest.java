package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/**
 * Faster R-CNN's four training losses and the weight gradients against torchvision 0.14 in training mode, on the
 * same random weights (frozen batch norms, trainable layers 3) and one 3x200x300 image with three boxes. The
 * samplers are random in both, so both sample everything here (sample sizes per image larger than the anchors and
 * proposals: torchvision's {@code rpn_batch_size_per_image} and {@code box_batch_size_per_image}); what is left to
 * compare is the matching, the targets' encoding, the losses' reductions and the backward pass. The samplers
 * themselves are checked separately, against hand-counted cases.
 */
class FasterRcnnLossParityTest {
    private static final Path DIR = Paths.get("target", "parity", "fasterrcnn-loss");
    private static final String[] GRADS = {"rpn.head.conv.0.0.weight", "rpn.head.cls_logits.weight",
        "rpn.head.bbox_pred.weight", "roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.bbox_pred.weight",
        "roi_heads.box_head.fc6.weight", "backbone.fpn.layer_blocks.0.0.weight", "backbone.body.layer4.2.conv3.weight",
        "backbone.body.layer2.0.conv1.weight"};

    @Test
    void lossesAndGradientsEqualTorchvision() {
        Parity.run(DIR, """
                import os, torchvision
                from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
                from torchvision.ops.misc import FrozenBatchNorm2d
                out = sys.argv[1]
                torch.manual_seed(0)
                bb = resnet_fpn_backbone(backbone_name="resnet50", weights=None, norm_layer=FrozenBatchNorm2d,
                        trainable_layers=3)
                m = torchvision.models.detection.FasterRCNN(bb, num_classes=3, min_size=256, max_size=320,
                        rpn_batch_size_per_image=100000, box_batch_size_per_image=100000)
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
                sd = m.state_dict()
                save_safetensors(os.path.join(out, "weights.safetensors"), sd)
                m.train()
                x = torch.rand(3, 200, 300)
                boxes = torch.tensor([[20., 30., 80., 90.], [150., 40., 170., 70.], [100., 120., 260., 190.]])
                labels = torch.tensor([1, 2, 1])
                losses = m([x], [{"boxes": boxes, "labels": labels}])
                total = sum(losses.values())
                total.backward()
                t = {"x": x, "boxes": boxes}
                for k, v in losses.items():
                    t[k] = v.detach().reshape(1)
                named = dict(m.named_parameters())
                for k in %s:
                    t["grad." + k] = named[k].grad
                save_safetensors(os.path.join(out, "ref.safetensors"), t)
                """.formatted(pyList(GRADS)), DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            FasterRcnn net = new FasterRcnn("resnet50", 3, new int[] {32, 64, 128, 256, 512}).withSizes(256, 320);
            net.initialize(m, 0);
            Weights.load(net, DIR.resolve("weights.safetensors"), m);
            net.trainableLayers(3);
            net.train(true);
            for (Map.Entry<String, Parameter> e : net.trainableParameters()) {
                e.getValue().value().setRequiresGradient(true);
            }
            NDArray x = m.create(ref.get("x"), new Shape(3, 200, 300));
            double[] b = new double[12];
            for (int i = 0; i < 12; i++) {
                b[i] = ref.get("boxes")[i];
            }
            Map<String, NDArray> losses;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                losses = FasterRcnnLoss.losses(net, List.of(x), List.of(Boxes.truth(b, new int[] {1, 2, 1})),
                        new FasterRcnnLoss.Sampling(100000, 2000, 100000, 1000));
                gc.backward(losses.get("loss"));
            }
            for (String k : List.of("loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg")) {
                double want = ref.get(k)[0];
                double got = losses.get(k).getFloat();
                System.out.printf("fasterrcnn %-17s torchvision %.6f lumen %.6f%n", k, want, got);
                assertEquals(want, got, 1e-4 * Math.max(1, Math.abs(want)), k);
            }
            Map<String, Parameter> sd = net.stateDict();
            List<String> faults = new java.util.ArrayList<>();
            for (String k : GRADS) {
                float[] want = ref.get("grad." + k);
                float[] got = sd.get(k).value().getGradient().toFloatArray();
                double d = Parity.maxAbsDiff(got, want);
                System.out.printf("fasterrcnn grad %-42s max |diff| %.3g of max %.3g%n", k, d, Parity.maxAbs(want));
                if (!(d <= 1e-3 * Parity.maxAbs(want))) {
                    faults.add(k + ": " + d + " of " + Parity.maxAbs(want));
                }
            }
            assertTrue(faults.isEmpty(), String.join("\n", faults));
            assertEquals(false, sd.get("backbone.body.layer1.0.conv1.weight").value().hasGradient(),
                    "layer1 is frozen (trainable layers 3)");
        }
    }

    @Test
    void matcherAndSamplerFollowTorchvision() {
        // ground truth: one 10x10 box; candidates: itself (IoU 1), a half overlap (IoU 1/3), a disjoint box (0),
        // a box overlapping by 0.2 (IoU 0.2 / 1.8 = 0.111)
        float[] gt = {0, 0, 10, 10};
        float[] boxes = {0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30, 8, 0, 18, 10};
        assertArrayEquals(new int[] {0, -2, -1, -1}, FasterRcnnLoss.match(gt, boxes, 0.7, 0.3, true));
        // without the exact box, the half overlap is the box's best and becomes positive only with low-quality
        float[] rest = java.util.Arrays.copyOfRange(boxes, 4, 16);
        assertArrayEquals(new int[] {-2, -1, -1}, FasterRcnnLoss.match(gt, rest, 0.7, 0.3, false));
        assertArrayEquals(new int[] {0, -1, -1}, FasterRcnnLoss.match(gt, rest, 0.7, 0.3, true));
        assertArrayEquals(new int[] {-1, -1, -1}, FasterRcnnLoss.match(new float[0], rest, 0.7, 0.3, true));
        // sampler: 300 positives and 5,000 negatives, batch 256 at half -> 128 and 128; few positives -> the rest
        int[] match = new int[5300];
        for (int i = 300; i < 5300; i++) {
            match[i] = -1;
        }
        int[][] pick = FasterRcnnLoss.sample(match, 256, 0.5, new SplittableRandom(1));
        assertEquals(128, pick[0].length);
        assertEquals(128, pick[1].length);
        assertEquals(128, java.util.Arrays.stream(pick[0]).distinct().filter(i -> i < 300).count());
        int[] few = new int[1000];
        java.util.Arrays.fill(few, -1);
        few[3] = 0;
        few[7] = -2; // ignored: never sampled
        int[][] p2 = FasterRcnnLoss.sample(few, 256, 0.5, new SplittableRandom(1));
        assertArrayEquals(new int[] {3}, p2[0]);
        assertEquals(255, p2[1].length);
        assertTrue(java.util.Arrays.stream(p2[1]).noneMatch(i -> i == 7 || i == 3));
    }

    private static String pyList(String[] names) {
        return "[" + String.join(", ", java.util.Arrays.stream(names).map(n -> "\"" + n + "\"").toList()) + "]";
    }
}
