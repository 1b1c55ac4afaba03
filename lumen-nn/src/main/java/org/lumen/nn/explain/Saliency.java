package org.lumen.nn.explain;

/** Saliency: {@code |dF/dx|}, the largest over channels per pixel (Captum's {@code Saliency} with {@code abs=True}). */
final class Saliency extends ChannelAttribution {
    Saliency(AttributionBuilder b) {
        super(b);
    }

    @Override
    double[] perChannel(Pixels image, float[] x) {
        return fromGradient(image, x, ReluRule.PLAIN, (p, g) -> Math.abs(g));
    }

    /** Per pixel, the largest over channels (as in the saliency-map paper). */
    @Override
    float[] reduce(double[] a, int c, int hw) {
        float[] out = new float[hw];
        for (int p = 0; p < hw; p++) {
            double v = Double.NEGATIVE_INFINITY;
            for (int ch = 0; ch < c; ch++) {
                v = Math.max(v, a[ch * hw + p]);
            }
            out[p] = (float) v;
        }
        return out;
    }
}
