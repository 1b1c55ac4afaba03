package org.lumen.nn.explain;

import java.util.ArrayList;
import java.util.List;

/**
 * Integrated gradients (Sundararajan et al. 2017): {@code (x - x0) * integral_0^1 dF/dx(x0 + a (x - x0)) da}, summed
 * over channels, with {@code steps} Gauss-Legendre nodes on [0, 1] (Captum's default method; default 50) and
 * baseline {@code x0 = 0} (the normalised mean image); the gradients along the path run {@code batchSize} at a
 * time. Reports the completeness gap {@code sum(attr) - (F(x) - F(x0))} per image.
 */
final class IntegratedGradients extends ChannelAttribution {
    private final int steps;
    private final int batchSize;

    IntegratedGradients(AttributionBuilder b) {
        super(b);
        this.steps = b.steps;
        this.batchSize = b.batchSize;
    }

    @Override
    double[] perChannel(Pixels image, float[] x) {
        int size = x.length;
        double[][] gl = gaussLegendre(steps);
        List<float[]> path = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            float[] xs = new float[size];
            for (int p = 0; p < size; p++) {
                xs[p] = (float) (gl[0][s] * x[p]);
            }
            path.add(xs);
        }
        double[] avg = new double[size];
        for (int from = 0; from < steps; from += batchSize) {
            List<float[]> chunk = path.subList(from, Math.min(steps, from + batchSize));
            List<float[]> gs = image.gradients(chunk, ReluRule.PLAIN);
            for (int s = 0; s < gs.size(); s++) {
                double wt = gl[1][from + s];
                float[] g = gs.get(s);
                for (int p = 0; p < size; p++) {
                    avg[p] += wt * g[p];
                }
            }
        }
        double[] out = new double[size];
        for (int p = 0; p < size; p++) {
            out[p] = x[p] * avg[p];
        }
        return out;
    }

    @Override
    Attribution.Result attribute(Pixels image) {
        double[] full = perChannel(image, image.x);
        double sum = 0;
        for (double v : full) {
            sum += v;
        }
        float f0 = image.logits(new float[image.x.length], 1)[0][image.target];
        return image.result(reduce(full, image.c, image.hw), sum - (image.score - f0));
    }

    /** Gauss-Legendre nodes and weights on [0, 1]: {@code {nodes, weights}}, nodes increasing. */
    static double[][] gaussLegendre(int n) {
        double[] x = new double[n];
        double[] wt = new double[n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1;
                double p1 = z;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                double pn = n == 1 ? z : p1;
                double pm = n == 1 ? 1 : p0;
                dp = n * (z * pn - pm) / (z * z - 1);
                double dz = pn / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-15) {
                    break;
                }
            }
            // node on [-1, 1] -> [0, 1], in increasing order
            x[n - 1 - i] = (1 + z) / 2;
            wt[n - 1 - i] = 1 / ((1 - z * z) * dp * dp);
        }
        return new double[][] {x, wt};
    }
}
