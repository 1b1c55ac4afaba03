package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.weights.Weights;

/** Mask R-CNN's layout, weight faults, mask pasting and its losses' edge cases, without torchvision. */
class MaskRcnnTest {
    private static final int[] ANCHORS = {8, 16, 32, 64, 128};

    @Test
    void torchvisionParameterNames() {
        MaskRcnn net = new MaskRcnn("resnet18", 3, ANCHORS);
        Map<String, org.lumen.nn.module.Parameter> sd = net.stateDict();
        for (int i = 0; i < 4; i++) {
            assertEquals(new Shape(256, 256, 3, 3), sd.get("roi_heads.mask_head." + i + ".0.weight").shape());
            assertEquals(new Shape(256), sd.get("roi_heads.mask_head." + i + ".0.bias").shape());
        }
        assertEquals(new Shape(256, 256, 2, 2), sd.get("roi_heads.mask_predictor.conv5_mask.weight").shape());
        assertEquals(new Shape(3, 256, 1, 1), sd.get("roi_heads.mask_predictor.mask_fcn_logits.weight").shape());
        assertEquals(new Shape(3), sd.get("roi_heads.mask_predictor.mask_fcn_logits.bias").shape());
        // Faster R-CNN's tensors all there, under the same names
        Map<String, org.lumen.nn.module.Parameter> faster = new FasterRcnn("resnet18", 3, ANCHORS).stateDict();
        assertTrue(sd.keySet().containsAll(faster.keySet()));
        assertEquals(faster.size() + 12, sd.size());
    }

