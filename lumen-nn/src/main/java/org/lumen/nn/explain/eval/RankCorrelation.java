package org.lumen.nn.explain.eval;

import java.util.Arrays;

/**
 * Spearman's rank correlation between two maps of the same image (e.g. two methods' heatmaps, as the Grad-CAM
 * paper compares Guided Grad-CAM with occlusion): the Pearson correlation of the values' ranks, tied values
 * sharing the mean of their ranks (scipy's {@code spearmanr}). NaN when either map is constant.
 */
public final class RankCorrelation {
    private RankCorrelation() {}

    public static double spearman(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values");
        }
        return pearson(ranks(a), ranks(b));
    }

    /** Ranks from 1, ties averaged. */
    static double[] ranks(float[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Float.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < idx.length;) {
            int j = i;
            while (j + 1 < idx.length && Float.compare(v[idx[j + 1]], v[idx[i]]) == 0) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[idx[k]] = mean;
            }
            i = j + 1;
        }
        return r;
    }

    private static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
