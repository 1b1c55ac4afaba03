package org.lumen.nn.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * LIME and Kernel SHAP: an interpretable linear surrogate over superpixels ({@link Superpixels}: a grid or SLIC).
 * {@code samples} random coalitions (superpixels kept, the others set to 0), the target's logit for each, and a
 * weighted least-squares fit of logit ~ intercept + sum of kept superpixels' coefficients; each pixel gets its
 * superpixel's coefficient. LIME weighs a coalition by Captum's default kernel, {@code exp(-d^2 / w^2)} with d the
 * cosine distance between the coalition and all-kept and w = 1, coalitions drawn uniformly; Kernel SHAP by the
 * Shapley kernel, with coalition sizes drawn in proportion to it and the all-kept and none-kept coalitions pinned
 * with a large weight (so the coefficients sum to F(x) - F(0), as Shapley values do). Seeded: the same seed gives
 * the same coalitions for every image.
 */
final class Surrogate {
    private Surrogate() {}

    /**
     * One image's per-pixel attribution {@code [H * W]}.
     *
     * @param segOf superpixel label per pixel, {@code 0..m-1}
     * @param logits the model's logits {@code [n][K]} of {@code n} stacked images {@code [n * C * H * W]}
     */
    static float[] fit(boolean shap, int[] segOf, int m, float[] x, int c, int h, int w, int t, int samples,
            long seed, int batchSize, BiFunction<float[], Integer, float[][]> logits) {
        SplittableRandom rnd = new SplittableRandom(seed);
        
        List<boolean[]> coalitions = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        if (shap) {
            coalitions.add(fill(m, true));
            weights.add(1e6);
            coalitions.add(fill(m, false));
            weights.add(1e6);
        }
        double[] sizeWeight = new double[m];
        double totalSize = 0;
        for (int k = 1; k < m; k++) {
            sizeWeight[k] = (m - 1.0) / ((double) k * (m - k));
            totalSize += sizeWeight[k];
        }
        while (coalitions.size() < samples) {
            boolean[] z = new boolean[m];
            if (shap) {
                double u = rnd.nextDouble() * totalSize;
                int size = 1;
                while (size < m - 1 && u > sizeWeight[size]) {
                    u -= sizeWeight[size];
                    size++;
                }
                for (int idx : permutationPrefix(m, size, rnd)) {
                    z[idx] = true;
                }
                weights.add(1.0); // sizes already drawn by the kernel; within a size all coalitions weigh alike
            } else {
                int kept = 0;
                for (int k = 0; k < m; k++) {
                    z[k] = rnd.nextBoolean();
                    kept += z[k] ? 1 : 0;
                }
                double cos = kept == 0 ? 0 : kept / Math.sqrt((double) kept * m);
                double d = 1 - cos;
                weights.add(Math.exp(-d * d));
            }
            coalitions.add(z);
        }
        double[] y = new double[coalitions.size()];
        for (int from = 0; from < coalitions.size(); from += batchSize) {
            int n = Math.min(batchSize, coalitions.size() - from);
            float[] stack = new float[n * x.length];
            for (int q = 0; q < n; q++) {
                boolean[] z = coalitions.get(from + q);
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < h * w; p++) {
                        stack[q * x.length + ch * h * w + p] = z[segOf[p]] ? x[ch * h * w + p] : 0;
                    }
                }
            }
            float[][] l = logits.apply(stack, n);
            for (int q = 0; q < n; q++) {
                y[from + q] = l[q][t];
            }
        }
        double[] coef = weightedLeastSquares(coalitions, weights, y, m);
        float[] out = new float[h * w];
        for (int p = 0; p < out.length; p++) {
            out[p] = (float) coef[1 + segOf[p]];
        }
        return out;
    }

    private static boolean[] fill(int m, boolean v) {
        boolean[] z = new boolean[m];
        java.util.Arrays.fill(z, v);
        return z;
    }

    private static int[] permutationPrefix(int m, int k, SplittableRandom rnd) {
        int[] p = new int[m];
        for (int i = 0; i < m; i++) {
            p[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(m - i);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return java.util.Arrays.copyOf(p, k);
    }

    /** Solves min sum w (y - b0 - sum_k b_k z_k)^2 (+ 1e-6 ridge) by the normal equations; {b0, b1..bm}. */
    static double[] weightedLeastSquares(List<boolean[]> z, List<Double> wts, double[] y, int m) {
        int d = m + 1;
        double[][] a = new double[d][d + 1];
        for (int r = 0; r < z.size(); r++) {
            double[] row = new double[d];
            row[0] = 1;
            for (int k = 0; k < m; k++) {
                row[k + 1] = z.get(r)[k] ? 1 : 0;
            }
            double wt = wts.get(r);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] += wt * row[i] * row[j];
                }
                a[i][d] += wt * row[i] * y[r];
            }
        }
        for (int i = 0; i < d; i++) {
            a[i][i] += 1e-6;
        }
        // Gaussian elimination with partial pivoting
        for (int col = 0; col < d; col++) {
            int piv = col;
            for (int r = col + 1; r < d; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[piv];
            a[piv] = tmp;
            for (int r = 0; r < d; r++) {
                if (r != col && a[col][col] != 0) {
                    double f = a[r][col] / a[col][col];
                    for (int k = col; k <= d; k++) {
                        a[r][k] -= f * a[col][k];
                    }
                }
            }
        }
        double[] b = new double[d];
        for (int i = 0; i < d; i++) {
            b[i] = a[i][i] == 0 ? 0 : a[i][d] / a[i][i];
        }
        return b;
    }
}