    @Test
    void wrongMaskShapesOrMissingMaskTensorsNameTheTensor(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskRcnn five = new MaskRcnn("resnet18", 5, ANCHORS);
            five.initialize(m, 0);
            Path file = dir.resolve("five.safetensors");
            Weights.save(five, file, Map.of());
            MaskRcnn three = new MaskRcnn("resnet18", 3, ANCHORS);
            three.initialize(m, 0);
            LumenException e = assertThrows(LumenException.class, () -> Weights.load(three, file, m));
            assertTrue(e.getMessage().contains("roi_heads.mask_predictor.mask_fcn_logits.weight"), e.getMessage());

            FasterRcnn faster = new FasterRcnn("resnet18", 3, ANCHORS);
            faster.initialize(m, 0);
            Path fasterFile = dir.resolve("faster.safetensors");
            Weights.save(faster, fasterFile, Map.of());
            e = assertThrows(LumenException.class, () -> Weights.load(three, fasterFile, m));
            assertTrue(e.getMessage().contains("roi_heads.mask_head.0.0.weight"), e.getMessage());
            assertTrue(Files.exists(fasterFile));
        }
    }

    /**
     * Pasting by hand: a 28x28 map of 1s pads to 30x30 with a zero border; box (10, 20)-(24, 33) widens about
     * its centre (17, 26.5) by 30/28 to (9.5, 19.536)-(24.5, 33.464), truncated to (9, 19)-(24, 33), so the
     * padded map is resized to 16 x 15 pixels. Bilinear from 30 to 16 columns: output column c samples source
     * 1.875 c + 0.4375, which lands between the zero border and the 1s for c = 0 (weight 0.4375 on a 1: 0.44,
     * out) and c = 15 (source 28.56: weight 0.44 on the 1 at 28, 0.56 on the border: out); columns 1-14 are 1.
     * Rows likewise for 15 rows from 30 (2 r + 0.5): rows 0 and 14 are 0.5 exactly (not above 0.5: out).
     * So the mask is x 10..23, y 20..32: 14 x 13 = 182 pixels.
     */
    @Test
    void pasteFollowsTorchvisionArithmetic() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray probs = m.ones(new Shape(1, 28, 28));
            Boxes boxes = new Boxes(new double[] {10, 20, 24, 33}, new int[] {1}, new double[] {0.9});
            List<Rle> masks = MaskRcnn.paste(probs, boxes, 50, 40);
            Rle r = masks.get(0);
            assertEquals(50, r.height());
            assertEquals(40, r.width());
            assertEquals(182, r.area());
            double[] bbox = r.bbox(); // x, y, w, h
            assertEquals(10, bbox[0]);
            assertEquals(20, bbox[1]);
            assertEquals(14, bbox[2]);
            assertEquals(13, bbox[3]);
            // a box over the image's edge is cut there
            List<Rle> cut = MaskRcnn.paste(probs, new Boxes(new double[] {-5, -5, 45, 60}, new int[] {1},
                    new double[] {0.9}), 50, 40);
            assertEquals(0, cut.get(0).bbox()[0]);
            assertEquals(40, cut.get(0).bbox()[2]);
            assertEquals(50, cut.get(0).bbox()[3]);
        }
    }

    @Test
    void noDetectionsGiveNoMasks() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskRcnnNet net = new MaskRcnnNet("maskrcnn_resnet18_fpn", "resnet18", 2, 64);
            net.module().initialize(m, 0);
            NDArray images = m.randomUniform(0, 1, new Shape(2, 3, 64, 64));
            List<org.lumen.nn.models.InstanceSegmentationNet.Masked> none = net.detectMasks(images, 2.0, 10);
            assertEquals(2, none.size());
            assertEquals(0, none.get(0).boxes().size());
            assertEquals(new Shape(0, 28, 28), none.get(1).probs().getShape());
            assertEquals(0, net.paste(none.get(0).probs(), none.get(0).boxes(), 30, 40).size());
            // and with detections: at most maxDet, each with its 28x28 map, labels 0-based
            List<org.lumen.nn.models.InstanceSegmentationNet.Masked> some = net.detectMasks(images, 0.0, 5);
            assertTrue(some.get(0).boxes().size() > 0 && some.get(0).boxes().size() <= 5);
            assertEquals(new Shape(some.get(0).boxes().size(), 28, 28), some.get(0).probs().getShape());
            for (int label : some.get(0).boxes().labels()) {
                assertTrue(label == 0 || label == 1, "label " + label);
            }
        }
    }

    /**
     * The losses need masks: the box-only entry refuses, naming the option; masks that do not fit the targets are a
     * caller's fault. Without any object the mask loss is 0 and still reaches every mask parameter (a zero
     * gradient, as torchvision's {@code mask_logits.sum() * 0}); an image without objects beside one with an
     * object leaves a positive, finite mask loss.
     */
    @Test
    void lossesNeedMasksAndHandleImagesWithoutObjects() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskRcnnNet net = new MaskRcnnNet("maskrcnn_resnet18_fpn", "resnet18", 2, 64);
            net.module().initialize(m, 0);
            net.module().train(true);
            NDArray images = m.randomUniform(0, 1, new Shape(2, 3, 64, 64));
            Boxes one = Boxes.truth(new double[] {8, 10, 40, 44}, new int[] {1});
            Boxes none = Boxes.truth(new double[0], new int[0]);
            LumenException e = assertThrows(LumenException.class, () -> net.losses(images, List.of(one, none)));
            assertEquals("arch", e.source()); // a setting, which the CLI prints as --arch (Flags)
            assertTrue(e.isSetting());
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
            float[] disc = new float[64 * 64];
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    disc[y * 64 + x] = Math.hypot(x + 0.5 - 24, y + 0.5 - 27) <= 15 ? 1 : 0;
                }
            }
            assertThrows(IllegalArgumentException.class, () -> net.losses(images, List.of(one, none),
                    List.of(new float[0][], new float[0][])), "one mask missing");
            assertThrows(IllegalArgumentException.class, () -> net.losses(images, List.of(one, none),
                    List.of(new float[][] {new float[32 * 32]}, new float[0][])), "mask of the wrong size");

            List<Map.Entry<String, org.lumen.nn.module.Parameter>> params = net.module().trainableParameters();
            for (Map.Entry<String, org.lumen.nn.module.Parameter> p : params) {
                p.getValue().value().setRequiresGradient(true);
            }
            Map<String, NDArray> empty;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                empty = net.losses(images, List.of(none, none), List.of(new float[0][], new float[0][]));
                gc.backward(empty.get("loss"));
            }
            List<String> keys = new ArrayList<>(List.of("loss"));
            keys.addAll(net.lossParts());
            assertEquals(new java.util.HashSet<>(keys), empty.keySet());
            assertEquals(0f, empty.get("loss_mask").getFloat(), 0f);
            assertEquals(0f, empty.get("loss_box_reg").getFloat(), 0f);
            assertTrue(empty.get("loss_classifier").getFloat() > 0);
            int maskParams = 0;
            for (Map.Entry<String, org.lumen.nn.module.Parameter> p : params) {
                if (p.getKey().startsWith("roi_heads.mask_")) {
                    NDArray g = p.getValue().value().getGradient();
                    assertEquals(0f, g.abs().max().getFloat(), 0f, p.getKey());
                    maskParams++;
                }
            }
            assertEquals(12, maskParams);

            Map<String, NDArray> mixed = net.losses(images, List.of(one, none), List.of(new float[][] {disc},
                    new float[0][]));
            float mask = mixed.get("loss_mask").getFloat();
            assertTrue(Float.isFinite(mask) && mask > 0.1, "loss_mask " + mask);
            double sum = 0;
            for (String k : net.lossParts()) {
                sum += mixed.get(k).getFloat();
            }
            assertEquals(sum, mixed.get("loss").getFloat(), 1e-5 * sum);
        }
    }

    /**
     * The transform's resized size as torch computes it: {@code floor(in * scale)} in double with the float32
     * scale, here min(128 / 100, 160 / 120) = 1.28f = 1.27999997..., so 100 rows give 127 (float arithmetic would
     * round 127.9999971 up to 128) and 120 columns 153.
     */
    @Test
    void transformSizesFollowTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            FasterRcnn net = new FasterRcnn("resnet18", 3, ANCHORS).withSizes(128, 160);
            RcnnTransform.Batch b = net.transform(List.of(m.zeros(new Shape(3, 100, 120))));
            assertEquals(127, b.sizes()[0][0]);
            assertEquals(153, b.sizes()[0][1]);
            assertEquals(new Shape(1, 3, 128, 160), b.images().getShape());
        }
    }
}
