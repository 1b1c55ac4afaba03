package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.weights.Weights;

/** fasterrcnn_mobilenet_v2_fpn's layout, anchors, transfer from a classifier and freezing, without torchvision. */
class FasterRcnnMobileNetTest {
    @Test
    void registeredWithTorchvisionLayout() {
        assertTrue(DetectionNets.names().contains("fasterrcnn_mobilenet_v2_fpn"));
        DetectionNet net = DetectionNets.create("fasterrcnn_mobilenet_v2_fpn", 2, 64);
        Map<String, Parameter> sd = net.module().stateDict();
        // 15 anchors per place: 5 sizes x 3 ratios
        assertEquals(new Shape(15, 256, 1, 1), sd.get("rpn.head.cls_logits.weight").shape());
        assertEquals(new Shape(60, 256, 1, 1), sd.get("rpn.head.bbox_pred.weight").shape());
        // FPN on features.14 (160 channels) and features.18 (1,280)
        assertEquals(new Shape(256, 160, 1, 1), sd.get("backbone.fpn.inner_blocks.0.0.weight").shape());
        assertEquals(new Shape(256, 1280, 1, 1), sd.get("backbone.fpn.inner_blocks.1.0.weight").shape());
        assertFalse(sd.containsKey("backbone.fpn.inner_blocks.2.0.weight"));
        assertEquals(new Shape(3, 1024), sd.get("roi_heads.box_predictor.cls_score.weight").shape());
        // frozen batch norms: the four buffers, no num_batches_tracked
        assertTrue(sd.containsKey("backbone.body.17.conv.3.running_var"));
        assertFalse(sd.containsKey("backbone.body.17.conv.3.num_batches_tracked"));
        // torchvision's trainable_layers=3 on MobileNetV2 (stage starts 0, 2, 4, 7, 14, 18): features 0-6 frozen
        assertFalse(sd.get("backbone.body.6.conv.0.0.weight").trainable());
        assertTrue(sd.get("backbone.body.7.conv.0.0.weight").trainable());
        assertTrue(sd.get("backbone.body.18.0.weight").trainable());
        assertFalse(sd.get("backbone.body.18.1.weight").trainable(), "frozen norms never train");
        assertEquals("fasterrcnn_mobilenet_v2_fpn", net.arch());
    }

    @Test
    void anchorsFollowTorchvisionOrder() {
        // generate_anchors: ratio-major, then size; at place (0, 0): ratio 0.5 sizes 32, 64 then ratio 1 ...
        float[] a = AnchorGenerator.anchors(new int[] {32, 64}, 1, 2, 32, 32);
        assertEquals(2 * 6 * 4, a.length);
        // ratio 0.5: h = 0.7071 s, w = 1.4142 s -> 32: (-23, -11, 23, 11), 64: (-45, -23, 45, 23)
        assertArrayEquals(new float[] {-23, -11, 23, 11, -45, -23, 45, 23, -16, -16, 16, 16, -32, -32, 32, 32},
                java.util.Arrays.copyOf(a, 16));
        // second place shifted by the stride in x
        assertEquals(32 - 23, a[24], 0);
        assertThrows(IllegalArgumentException.class,
                () -> new FasterRcnn("mobilenet_v2", 3, new int[][] {{32}, {64}}, true), "3 levels needed");
    }

    @Test
    void classifierWeightsTransferIntoTheBody(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone cls = Backbones.create("mobilenet_v2", 10, 3);
            cls.initialize(m, 7);
            Path file = dir.resolve("cls.safetensors");
            Weights.save(cls, file, Map.of());
            DetectionNet det = DetectionNets.create("fasterrcnn_mobilenet_v2_fpn", 2, 64);
            det.module().initialize(m, 1);
            String msg = det.transfer(file, m);
            assertTrue(msg.contains("features.0-6 frozen"), msg);
            Map<String, Parameter> sd = det.module().stateDict();
            for (String k : List.of("features.0.0.weight", "features.7.conv.1.1.running_mean",
                    "features.18.1.weight", "features.14.conv.2.weight")) {
                assertArrayEquals(cls.stateDict().get(k).value().toFloatArray(),
                        sd.get("backbone.body." + k.substring(9)).value().toFloatArray(), 0f, k);
            }
            // the detector still runs and trains on what it got: finite losses, detections in the image
            NDArray x = m.randomUniform(0, 1, new Shape(1, 3, 64, 64));
            Map<String, NDArray> losses = det.losses(x, List.of(Boxes.truth(new double[] {8, 8, 40, 44},
                    new int[] {1})));
            for (String k : det.lossParts()) {
                float v = losses.get(k).getFloat();
                assertTrue(Float.isFinite(v) && v >= 0, k + " = " + v);
            }
            Boxes b = det.detect(x, 0.0, 10).get(0);
            for (double v : b.xyxy()) {
                assertTrue(v >= 0 && v <= 64, "box inside the image: " + v);
            }
            // a ResNet classifier's weights are not a MobileNetV2's: named fault
            Backbone res = Backbones.create("resnet18", 10, 3);
            res.initialize(m, 7);
            Path resFile = dir.resolve("res.safetensors");
            Weights.save(res, resFile, Map.of());
            LumenException e = assertThrows(LumenException.class, () -> det.transfer(resFile, m));
            assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
        }
    }
}
