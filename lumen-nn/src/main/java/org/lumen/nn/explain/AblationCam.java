package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.lumen.core.LumenException;

/**
 * Ablation-CAM (Desai and Ramaswamy 2020), as pytorch-grad-cam's {@code AblationCAM} with all channels ablated:
 * the layer's output is replaced by the image's activations with channel {@code k} ablated, and
 * {@code w_k = (S - S_k) / S}, with {@code S} the target logit and {@code S_k} the logit after ablation. A
 * channel is ablated to 0 when the image's activations have minimum 0 (after a ReLU), else to
 * {@code min(A) - 1e7} (pytorch-grad-cam's rule; it takes the minimum after earlier ablations in the same batch,
 * which makes the value depend on the batch size, and here it does not). As there, a negative target logit
 * flips the weights' sign.
 *
 * <p>Cost: {@code C} extra forward passes per image and layer ({@code C} = the layer's channels), run
 * {@code optBatchSize} at a time; the layers before the target layer run in each of them.
 */
final class AblationCam extends GradientFreeCam {
    static final float ABLATION_OFFSET = 1e7f;

    AblationCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] weights(Capture a) {
        int batch = settings().batchSize();
        int size = (int) a.imageShape().size();
        int per = a.c * a.hw;
        double[][] w = new double[a.n][a.c];
        for (int i = 0; i < a.n; i++) {
            float[] img = a.image(i);
            float[] act = Arrays.copyOfRange(a.activations, a.offset(i, 0), a.offset(i, 0) + per);
            float min = Float.POSITIVE_INFINITY;
            for (float v : act) {
                min = Math.min(min, v);
            }
            float value = min == 0 ? 0 : min - ABLATION_OFFSET;
            for (int c0 = 0; c0 < a.c; c0 += batch) {
                int rows = Math.min(batch, a.c - c0);
                float[] inputs = new float[rows * size];
                float[] ablated = new float[rows * per];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(img, 0, inputs, r * size, size);
                    System.arraycopy(act, 0, ablated, r * per, per);
                    Arrays.fill(ablated, r * per + (c0 + r) * a.hw, r * per + (c0 + r + 1) * a.hw, value);
                }
                float[] s;
                try (NDManager local = a.input.getManager().newSubManager()) {
                    NDArray replacement = local.create(ablated, new Shape(rows, a.c, a.h, a.w));
                    a.layer.setOutputHook(out -> {
                        if (!out.getShape().equals(replacement.getShape())) {
                            throw LumenException.setting("layer", "'" + a.path + "' changed shape between passes");
                        }
                        return replacement;
                    });
                    s = a.targetScores(inputs, rows, a.targets[i]);
                } finally {
                    a.layer.setOutputHook(null);
                }
                for (int r = 0; r < rows; r++) {
                    w[i][c0 + r] = ((double) a.scores[i] - s[r]) / a.scores[i];
                }
            }
        }
        return w;
    }
}
