package org.lumen.nn.models.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.nn.module.Parameter;
import org.junit.jupiter.api.Test;

class YoloV8Test {
    private static long count(YoloV8 m) {
        long n = 0;
        for (Parameter p : m.stateDict().values()) {
            if (p.kind() == Parameter.Kind.WEIGHT) {
                n += p.shape().size();
            }
        }
        return n;
    }

    @Test
    void parameterCountsAreUltralyticsPublishedOnes() {
        // Ultralytics' model summaries at 80 classes: "YOLOv8n summary: 225 layers, 3157200 parameters" and
        // "YOLOv8s summary: 225 layers, 11166560 parameters" (BN running statistics are buffers, not counted;
        // the 16 fixed DFL weights are)
        assertEquals(3_157_200, count(YoloV8.create("n", 80)));
        assertEquals(11_166_560, count(YoloV8.create("s", 80)));
        // "YOLOv8m summary: 295 layers, 25902640 parameters" (max_channels 768: P5 has 576 channels, not 768)
        assertEquals(25_902_640, count(YoloV8.create("m", 80)));
    }

    @Test
    void namesFollowUltralytics() {
        var names = YoloV8.create("n", 1).stateDict().keySet();
        for (String n : List.of("model.0.conv.weight", "model.0.bn.running_var", "model.2.m.0.cv1.conv.weight",
                "model.9.cv2.bn.bias", "model.22.cv2.0.0.conv.weight", "model.22.cv2.2.2.bias",
                "model.22.cv3.1.2.weight", "model.22.dfl.conv.weight", "model.21.cv2.conv.weight")) {
            assertTrue(names.contains(n), n + " missing");
        }
    }

    @Test
    void levelsHaveStrides8To32AndTheHeadStartsAtItsPriors() {
        try (NDManager m = NDManager.newBaseManager()) {
            YoloV8 net = YoloV8.create("n", 2);
            net.initialize(m, 0);
            net.train(false);
            NDArray out = net.apply(m.zeros(new Shape(1, 3, 64, 96)));
            // 8x12 + 4x6 + 2x3 anchors, 64 box bins + 2 classes
            assertEquals(new Shape(1, 66, 96 + 24 + 6), out.getShape());
            float[] b = net.stateDict().get("model.22.cv3.0.2.bias").value().toFloatArray();
            assertEquals(Math.log(5.0 / 2 / Math.pow(640 / 8.0, 2)), b[0], 1e-6);
            float[] d = net.stateDict().get("model.22.dfl.conv.weight").value().toFloatArray();
            assertEquals(15f, d[15]);
            assertTrue(!net.stateDict().get("model.22.dfl.conv.weight").trainable());
        }
    }
}
