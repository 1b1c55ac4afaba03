package org.lumen.nn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.models.yolo.YoloV8;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * Inference hands every model a channels-last input (classification, segmentation, YOLO): each architecture's
 * output from it equals its output from the default layout, so no op of any family reads the layout wrongly (a
 * flatten in the wrong order, a view over the wrong strides). Random weights, evaluation mode.
 */
class ChannelsLastInferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "densenet121", "vgg16", "squeezenet1_1", "mobilenet_v2",
        "efficientnet_b0", "convnext_tiny", "unet-w8-d3", "unet-resnet18", "yolov8n", "yolov8n-seg"})
    void sameOutputAsTheDefaultLayout(String arch) {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            Module net;
            Shape in;
            if (arch.startsWith("yolov8")) {
                net = arch.endsWith("-seg") ? YoloV8.createSegment("n", 3) : YoloV8.create("n", 3);
                in = new Shape(2, 3, 96, 128);
            } else if (arch.startsWith("unet")) {
                net = Segmentations.create(arch, 3, 1);
                in = new Shape(2, 1, 64, 64);
            } else {
                net = Backbones.create(arch, 5, 3);
                in = new Shape(2, 3, 64, 80);
            }
            net.initialize(m, 7);
            net.train(false);
            NDArray x = m.randomUniform(0f, 1f, in);
            NDArray cl = Functional.channelsLast(x);
            if (net instanceof YoloV8 y && y.isSegment()) {
                YoloV8.SegmentOutput a = y.segmentOutputs(x);
                YoloV8.SegmentOutput b = y.segmentOutputs(cl);
                assertSame(arch + " pred", a.pred(), b.pred());
                assertSame(arch + " proto", a.proto(), b.proto());
            } else {
                assertSame(arch, net.apply(x), net.apply(cl));
            }
        }
    }

    private static void assertSame(String what, NDArray a, NDArray b) {
        assertEquals(a.getShape(), b.getShape());
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        double max = 0;
        double diff = 0;
        for (int i = 0; i < fa.length; i++) {
            max = Math.max(max, Math.abs(fa[i]));
            diff = Math.max(diff, Math.abs(fa[i] - fb[i]));
        }
        assertTrue(max > 0, what + ": an all-zero output would prove nothing");
        assertTrue(diff <= 1e-4 * max, what + ": " + diff + " of " + max);
    }
}
