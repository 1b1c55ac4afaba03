package org.lumen.nn.models.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lumen.nn.module.Parameter;

class YoloV8SegTest {
    private static long count(YoloV8 m) {
        long n = 0;
        for (Parameter p : m.stateDict().values()) {
            if (p.kind() == Parameter.Kind.WEIGHT) {
                n += p.shape().size();
            }
        }
        return n;
    }

    /** The count after Ultralytics' conv-bn fusion: each BN's weight and bias become one conv bias. */
    private static long fused(YoloV8 m) {
        long bn = 0;
        for (var e : m.stateDict().entrySet()) {
            if (e.getKey().endsWith(".bn.weight")) {
                bn += e.getValue().shape().size();
            }
        }
        return count(m) - bn;
    }

    @Test
    void parameterCountsAreUltralyticsPublishedOnes() {
        // Ultralytics' summary at 80 classes: "YOLOv8n-seg summary: 261 layers, 3409968 parameters"
        assertEquals(3_409_968, count(YoloV8.createSegment("n", 80)));
        // Ultralytics training logs found in public repositories (the class count inferred: the class branch's
        // last convolution is the only part that depends on it): one-class yolov8n-seg "261 layers, 3263811
        // parameters"; fused yolov8s-seg "11779987 parameters" (1 class), "11780374" (2), "11,810,560" (80)
        assertEquals(3_263_811, count(YoloV8.createSegment("n", 1)));
        assertEquals(11_779_987, fused(YoloV8.createSegment("s", 1)));
        assertEquals(11_780_374, fused(YoloV8.createSegment("s", 2)));
        assertEquals(11_810_560, fused(YoloV8.createSegment("s", 80)));
        assertEquals(11_821_056, count(YoloV8.createSegment("s", 80)));
    }

    @Test
    void namesFollowUltralytics() {
        var names = YoloV8.createSegment("n", 1).stateDict().keySet();
        for (String n : List.of("model.22.proto.cv1.conv.weight", "model.22.proto.upsample.weight",
                "model.22.proto.upsample.bias", "model.22.proto.cv2.bn.running_mean", "model.22.proto.cv3.conv.weight",
                "model.22.cv4.0.0.conv.weight", "model.22.cv4.2.1.bn.weight", "model.22.cv4.1.2.weight",
                "model.22.cv4.1.2.bias", "model.22.cv2.0.0.conv.weight", "model.22.dfl.conv.weight")) {
            assertTrue(names.contains(n), n + " missing");
        }
        var proto = YoloV8.createSegment("n", 1).stateDict();
        // npr 256 scaled by width 0.25; c4 = max(64 / 4, 32)
        assertEquals(new Shape(64, 64, 3, 3), proto.get("model.22.proto.cv1.conv.weight").shape());
        assertEquals(new Shape(64, 64, 2, 2), proto.get("model.22.proto.upsample.weight").shape());
        assertEquals(new Shape(32, 64, 1, 1), proto.get("model.22.proto.cv3.conv.weight").shape());
        assertEquals(new Shape(32, 64, 3, 3), proto.get("model.22.cv4.0.0.conv.weight").shape());
    }

    @Test
    void outputsCarryCoefficientsAndStride4Prototypes() {
        try (NDManager m = NDManager.newBaseManager()) {
            YoloV8 net = YoloV8.createSegment("n", 2);
            net.initialize(m, 0);
            net.train(false);
            YoloV8.SegmentOutput out = net.segmentOutputs(m.zeros(new Shape(1, 3, 64, 96)));
            assertEquals(new Shape(1, 64 + 2 + 32, 96 + 24 + 6), out.pred().getShape());
            assertEquals(new Shape(1, 32, 16, 24), out.proto().getShape());
            assertEquals(out.pred().getShape(), net.apply(m.zeros(new Shape(1, 3, 64, 96))).getShape());
        }
    }
}
