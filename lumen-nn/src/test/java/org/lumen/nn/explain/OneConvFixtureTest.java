package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.module.Module;

/**
 * Captum's {@code BasicModel_ConvNet_One_Conv} (captum/testing/helpers/basic_models.py), whose CAMs can be worked
 * out by hand. The model: {@code conv1} = two all-ones 3x3 filters with biases -50 and -75 on a 1x4x4 input,
 * {@code relu1}, flatten to 8, {@code fc1} with every row {@code [1,1,1,1,1,-1,-1,-1]} and bias 0, {@code relu2}.
 *
 * <p>Input {@code arange(16)} as 4x4. The four 3x3 window sums are {@code [45, 54; 81, 90]}, so
 * <pre>
 *   conv1: A0 = [-5, 4; 31, 40]      A1 = [-30, -21; 6, 15]      (A1 = A0 - 25 everywhere)
 *   relu1: [0, 4; 31, 40]            [0, 0; 6, 15]
 *   fc1 (every class): 0+4+31+40 + 0-0-6-15 = 54 > 0, so relu2 passes it and the target-0 score is S = 54.
 * </pre>
 * Gradients at conv1 are {@code relu1'(A) * fc1 weight}:
 * <pre>
 *   G0 = [0, 1; 1, 1]                G1 = [0, 0; -1, -1]
 * </pre>
 * and at relu1 they are the fc1 weights themselves: {@code [1, 1; 1, 1]} and {@code [1, -1; -1, -1]}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneConvFixtureTest {
    private NDManager manager;
    private OneConv model;
    private NDArray input;

    /** The fixture, with torchvision-style module names. */
    static final class OneConv extends Module {
        final Module conv1 = register("conv1", new Conv2d(1, 2, 3, 1, 0, 1, true));
        final Module relu1 = register("relu1", Lambda.relu());
        final Module fc1 = register("fc1", new Linear(8, 4));
        final Module relu2 = register("relu2", Lambda.relu());

        @Override
        protected NDArray forward(NDArray x) {
            NDArray a = relu1.apply(conv1.apply(x));
            return relu2.apply(fc1.apply(a.reshape(a.getShape().get(0), 8)));
        }
    }

    /** The fixture with Captum's weights: conv1 all ones with biases -50 and -75, fc1 rows [1,1,1,1,1,-1,-1,-1]. */
    static OneConv fixture(NDManager manager) {
        OneConv model = new OneConv();
        model.initialize(manager, 0);
        var sd = model.stateDict();
        sd.get("conv1.weight").setValue(manager.ones(new Shape(2, 1, 3, 3)));
        sd.get("conv1.bias").setValue(manager.create(new float[] {-50, -75}));
        float[] row = {1, 1, 1, 1, 1, -1, -1, -1};
        float[] fc = new float[32];
        for (int r = 0; r < 4; r++) {
            System.arraycopy(row, 0, fc, r * 8, 8);
        }
        sd.get("fc1.weight").setValue(manager.create(fc, new Shape(4, 8)));
        sd.get("fc1.bias").setValue(manager.zeros(new Shape(4)));
        return model;
    }

    @BeforeAll
    void build() {
        manager = NDManager.newBaseManager();
        model = fixture(manager);
        input = manager.arange(16f).reshape(1, 1, 4, 4);
    }

    @AfterAll
    void close() {
        manager.close();
    }

    private Explanation explain(String method, String layer) {
        return explain(method, layer, false);
    }

    private Explanation explain(String method, String layer, boolean counterfactual) {
        Cam cam = Cam.builder().setModel(model).setMethod(method).optLayers(layer)
                .optCounterfactual(counterfactual).build();
        List<Explanation> e = cam.explain(input, new int[] {0});
        assertEquals(1, e.size());
        assertEquals(54f, e.get(0).score(), 1e-5);
        assertEquals(2, e.get(0).rawHeight());
        return e.get(0);
    }

    private static void assertRaw(double[] want, Explanation e, double tol) {
        float[] got = e.raw();
        for (int p = 0; p < 4; p++) {
            assertEquals(want[p], got[p], tol, "raw[" + p + "] of " + java.util.Arrays.toString(got));
        }
    }

    @Test
    void gradCamAtConv1MatchesCaptum() {
        // weights: mean(G0) = 3/4, mean(G1) = -2/4; 0.75 A0 - 0.5 A1 = [-3.75+15, 3+10.5; 23.25-3, 30-7.5]
        // = [11.25, 13.5; 20.25, 22.5], all positive, so the ReLU keeps it: Captum's test_simple_input_conv.
        assertRaw(new double[] {11.25, 13.5, 20.25, 22.5}, explain("gradcam", "conv1"), 1e-4);
    }

    @Test
    void gradCamAtRelu1MatchesCaptum() {
        // weights: mean of the fc1 weights, 1 and (1-1-1-1)/4 = -0.5; [0,4;31,40] - 0.5 [0,0;6,15] = [0,4;28,32.5]
        // (Captum's test_simple_input_conv_relu).
        assertRaw(new double[] {0, 4, 28, 32.5}, explain("gradcam", "relu1"), 1e-4);
    }

    @Test
    void heatmapIsScaledThenResizedAsPytorchGradCam() {
        // scale_cam_image: (raw - 11.25) / (11.25 + 1e-7) = [0, 0.2; 0.8, 1]. Bilinear 2x2 -> 4x4 with
        // align_corners=False samples source rows/columns at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to
        // 1): weights (1,0), (0.75,0.25), (0.25,0.75), (0,1). Row 0 is [0, .05, .15, .2], row 3 [.8, .85, .95, 1],
        // rows 1 and 2 mix them 3:1 and 1:3. The second scale (over layers) divides by 1 + 1e-7.
        Explanation e = explain("gradcam", "conv1");
        double[] w0 = {1, 0.75, 0.25, 0};
        double[] top = {0, 0.05, 0.15, 0.2};
        double[] bottom = {0.8, 0.85, 0.95, 1.0};
        assertEquals(4, e.height());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(w0[y] * top[x] + (1 - w0[y]) * bottom[x], e.heatmap()[y * 4 + x], 1e-6, y + "," + x);
            }
        }
    }

    @Test
    void elementWiseMethods() {
        // HiResCAM: G0*A0 + G1*A1 = [0,4;31,40] + [0,0;-6,-15] = [0,4;25,25].
        assertRaw(new double[] {0, 4, 25, 25}, explain("hirescam", "conv1"), 1e-4);
        // LayerCAM: relu(G0)*A0 + relu(G1)*A1 = [0,4;31,40] + 0.
        assertRaw(new double[] {0, 4, 31, 40}, explain("layercam", "conv1"), 1e-4);
        // Element-wise Grad-CAM: relu(G0*A0) + relu(G1*A1) = [0,4;31,40] + relu([0,0;-6,-15]) = [0,4;31,40].
        assertRaw(new double[] {0, 4, 31, 40}, explain("gradcam-elementwise", "conv1"), 1e-4);
    }

    @Test
    void xGradCam() {
        // w0 = sum(G0*A0)/sum(A0) = 75/70 = 15/14; w1 = sum(G1*A1)/sum(A1) = -21/-30 = 0.7 (eps 1e-7 negligible).
        // (15/14) A0 + 0.7 A1 = [-75/14 - 21, 60/14 - 14.7; 465/14 + 4.2, 600/14 + 10.5]
        // = [-26.357, -10.414; 37.414, 53.357], and the ReLU zeroes the top row.
        assertRaw(new double[] {0, 0, 465.0 / 14 + 4.2, 600.0 / 14 + 10.5}, explain("xgradcam", "conv1"), 1e-4);
    }

    @Test
    void gradCamPlusPlus() {
        // Eq. 19: alpha = g^2 / (2 g^2 + sum(A) g^3 + 1e-6). Channel 0: g = 1 at three positions, sum(A0) = 70,
        // alpha = 1/72, w0 = 3 * 1 * (1/72) = 1/24. Channel 1: relu(G1) = 0 everywhere, w1 = 0.
        // (1/24) A0 = [-5/24, 4/24; 31/24, 40/24], ReLU'd: [0, 1/6; 31/24, 5/3].
        assertRaw(new double[] {0, 4.0 / 24, 31.0 / 24, 40.0 / 24}, explain("gradcam++", "conv1"), 1e-5);
    }

    @Test
    void eigenCam() {
        // Positions x channels: (-5,-30), (4,-21), (31,6), (40,15); channel means 17.5 and -7.5; centred rows
        // (-22.5,-22.5), (-13.5,-13.5), (13.5,13.5), (22.5,22.5): rank 1 with v1 = (1,1)/sqrt(2) (the sign chosen
        // so sum(v1) >= 0). Projection (-45, -27, 27, 45)/sqrt(2); the ReLU keeps the bottom row.
        double r = Math.sqrt(2);
        assertRaw(new double[] {0, 0, 27 / r, 45 / r}, explain("eigencam", "conv1"), 1e-4);
    }

    @Test
    void scoreCam() {
        // A1 = A0 - 25, so after per-channel min-max normalisation the two upsampled masks are identical, the two
        // masked inputs give the same score, and the softmax gives weights (1/2, 1/2):
        // (A0 + A1)/2 = [-17.5, -8.5; 18.5, 27.5], ReLU'd [0, 0; 18.5, 27.5].
        assertRaw(new double[] {0, 0, 18.5, 27.5}, explain("scorecam", "conv1"), 1e-4);
    }

    @Test
    void ablationCam() {
        // min(A) = -30 != 0, so a channel is ablated to -30 - 1e7. Ablating channel 0 zeroes it after relu1:
        // fc1 = 0 - 6 - 15 = -21, relu2 -> S0 = 0, w0 = (54 - 0)/54 = 1. Ablating channel 1: fc1 = 75 = S1,
        // w1 = (54 - 75)/54 = -7/18. A0 - (7/18) A1 = [-5 + 35/3, 4 + 49/6; 31 - 7/3, 40 - 35/6].
        assertRaw(new double[] {-5 + 35.0 / 3, 4 + 49.0 / 6, 31 - 7.0 / 3, 40 - 35.0 / 6},
                explain("ablationcam", "conv1"), 1e-3);
    }

    @Test
    void perturbationMethodsBatchEqualsEachImageAloneAndLeaveNoHook() {
        NDArray batch = manager.randomUniform(0, 20, new Shape(3, 1, 4, 4));
        float[] logitsBefore = model.apply(batch).toFloatArray();
        for (String method : List.of("scorecam", "ablationcam")) {
            Cam cam = Cam.builder().setModel(model).setMethod(method).optLayers("conv1").optBatchSize(1).build();
            List<Explanation> together = cam.explain(batch, new int[] {0, 1, 2});
            for (int i = 0; i < 3; i++) {
                Explanation alone = cam.explain(batch.get(i).expandDims(0), new int[] {i}).get(0);
                assertArrayEquals(alone.raw(), together.get(i).raw(), 1e-3f, method + " " + i); // maps of order 10-100
            }
        }
        assertArrayEquals(logitsBefore, model.apply(batch).toFloatArray(), 0f); // ablation's hook is gone
    }

    @Test
    void counterfactualNegatesGradients() {
        // Negated Grad-CAM weights (-0.75, 0.5) give minus the map above, all negative: nothing speaks against
        // class 0, and the ReLU leaves zeros (and a zero heatmap, as 0 / (0 + 1e-7)).
        Explanation e = explain("gradcam", "conv1", true);
        assertArrayEquals(new float[4], e.raw());
        assertArrayEquals(new float[16], e.heatmap());
        // Counterfactual HiResCAM: -(G*A) summed = [0,-4;-25,-25], zero after the ReLU as well; at relu1,
        // Grad-CAM's negated weights (-1, 0.5) give -[0,4;31,40] + 0.5 [0,0;6,15] = [0,-4;-28,-32.5]: zero too.
        assertArrayEquals(new float[4], explain("hirescam", "conv1", true).raw());
        assertArrayEquals(new float[4], explain("gradcam", "relu1", true).raw());
    }
}
