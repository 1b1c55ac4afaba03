package org.lumen.nn.explain.eval;

/**
 * ROAD of one image (Rong et al. 2022): the score change after the most relevant ({@code morf}) or least
 * relevant ({@code lerf}) {@code percentiles[k]} percent of pixels are removed and imputed
 * ({@link NoisyLinearImputer}), each relative to the unmodified image's score, as pytorch-grad-cam's metrics
 * return them ({@code return_diff=True}).
 *
 * @param original the score of the unmodified image
 */
public record Road(int[] percentiles, double[] morf, double[] lerf, double original) {
    /** The mean change over the percentiles, most relevant first (lower is better): ROADMostRelevantFirstAverage. */
    public double morfMean() {
        return mean(morf);
    }

    /** The mean change, least relevant first (higher is better): ROADLeastRelevantFirstAverage. */
    public double lerfMean() {
        return mean(lerf);
    }

    /** {@code (lerfMean - morfMean) / 2}, pytorch-grad-cam's ROADCombined (higher is better). */
    public double combined() {
        return (lerfMean() - morfMean()) / 2;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
