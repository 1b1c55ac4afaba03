package org.lumen.nn.explain;

import java.util.List;
import java.util.Locale;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;

/**
 * Builds an {@link Attribution}: {@code setModel} (a classifier from {@code [N, C, H, W]} images to {@code [N, K]}
 * pre-softmax logits) and {@code setMethod} (one of {@link Attribution#methods()}) are required; each option says
 * its default. A bad value is refused by {@link #build()} as a {@link LumenException#setting setting} named as the
 * option is here ({@code steps}, {@code samples}, {@code noiseSd}, {@code window}, ...; the batch size is
 * {@code batch}).
 */
public final class AttributionBuilder {
    Module model;
    String method;
    String base = "saliency";
    int steps = 50;
    int samples = -1; // by method: 10 for smoothgrad, 256 for lime and kernelshap
    double noiseSd = 0.15;
    int window = 8;
    int stride = 4;
    int segments = 8;
    String superpixels = "grid";
    List<String> layers = List.of();
    int batchSize = 16;
    long seed;

    /** The classifier: a module from {@code [N, C, H, W]} images to {@code [N, K]} pre-softmax logits. Required. */
    public AttributionBuilder setModel(Module model) {
        this.model = model;
        return this;
    }

    /** One of {@link Attribution#methods()}, in any case. Required. */
    public AttributionBuilder setMethod(String method) {
        this.method = method.toLowerCase(Locale.ROOT);
        return this;
    }

    /** The method smoothgrad averages (default saliency). */
    public AttributionBuilder optBase(String base) {
        this.base = base.toLowerCase(Locale.ROOT);
        return this;
    }

    /** Integration steps of integrated-gradients (default 50, Captum's). */
    public AttributionBuilder optSteps(int steps) {
        this.steps = steps;
        return this;
    }

    /**
     * Samples: noisy copies smoothgrad averages (default 10) or coalitions lime and kernelshap fit (default
     * 256); and smoothgrad's noise standard deviation as a share of the input range (default 0.15).
     */
    public AttributionBuilder optNoise(int samples, double sd) {
        this.samples = samples;
        this.noiseSd = sd;
        return this;
    }

    /** Occlusion patch size and stride in pixels (default 8 and 4). */
    public AttributionBuilder optWindow(int window, int stride) {
        this.window = window;
        this.stride = stride;
        return this;
    }

    /** lime and kernelshap: a grid of {@code n x n} superpixels (default 8). */
    public AttributionBuilder optSegments(int n) {
        this.segments = n;
        return this;
    }

    /** lime and kernelshap: {@code grid} (default) or {@code slic} superpixels, about segments^2 of them. */
    public AttributionBuilder optSuperpixels(String kind) {
        this.superpixels = kind.toLowerCase(Locale.ROOT);
        return this;
    }

    /** guided-gradcam: the Grad-CAM layer (default: the model's last spatial layer, as for Grad-CAM). */
    public AttributionBuilder optLayers(List<String> layers) {
        this.layers = layers == null ? List.of() : List.copyOf(layers);
        return this;
    }

    /** Forward passes per batch for integrated-gradients and occlusion (default 16). */
    public AttributionBuilder optBatchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    /** Seed of smoothgrad's noise and of lime's and kernelshap's coalitions (default 0). */
    public AttributionBuilder optSeed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The attribution, its options checked.
     *
     * @throws LumenException for an unknown method or a bad option, named as a setting
     */
    public Attribution build() {
        if (model == null || method == null) {
            throw new IllegalStateException("setModel and setMethod are required");
        }
        if (!Attribution.isAttribution(method)) {
            throw LumenException.setting("method", "unknown attribution method '" + method + "'; valid: "
                    + String.join(", ", Attribution.METHODS));
        }
        if (method.equals("smoothgrad") && !SmoothGrad.BASES.contains(base)) {
            throw LumenException.setting("base", "smoothgrad takes " + String.join(", ", SmoothGrad.BASES) + "; not '"
                    + base + "'");
        }
        if (!layers.isEmpty() && !method.equals("guided-gradcam")) {
            throw LumenException.setting("layer", method + " attributes to input pixels and takes no layer");
        }
        if (layers.size() > 1) {
            throw LumenException.setting("layer", "guided-gradcam takes one layer, got " + String.join(",", layers));
        }
        check(superpixels.equals("grid") || superpixels.equals("slic"), "superpixels",
                "must be grid or slic, got '" + superpixels + "'");
        check(steps >= 1 && steps <= 1000, "steps", "must be between 1 and 1000, got " + steps);
        if (samples < 0) {
            samples = method.equals("lime") || method.equals("kernelshap") ? 256 : 10;
        }
        check(samples >= 1 && samples <= 100_000, "samples", "must be between 1 and 100000, got " + samples);
        check(noiseSd >= 0 && noiseSd <= 10, "noiseSd", "must be between 0 and 10, got " + noiseSd);
        check(window >= 1, "window", "must be at least 1, got " + window);
        check(stride >= 1, "stride", "must be at least 1, got " + stride);
        check(segments >= 2 && segments <= 64, "segments", "must be between 2 and 64, got " + segments);
        if ((method.equals("lime") || method.equals("kernelshap")) && samples < segments * segments + 1) {
            throw LumenException.setting("samples", method + " needs at least segments^2 + 1 = "
                    + (segments * segments + 1) + " samples to fit one coefficient per superpixel, got " + samples);
        }
        check(batchSize >= 1, "batch", "must be at least 1, got " + batchSize);
        return Attribution.create(this);
    }

    /** A copy of these settings for another method (smoothgrad's base), unchecked. */
    AttributionBuilder withMethod(String other) {
        AttributionBuilder b = new AttributionBuilder();
        b.model = model;
        b.method = other;
        b.base = base;
        b.steps = steps;
        b.samples = samples;
        b.noiseSd = noiseSd;
        b.window = window;
        b.stride = stride;
        b.segments = segments;
        b.superpixels = superpixels;
        b.layers = layers;
        b.batchSize = batchSize;
        b.seed = seed;
        return b;
    }

    private static void check(boolean ok, String setting, String message) {
        if (!ok) {
            throw LumenException.setting(setting, message);
        }
    }
}
