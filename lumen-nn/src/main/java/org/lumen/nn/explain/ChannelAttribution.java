package org.lumen.nn.explain;

import java.util.List;

/**
 * A gradient attribution computed per channel and pixel ({@code [C * H * W]}) and then reduced over channels to
 * one value per pixel: the methods {@link SmoothGrad} can average. Hooks: {@link #perChannel} and, for a
 * reduction other than the sum, {@link #reduce}.
 */
abstract class ChannelAttribution extends Attribution {
    ChannelAttribution(AttributionBuilder b) {
        super(b);
    }

    /** The attribution at {@code x} (the image itself or a noisy copy) per channel and pixel, {@code [C * H * W]}. */
    abstract double[] perChannel(Pixels image, float[] x);

    /** A value per element from the element's index and gradient. */
    interface ElementRule {
        double apply(int index, float gradient);
    }

    /** {@code rule(p, g[p])} for each element of {@code g = dF/dx} at {@code x}, the ReLUs' backward pass as {@code relu}. */
    static double[] fromGradient(Pixels image, float[] x, ReluRule relu, ElementRule rule) {
        float[] g = image.gradients(List.of(x), relu).get(0);
        double[] out = new double[g.length];
        for (int p = 0; p < out.length; p++) {
            out[p] = rule.apply(p, g[p]);
        }
        return out;
    }

    /** Per pixel, the sum over channels ({@link Saliency} takes the largest instead). */
    float[] reduce(double[] a, int c, int hw) {
        float[] out = new float[hw];
        for (int p = 0; p < hw; p++) {
            double v = 0;
            for (int ch = 0; ch < c; ch++) {
                v = v + a[ch * hw + p];
            }
            out[p] = (float) v;
        }
        return out;
    }

    @Override
    Attribution.Result attribute(Pixels image) {
        return image.result(reduce(perChannel(image, image.x), image.c, image.hw), Double.NaN);
    }
}
