package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;

/**
 * The gradient attributions on Captum's {@code BasicModel_ConvNet_One_Conv} (see {@link OneConvFixtureTest} for the
 * model and its forward pass), worked out by hand. Input {@code arange(16)} as 4x4, target 0, score 54.
 *
 * <p>Each output position {@code (i, j)} of the 3x3 all-ones convolution sees the input window of rows
 * {@code i..i+2}, columns {@code j..j+2}; call the four windows W00, W01, W10, W11 (4x4 indicator maps). The
 * gradient at the input is {@code sum_c sum_ij g_c[i, j] * Wij}, where {@code g_c} is the gradient at conv1's output
 * channel c. relu1's input is A0 = [-5, 4; 31, 40] (channel 0) and A1 = [-30, -21; 6, 15] (channel 1); the gradient
 * arriving at relu1's output is the fc1 row: [1, 1; 1, 1] for channel 0 and [1, -1; -1, -1] for channel 1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneConvAttributionTest {
    private NDManager manager;
    private OneConvFixtureTest.OneConv model;
    private NDArray input;

    @BeforeAll
    void build() {
        manager = NDManager.newBaseManager();
        model = OneConvFixtureTest.fixture(manager);
        input = manager.arange(16f).reshape(1, 1, 4, 4);
    }

    @AfterAll
    void close() {
        manager.close();
    }

    private float[] attribute(String method) {
        Attribution a = Attribution.builder().setModel(model).setMethod(method)
                .optLayers(method.equals("guided-gradcam") ? List.of("conv1") : null).build();
        Attribution.Result r = a.attribute(input, new int[] {0}).get(0);
        assertEquals(54f, r.score(), 1e-5);
        return r.signed();
    }

    private static void assertMap(float[] want, float[] got) {
        for (int p = 0; p < 16; p++) {
            assertEquals(want[p], got[p], 1e-4, "element " + p + " of " + java.util.Arrays.toString(got));
        }
    }

    @Test
    void saliencyIsThePlainGradient() {
        // plain ReLU gradients at conv1: G0 = [0, 1; 1, 1] (A0 > 0 except at (0,0)), G1 = [0, 0; -1, -1]. So the
        // input gradient is W01 + W10 + W11 - W10 - W11 = W01: ones in rows 0..2, columns 1..3.
        assertMap(new float[] {0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0}, attribute("saliency"));
    }

    /** Guided backpropagation's answer, derived in {@link #guidedBackpropPassesOnlyPositiveGradients}. */
    private static final float[] GUIDED = {0, 1, 1, 1, 1, 3, 3, 2, 1, 3, 3, 2, 1, 2, 2, 1};

    @Test
    void guidedBackpropPassesOnlyPositiveGradients() {
        // relu2: gradient 1 > 0 and input 54 > 0: passes. relu1 (guided: input > 0 and gradient > 0): channel 0
        // passes where A0 > 0 -> [0, 1; 1, 1]; channel 1 is positive only where its gradient is -1 -> [0, 0; 0, 0].
        // So the input gradient is W01 + W10 + W11:
        //   row 0: [0, 1, 1, 1]  (W01 only, columns 1..3)
        //   rows 1, 2: [1, 3, 3, 2]
        //   row 3: [1, 2, 2, 1]  (W10 columns 0..2, W11 columns 1..3)
        assertMap(GUIDED, attribute("guided-backprop"));
    }

    @Test
    void deconvnetAppliesReluToTheGradientOnly() {
        // relu2 and relu1 pass relu(gradient) whatever their input: channel 0 [1, 1; 1, 1], channel 1
        // [1, 0; 0, 0]. So the input gradient is W00 + W01 + W10 + W11 + W00: the coverage count
        // [1,2,2,1; 2,4,4,2; 2,4,4,2; 1,2,2,1] plus 1 on rows 0..2, columns 0..2.
        assertMap(new float[] {2, 3, 3, 1, 3, 5, 5, 2, 3, 5, 5, 2, 1, 2, 2, 1}, attribute("deconvnet"));
    }

    @Test
    void guidedGradCamIsGuidedBackpropTimesNearestUpsampledGradCam() {
        // Grad-CAM at conv1 is [11.25, 13.5; 20.25, 22.5] (OneConvFixtureTest); nearest upsampling to 4x4 makes
        // 2x2 blocks of each value. Times GUIDED:
        //   row 0: [0, 11.25, 13.5, 13.5]      row 1: [11.25, 33.75, 40.5, 27]
        //   row 2: [20.25, 60.75, 67.5, 45]    row 3: [20.25, 40.5, 45, 22.5]
        assertMap(new float[] {0, 11.25f, 13.5f, 13.5f, 11.25f, 33.75f, 40.5f, 27, 20.25f, 60.75f, 67.5f, 45,
            20.25f, 40.5f, 45, 22.5f}, attribute("guided-gradcam"));
    }

    @Test
    void guidedMethodsLeaveThePlainGradientAfterwards() {
        attribute("guided-backprop");
        attribute("deconvnet");
        saliencyIsThePlainGradient(); // the ReLU rule is gone, and with it the cut graph
    }

    @Test
    void gradientMethodsRefuseAModelWithoutGradients() {
        Module frozen = new Module() {
            private final Module net = register("net", model);

            @Override
            protected NDArray forward(NDArray x) {
                return net.apply(x).stopGradient(); // e.g. a model that runs outside autograd
            }
        };
        for (String method : List.of("gradcam", "layercam")) {
            Cam cam = Cam.builder().setModel(frozen).setMethod(method).optLayers("net.conv1").build();
            LumenException e = assertThrows(LumenException.class, () -> cam.explain(input, new int[] {0}));
            assertTrue(e.getMessage().contains(method + " needs gradients"), e.getMessage());
        }
        for (String method : List.of("saliency", "guided-backprop")) {
            Attribution a = Attribution.builder().setModel(frozen).setMethod(method).build();
            LumenException e = assertThrows(LumenException.class, () -> a.attribute(input, new int[] {0}));
            assertTrue(e.getMessage().contains("needs gradients"), e.getMessage());
        }
        // a perturbation method still works on it: one 4x4 patch of zeros drops the score from 54 to 0 everywhere
        float[] occ = Attribution.builder().setModel(frozen).setMethod("occlusion").optWindow(4, 1).build()
                .attribute(input, new int[] {0}).get(0).signed();
        for (float v : occ) {
            assertEquals(54f, v, 1e-4);
        }
    }

    @Test
    void guidedGradCamTakesOneLayerAndOthersNone() {
        LumenException two = assertThrows(LumenException.class, () -> Attribution.builder().setModel(model)
                .setMethod("guided-gradcam").optLayers(List.of("conv1", "relu1")).build());
        assertEquals("layer", two.source()); // a setting, rendered --layer by the CLI
        assertTrue(two.isSetting());
        LumenException none = assertThrows(LumenException.class, () -> Attribution.builder().setModel(model)
                .setMethod("saliency").optLayers(List.of("conv1")).build());
        assertEquals("layer", none.source()); // a setting, rendered --layer by the CLI
        assertTrue(none.isSetting());
    }
}
