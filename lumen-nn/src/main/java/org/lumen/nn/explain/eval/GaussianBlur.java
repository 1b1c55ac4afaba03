package org.lumen.nn.explain.eval;

/**
 * RISE's blur (Petsiuk et al. 2018, {@code gkern(11, 5)}): the substrate insertion starts from. RISE builds the
 * 11 x 11 kernel as {@code scipy.ndimage.gaussian_filter} (sigma 5, truncated at 4 sigma, {@code reflect} mode)
 * of a centred unit impulse, and applies it to each channel of the normalised image as a convolution with zero
 * padding of 5. The kernel is separable (the outer product of one row with itself), which is how it is applied
 * here; its entries sum to 1.
 */
public final class GaussianBlur {
    public static final int SIZE = 11;
    public static final double SIGMA = 5;
    private static final double[] KERNEL = kernel1d(SIZE, SIGMA);

    private GaussianBlur() {}

    /** One row of the kernel: scipy's {@code gaussian_filter1d} of a unit impulse at the centre. */
    static double[] kernel1d(int size, double sigma) {
        int radius = (int) (4.0 * sigma + 0.5);
        double[] g = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            g[k + radius] = Math.exp(-0.5 * k * k / (sigma * sigma));
            sum += g[k + radius];
        }
        int centre = size / 2;
        double[] row = new double[size];
        for (int i = 0; i < size; i++) {
            for (int k = -radius; k <= radius; k++) {
                if (reflect(i + k, size) == centre) {
                    row[i] += g[k + radius] / sum;
                }
            }
        }
        return row;
    }

    /** scipy's {@code reflect} extension ({@code d c b a | a b c d | d c b a}). */
    private static int reflect(int j, int n) {
        int m = Math.floorMod(j, 2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }

    /** The 1-D kernel, a copy. */
    public static double[] kernel() {
        return KERNEL.clone();
    }

    /** The blurred copy of a {@code [channels, height, width]} C-order image (zero padding, as RISE). */
    public static float[] blur(float[] image, int channels, int height, int width) {
        int r = SIZE / 2;
        float[] tmp = new float[image.length];
        float[] out = new float[image.length];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = -r; k <= r; k++) {
                        int xx = x + k;
                        if (xx >= 0 && xx < width) {
                            s += KERNEL[k + r] * image[plane + y * width + xx];
                        }
                    }
                    tmp[plane + y * width + x] = (float) s;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = -r; k <= r; k++) {
                        int yy = y + k;
                        if (yy >= 0 && yy < height) {
                            s += KERNEL[k + r] * tmp[plane + yy * width + x];
                        }
                    }
                    out[plane + y * width + x] = (float) s;
                }
            }
        }
        return out;
    }
}
