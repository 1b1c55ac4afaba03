package org.lumen.nn.explain.eval;

import java.util.Arrays;
import java.util.Random;

/**
 * ROAD's noisy linear imputation (Rong et al. 2022, "A Consistent and Efficient Evaluation Strategy for
 * Attribution Methods"; pytorch-grad-cam's {@code NoisyLinearImputer}): every removed pixel takes the weighted
 * average of its 8 neighbours, known or themselves removed, with weight 1/6 for the 4 edge neighbours and 1/12
 * for the 4 corner neighbours (renormalised over the neighbours inside the image); then Gaussian noise of
 * standard deviation {@code noise} (0.01 by default, in the units of the image, as pytorch-grad-cam applies it to
 * the normalised tensor) is added to each removed value of each channel.
 *
 * <p>The averages couple the removed pixels, so they are the solution of one sparse linear system per channel:
 * for removed pixel {@code i} with in-image neighbour weights {@code w_ij} and {@code d_i = sum_j w_ij},
 * <pre>
 *   d_i x_i - sum_{j removed} w_ij x_j = sum_{j known} w_ij v_j
 * </pre>
 * pytorch-grad-cam solves it with {@code scipy.sparse.linalg.spsolve}; the matrix is symmetric (the weights are
 * symmetric in the offset) and diagonally dominant, positive definite wherever a group of connected removed
 * pixels touches a known pixel, so here it is solved by Jacobi-preconditioned conjugate gradients in double
 * precision to a relative residual of 1e-10, which agrees with the direct solve to about 1e-8.
 *
 * <p>A group of removed pixels with no known pixel in reach (the whole image removed) has no defined average;
 * spsolve fails on it, while here its pixels are set to 0 (the dataset mean colour of a normalised image) plus
 * the noise.
 */
public final class NoisyLinearImputer {
    public static final double DEFAULT_NOISE = 0.01;
    /** {@code {dy, dx}} and weight of each neighbour, as pytorch-grad-cam's {@code neighbors_weights}. */
    private static final int[][] OFFSETS = {{1, 1}, {0, 1}, {-1, 1}, {1, -1}, {0, -1}, {-1, -1}, {1, 0}, {-1, 0}};
    private static final double[] WEIGHTS = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0,
        1 / 6.0};
    private static final double TOLERANCE = 1e-10;

    private final double noise;

    public NoisyLinearImputer(double noise) {
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("noise must be >= 0, got " + noise);
        }
        this.noise = noise;
    }

    public NoisyLinearImputer() {
        this(DEFAULT_NOISE);
    }

    /**
     * The image with its removed pixels imputed.
     *
     * @param image {@code [channels, height, width]}, C order; not modified
     * @param removed {@code [height * width]}, row-major: true where the pixel (all its channels) is removed
     * @param random the noise source
     * @return a new array; known pixels are copied unchanged
     */
    public float[] impute(float[] image, int channels, int height, int width, boolean[] removed, Random random) {
        int hw = height * width;
        if (image.length != channels * hw || removed.length != hw) {
            throw new IllegalArgumentException("image of " + image.length + " values and mask of " + removed.length
                    + " for " + channels + "x" + height + "x" + width);
        }
        int[] index = new int[hw];
        Arrays.fill(index, -1);
        int n = 0;
        for (int p = 0; p < hw; p++) {
            if (removed[p]) {
                index[p] = n++;
            }
        }
        float[] out = image.clone();
        if (n == 0) {
            return out;
        }
        int[] pixel = new int[n];
        double[] diagonal = new double[n];
        // unknown neighbours of each unknown, as (column, weight) pairs, at most 8 each
        int[] neighbour = new int[n * 8];
        double[] weight = new double[n * 8];
        int[] count = new int[n];
        for (int p = 0; p < hw; p++) {
            int i = index[p];
            if (i < 0) {
                continue;
            }
            pixel[i] = p;
            int y = p / width;
            int x = p % width;
            for (int k = 0; k < OFFSETS.length; k++) {
                int yy = y + OFFSETS[k][0];
                int xx = x + OFFSETS[k][1];
                if (yy < 0 || xx < 0 || yy >= height || xx >= width) {
                    continue;
                }
                diagonal[i] += WEIGHTS[k];
                int j = index[yy * width + xx];
                if (j >= 0) {
                    neighbour[i * 8 + count[i]] = j;
                    weight[i * 8 + count[i]] = WEIGHTS[k];
                    count[i]++;
                }
            }
        }
        Matrix m = new Matrix(diagonal, neighbour, weight, count);
        double[] b = new double[n];
        for (int c = 0; c < channels; c++) {
            int plane = c * hw;
            for (int i = 0; i < n; i++) {
                int p = pixel[i];
                int y = p / width;
                int x = p % width;
                double s = 0;
                for (int k = 0; k < OFFSETS.length; k++) {
                    int yy = y + OFFSETS[k][0];
                    int xx = x + OFFSETS[k][1];
                    if (yy >= 0 && xx >= 0 && yy < height && xx < width && index[yy * width + xx] < 0) {
                        s += WEIGHTS[k] * image[plane + yy * width + xx];
                    }
                }
                b[i] = s;
            }
            double[] x = m.solve(b);
            for (int i = 0; i < n; i++) {
                out[plane + pixel[i]] = (float) (x[i] + noise * random.nextGaussian());
            }
        }
        return out;
    }

    /** {@code (D - W)} over the removed pixels: symmetric, positive semi-definite. */
    private record Matrix(double[] diagonal, int[] neighbour, double[] weight, int[] count) {
        void times(double[] v, double[] out) {
            for (int i = 0; i < diagonal.length; i++) {
                double s = diagonal[i] * v[i];
                for (int e = i * 8, end = e + count[i]; e < end; e++) {
                    s -= weight[e] * v[neighbour[e]];
                }
                out[i] = s;
            }
        }

        /** Jacobi-preconditioned conjugate gradients from 0; components with no right-hand side stay 0. */
        double[] solve(double[] b) {
            int n = b.length;
            double[] x = new double[n];
            double[] r = b.clone();
            double[] z = new double[n];
            double[] q = new double[n];
            double bNorm = Math.sqrt(dot(b, b));
            if (bNorm == 0) {
                return x;
            }
            for (int i = 0; i < n; i++) {
                z[i] = r[i] / diagonal[i];
            }
            double[] p = z.clone();
            double rz = dot(r, z);
            for (int iteration = 0; iteration < 10 * n + 100; iteration++) {
                times(p, q);
                double pq = dot(p, q);
                if (pq <= 0) {
                    break;
                }
                double alpha = rz / pq;
                for (int i = 0; i < n; i++) {
                    x[i] += alpha * p[i];
                    r[i] -= alpha * q[i];
                }
                if (Math.sqrt(dot(r, r)) <= TOLERANCE * bNorm) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    z[i] = r[i] / diagonal[i];
                }
                double rzNext = dot(r, z);
                double beta = rzNext / rz;
                rz = rzNext;
                for (int i = 0; i < n; i++) {
                    p[i] = z[i] + beta * p[i];
                }
            }
            return x;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }
    }
}
