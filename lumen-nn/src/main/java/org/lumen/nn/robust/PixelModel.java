package org.lumen.nn.robust;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.Classification;
import org.lumen.nn.module.Module;

/**
 * A classifier seen from pixel space: images {@code [N, C, H, W]} in {@code [0, 1]} in, logits out, the
 * normalisation with the model's mean and std inside (torchattacks' convention: an attack's epsilon is in pixel
 * units, and the model normalises). Gives the gradient of the cross-entropy loss with respect to the pixels,
 * which every gradient attack steps along.
 */
public final class PixelModel {
    private final Module net;
    private final float[] mean;
    private final float[] std;

    /** {@code net} maps normalised images to logits; {@code mean} and {@code std} per channel. */
    public PixelModel(Module net, float[] mean, float[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException(mean.length + " means for " + std.length + " standard deviations");
        }
        this.net = net;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** A loaded classifier with the mean and std its model.json records. */
    public static PixelModel of(Classifier model) {
        return new PixelModel(model.net(), model.info().mean(), model.info().std());
    }

    /** Input channels. */
    public int channels() {
        return mean.length;
    }

    /** Logits of pixel-space images; differentiable. */
    public NDArray logits(NDArray pixels) {
        NDManager m = pixels.getManager();
        Shape per = new Shape(1, mean.length, 1, 1);
        return net.apply(pixels.sub(m.create(mean, per)).div(m.create(std, per)));
    }

    /** Logits {@code [N][K]} of pixel-space images, in inference mode. */
    public float[][] predict(NDArray pixels) {
        net.train(false);
        try (NDManager scope = pixels.getManager().newSubManager()) {
            return Classification.rows(logits(pixels));
        }
    }

    /**
     * {@code d loss / d pixels} for each image ({@code [N * C * H * W]}, C order), in inference mode: the loss is the
     * cross-entropy of the logits against {@code labels} summed over the batch (torchattacks takes the mean; the
     * factor 1/N changes neither a sign nor a direction), negated when {@code targeted} (a targeted attack descends
     * towards its label). The model's own parameters get no gradient.
     *
     * @throws LumenException (setting {@code label}) for a label outside the model's classes
     */
    public float[] lossGradient(NDArray pixels, int[] labels, boolean targeted) {
        net.train(false);
        List<NDArray> paused = net.pauseParameterGradients();
        try (NDManager scope = pixels.getManager().newSubManager()) {
            NDArray x = pixels.duplicate();
            x.attach(scope);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = logits(x);
                int n = (int) logits.getShape().get(0);
                int k = (int) logits.getShape().get(1);
                if (labels.length != n) {
                    throw new IllegalArgumentException(labels.length + " labels for " + n + " images");
                }
                float[] hot = new float[n * k];
                for (int i = 0; i < n; i++) {
                    if (labels[i] < 0 || labels[i] >= k) {
                        throw LumenException.setting("label", "class " + labels[i] + " is out of range: the model has "
                                + k + " classes (0.." + (k - 1) + ")");
                    }
                    hot[i * k + labels[i]] = targeted ? 1 : -1; // -log p(label), or +log p(target)
                }
                gc.backward(logits.logSoftmax(1).mul(scope.create(hot, logits.getShape())).sum());
            }
            return x.getGradient().toFloatArray();
        } finally {
            Module.resumeParameterGradients(paused);
        }
    }
}
