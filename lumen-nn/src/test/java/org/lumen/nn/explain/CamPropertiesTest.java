package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lumen.core.LumenException;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.module.Parameter;

/** Properties every CAM keeps, on a small random resnet18 (64x64 inputs, 5 classes). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CamPropertiesTest {
    private NDManager manager;
    private Backbone model;
    private NDArray batch;

    @BeforeAll
    void build() {
        manager = NDManager.newBaseManager();
        model = Backbones.create("resnet18", 5, 3);
        model.initialize(manager, 7);
        ai.djl.engine.Engine.getInstance().setRandomSeed(11); // fixed data: a failure must be reproducible
        batch = manager.randomNormal(new Shape(3, 3, 64, 64));
    }

    @AfterAll
    void close() {
        manager.close();
    }

    private Cam cam(String method, String... layers) {
        return Cam.builder().setModel(model).setMethod(method).optLayers(layers).optBatchSize(32).build();
    }

    @ParameterizedTest
    @CsvSource({"gradcam,layer4", "gradcam++,layer4", "layercam,layer3", "eigengradcam,layer4"})
    void batchEqualsEachImageAlone(String method, String layer) {
        model.train(true); // explaining runs in inference mode whatever the model's mode, and restores it
        List<Explanation> together = cam(method, layer).explain(batch, new int[] {0, 3, 4});
        assertTrue(model.isTraining());
        for (int i = 0; i < 3; i++) {
            NDArray one = batch.get(i).expandDims(0);
            Explanation alone = cam(method, layer).explain(one, new int[] {together.get(i).target()}).get(0);
            Explanation e = together.get(i);
            assertEquals(alone.score(), e.score(), 1e-4 * Math.max(1, Math.abs(e.score())));
            assertClose(alone.raw(), e.raw(), method + " raw " + i);
            assertClose(alone.heatmap(), e.heatmap(), method + " heatmap " + i);
        }
        model.train(false);
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int p = 0; p < want.length; p++) {
            // libtorch picks convolution kernels by batch size, so a batch and a single image differ by float
            // noise, which LayerCAM's ReLU on element-wise gradients can lift to ~1e-3 of the map's maximum
            assertEquals(want[p], got[p], 2e-3 * Math.max(scale, 1e-6), what + " [" + p + "]");
        }
    }

    @Test
    void explainingChangesNoWeightInputOrGradientFlag() {
        Map<String, Parameter> sd = model.stateDict();
        List<byte[]> before = new ArrayList<>();
        for (Parameter p : sd.values()) {
            before.add(p.value().toByteArray());
        }
        Parameter fc = sd.get("fc.weight");
        fc.value().setRequiresGradient(true); // as mid-training
        float[] input = batch.toFloatArray();
        for (String method : List.of("gradcam", "hirescam", "eigencam")) {
            cam(method, "layer4").explain(batch);
        }
        assertArrayEquals(input, batch.toFloatArray());
        int k = 0;
        for (Map.Entry<String, Parameter> e : sd.entrySet()) {
            assertArrayEquals(before.get(k++), e.getValue().value().toByteArray(), e.getKey());
            assertEquals(e.getKey().equals("fc.weight"), e.getValue().value().hasGradient(), e.getKey());
        }
        fc.value().setRequiresGradient(false);
    }

    @Test
    void outputShapesAndRanges() {
        List<Explanation> e = cam("gradcam", "layer3", "layer4").explain(batch);
        assertEquals(3, e.size());
        for (Explanation x : e) {
            assertEquals(4, x.rawHeight()); // layer3 of a 64x64 input; layer4 (2x2) is resized up to it
            assertEquals(64 * 64, x.heatmap().length);
            for (float v : x.heatmap()) {
                assertTrue(v >= 0 && v <= 1, "heatmap value " + v);
            }
            for (float v : x.raw()) {
                assertTrue(v >= 0, "raw value " + v);
            }
        }
    }

    @Test
    void unknownLayerNamesCloseOnes() {
        LumenException e = assertThrows(LumenException.class, () -> cam("gradcam", "layer5"));
        assertEquals("layer", e.source()); // a setting, rendered --layer by the CLI
        assertTrue(e.isSetting());
        assertTrue(e.getMessage().contains("no layer 'layer5' in resnet18; did you mean layer1"), e.getMessage());
        LumenException far = assertThrows(LumenException.class, () -> cam("gradcam", "backbone.stage9"));
        assertTrue(far.getMessage().contains("conv1") && far.getMessage().contains("fc"), far.getMessage());
    }

    @Test
    void nonSpatialLayerIsRefused() {
        LumenException e = assertThrows(LumenException.class, () -> cam("gradcam", "fc").explain(batch));
        assertTrue(e.getMessage().contains("'fc' is not spatial"), e.getMessage());
    }

    @Test
    void badTargetMethodAndCounterfactual() {
        LumenException t = assertThrows(LumenException.class,
                () -> cam("gradcam", "layer4").explain(batch, new int[] {0, 5, 1}));
        assertTrue(t.getMessage().contains("class 5 is out of range: the model has 5 classes"), t.getMessage());
        LumenException m = assertThrows(LumenException.class, () -> cam("gradcan", "layer4"));
        assertTrue(m.getMessage().contains("unknown method 'gradcan'") && m.getMessage().contains("gradcam++"),
                m.getMessage());
        LumenException c = assertThrows(LumenException.class, () -> Cam.builder().setModel(model)
                .setMethod("eigencam").optCounterfactual(true).build());
        assertTrue(c.getMessage().contains("eigencam uses none"), c.getMessage());
        assertEquals("layer4", Cam.builder().setModel(model).setMethod("gradcam").build().settings().layerPaths()
                .get(0)); // the backbone's defaultCamLayer
    }
}
