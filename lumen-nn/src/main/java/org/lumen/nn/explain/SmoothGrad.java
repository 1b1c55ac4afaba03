package org.lumen.nn.explain;

import java.util.List;
import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov et al. 2017), as Captum's {@code NoiseTunnel}: the mean of a base method's per-channel
 * attribution over {@code samples} copies of the image (default 10) with Gaussian noise of standard deviation
 * {@code noiseSd * (max(x) - min(x))} (default 0.15), reduced over channels as the base method does. The base is
 * one of {@link #BASES} (default saliency); the noise is seeded, the same for every image.
 */
final class SmoothGrad extends Attribution {
    /** The methods smoothgrad can average. */
    static final List<String> BASES = List.of("saliency", "inputxgradient", "guided-backprop", "deconvnet",
            "integrated-gradients");

    private final ChannelAttribution base;
    private final int samples;
    private final double noiseSd;
    private final long seed;

    SmoothGrad(AttributionBuilder b) {
        super(b);
        this.base = (ChannelAttribution) create(b.withMethod(b.base));
        this.samples = b.samples;
        this.noiseSd = b.noiseSd;
        this.seed = b.seed;
    }

    @Override
    Attribution.Result attribute(Pixels image) {
        float[] x = image.x;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double sd = noiseSd * (hi - lo);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] mean = new double[x.length];
        for (int s = 0; s < samples; s++) {
            float[] noisy = x.clone();
            for (int p = 0; p < noisy.length; p++) {
                noisy[p] += (float) (sd * gaussian(rnd));
            }
            double[] a = base.perChannel(image, noisy);
            for (int p = 0; p < a.length; p++) {
                mean[p] += a[p] / samples;
            }
        }
        return image.result(base.reduce(mean, image.c, image.hw), Double.NaN);
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
