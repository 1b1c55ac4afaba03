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
import java.util.List;
import java.util.Map;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/**
 * Faster R-CNN on MobileNetV2: the four training losses and weight gradients against torchvision 0.14 in training
 * mode (its mobilenet detector layout, frozen batch norms, trainable layers 3 = features 7-18), same random weights,
 * one 3x200x300 image with three boxes, every anchor and proposal sampled (the samplers are random in both; see
 * {@link FasterRcnnLossParityTest} for them). 15 anchors per place, so this checks their matching and the
 * head's [N, A, 4] layout with A = 15.
 */
class FasterRcnnMobileNetLossParityTest {
    private static final Path DIR = Paths.get("target", "parity", "fasterrcnn-mobilenet-loss");
    private static final String[] GRADS = {"rpn.head.conv.0.0.weight", "rpn.head.cls_logits.weight",
        "rpn.head.bbox_pred.weight", "roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.bbox_pred.weight",
        "roi_heads.box_head.fc6.weight", "backbone.fpn.layer_blocks.0.0.weight", "backbone.fpn.inner_blocks.0.0.weight",
        "backbone.body.18.0.weight", "backbone.body.14.conv.1.0.weight", "backbone.body.7.conv.0.0.weight"};

    @Test
    void lossesAndGradientsEqualTorchvision() {
        Parity.run(DIR, """
                import os, torchvision
                from torchvision.models.detection.backbone_utils import _mobilenet_extractor
                from torchvision.models.detection.anchor_utils import AnchorGenerator
                from torchvision.ops.misc import FrozenBatchNorm2d
                out = sys.argv[1]
                torch.manual_seed(0)
                bb = _mobilenet_extractor(torchvision.models.mobilenet_v2(weights=None, norm_layer=FrozenBatchNorm2d),
                        True, 3)
                m = torchvision.models.detection.FasterRCNN(bb, num_classes=3, min_size=256, max_size=320,
                        rpn_anchor_generator=AnchorGenerator(((32, 64, 128, 256, 512),) * 3, ((0.5, 1.0, 2.0),) * 3),
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
            int[] sizes = {32, 64, 128, 256, 512};
            FasterRcnn net = new FasterRcnn("mobilenet_v2", 3, new int[][] {sizes, sizes, sizes}, true)
                    .withSizes(256, 320);
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
                System.out.printf("fasterrcnn_mobilenet %-17s torchvision %.6f lumen %.6f%n", k, want, got);
                assertEquals(want, got, 1e-4 * Math.max(1, Math.abs(want)), k);
            }
            Map<String, Parameter> sd = net.stateDict();
            List<String> faults = new java.util.ArrayList<>();
            for (String k : GRADS) {
                float[] want = ref.get("grad." + k);
                float[] got = sd.get(k).value().getGradient().toFloatArray();
                double d = Parity.maxAbsDiff(got, want);
                System.out.printf("fasterrcnn_mobilenet grad %-42s max |diff| %.3g of max %.3g%n", k, d, Parity.maxAbs(want));
                if (!(d <= 1e-3 * Parity.maxAbs(want))) {
                    faults.add(k + ": " + d + " of " + Parity.maxAbs(want));
                }
            }
            assertTrue(faults.isEmpty(), String.join("\n", faults));
            assertEquals(false, sd.get("backbone.body.6.conv.0.0.weight").value().hasGradient(),
                    "features.6 is frozen (trainable layers 3)");
            assertEquals(false, sd.get("backbone.body.0.0.weight").value().hasGradient(), "features.0 is frozen");
        }
    }

    private static String pyList(String[] names) {
        return "[" + String.join(", ", java.util.Arrays.stream(names).map(n -> "\"" + n + "\"").toList()) + "]";
    }
}
