package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;

/**
 * One target layer's activations {@code A [N, C, h, w]} (and gradients {@code dS/dA} of the same shape, where the
 * method uses them) for a batch, with what the hooks of perturbation methods need: the batch, the targets, their
 * logits, and a way to score more forward passes. Arrays are float32 C-order copies the hooks may read freely.
 */
public final class Capture {
    public final String path;
    public final int n;
    public final int c;
    public final int h;
    public final int w;
    /** {@code h * w}. */
    public final int hw;
    public final float[] activations;
    /** Null for methods that use no gradients; negated for counterfactual explanations. */
    public final float[] gradients;
    /** The explained classes, one per image. */
    public final int[] targets;
    /** The targets' logits on the unmodified batch. */
    public final float[] scores;
    final Module layer;
    final NDArray input;
    private final Cam cam;
    private float[] inputValues;

    Capture(Cam cam, String path, Module layer, Shape shape, float[] activations, float[] gradients, NDArray input,
            int[] targets, float[] scores) {
        this.cam = cam;
        this.path = path;
        this.layer = layer;
        this.n = (int) shape.get(0);
        this.c = (int) shape.get(1);
        this.h = (int) shape.get(2);
        this.w = (int) shape.get(3);
        this.hw = h * w;
        this.activations = activations;
        this.gradients = gradients;
        this.input = input;
        this.targets = targets;
        this.scores = scores;
    }

    /** Index of {@code A[i, ch, 0, 0]} in {@link #activations} and {@link #gradients}. */
    public int offset(int i, int ch) {
        return (i * c + ch) * hw;
    }

    /** A channel's weight from its plane, given the plane's {@link #offset} in {@link #activations} and {@link #gradients}. */
    @FunctionalInterface
    public interface ChannelWeight {
        double of(int offset);
    }

    /** {@code [n][c]}: {@code weight} of each image's each channel, the loop every gradient CAM shares. */
    public double[][] perChannel(ChannelWeight weight) {
        double[][] out = new double[n][c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                out[i][ch] = weight.of(offset(i, ch));
            }
        }
        return out;
    }

    /** {@code sum_xy A} over the plane at {@code offset}, in double precision. */
    public double activationSum(int offset) {
        return sum(activations, offset);
    }

    /** {@code sum_xy dS/dA} over the plane at {@code offset}, in double precision. */
    public double gradientSum(int offset) {
        return sum(gradients, offset);
    }

    private double sum(float[] v, int offset) {
        double sum = 0;
        for (int p = 0; p < hw; p++) {
            sum += v[offset + p];
        }
        return sum;
    }

    /** Refuses outputs a CAM cannot use, saying which reshape would apply. */
    static void checkSpatial(String path, Shape s) {
        if (s.dimension() == 4 && s.get(2) > 0 && s.get(3) > 0) {
            return;
        }
        String why = switch (s.dimension()) {
            case 2 -> "a vector per image (a fully connected or pooled layer); pick a convolutional layer before"
                    + " the pooling";
            case 3 -> "a token sequence [N, T, C]; it needs a reshape to [N, C, sqrt(T), sqrt(T)] (ViT-style)"
                    + " before a CAM applies";
            default -> "not [N, C, H, W]";
        };
        throw LumenException.setting("layer", "the output of '" + path + "' is not spatial: shape " + s + " is " + why);
    }

    /** The explainer's settings (model, batch size). */
    Cam.Settings settings() {
        return cam.settings();
    }

    /** Image {@code i} of the batch, float32 C-order {@code [C_in, H, W]}. */
    float[] image(int i) {
        if (inputValues == null) {
            inputValues = input.toFloatArray();
        }
        int size = inputValues.length / n;
        return java.util.Arrays.copyOfRange(inputValues, i * size, (i + 1) * size);
    }

    /** {@code [C_in, H, W]} of the input. */
    Shape imageShape() {
        Shape s = input.getShape();
        return new Shape(s.get(1), s.get(2), s.get(3));
    }

    /**
     * Runs the model in inference mode (no gradients) on {@code rows} inputs and returns each row's logit for
     * {@code target}.
     */
    float[] targetScores(float[] batch, int rows, int target) {
        Shape img = imageShape();
        try (NDManager local = input.getManager().newSubManager()) {
            NDArray x = local.create(batch, new Shape(rows, img.get(0), img.get(1), img.get(2)));
            NDArray out = settings().model().apply(x);
            float[] flat = out.toFloatArray();
            int k = (int) out.getShape().get(1);
            float[] s = new float[rows];
            for (int r = 0; r < rows; r++) {
                s[r] = flat[r * k + target];
            }
            return s;
        }
    }
}
