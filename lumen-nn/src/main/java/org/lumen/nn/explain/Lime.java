package org.lumen.nn.explain;

/**
 * LIME (Ribeiro et al. 2016) over superpixels: a linear surrogate fitted to {@code samples} random coalitions
 * (default 256), weighted by Captum's default kernel ({@link Surrogate}). The superpixels are a grid of
 * {@code segments x segments} (default 8) or about as many SLIC ones.
 */
class Lime extends Attribution {
    private final int segments;
    private final String superpixels;
    private final int samples;
    private final int batchSize;
    private final long seed;

    Lime(AttributionBuilder b) {
        super(b);
        this.segments = b.segments;
        this.superpixels = b.superpixels;
        this.samples = b.samples;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
    }

    /** Whether the surrogate is Kernel SHAP's (Shapley kernel) rather than LIME's. */
    boolean shap() {
        return false;
    }

    @Override
    final Attribution.Result attribute(Pixels image) {
        int c = image.c;
        int h = image.h;
        int w = image.w;
        int[] segOf = superpixels.equals("slic") ? Superpixels.slic(image.x, c, h, w, segments * segments, 0.1)
                : Superpixels.grid(h, w, segments);
        return image.result(Surrogate.fit(shap(), segOf, Superpixels.count(segOf), image.x, c, h, w, image.target,
                samples, seed, batchSize, image::logits), Double.NaN);
    }
}
