package org.lumen.core.synth;

/**
 * A circular Gaussian point-spread function, applied as two 1-D passes (a Gaussian is separable, so this
 * costs O(pixels x kernel width) with no FFT). Kernels are integrated over each pixel rather than sampled
 * at pixel centres, so a PSF-sized source keeps its flux exactly even when sigma is near one pixel.
 *
 * @param sigma standard deviation in pixels, {@code > 0} (FWHM = 2.3548 sigma)
 */
public record GaussianPsf(double sigma) {

    public GaussianPsf {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("PSF sigma must be > 0: " + sigma);
        }
    }

    /** The kernel half-width in pixels: 4 sigma holds all but 6e-5 of the light. */
    public int radius() {
        return (int) Math.ceil(4 * sigma);
    }

    /**
     * Returns {@code image} (row-major, {@code width} columns) convolved with this PSF; pixels outside the
     * image count as zero, so flux that spreads past the border is lost, as in a real cut-out. Callers that
     * need the light from outside render on a grid padded by {@link #radius()} and crop.
     */
    public double[] convolve(double[] image, int width) {
        int height = image.length / width;
        int r = radius();
        double[] kernel = new double[2 * r + 1];
        double norm = 0;
        for (int k = -r; k <= r; k++) {
            kernel[k + r] = integrated(k - 0.5, k + 0.5, 0, sigma);
            norm += kernel[k + r];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= norm; // the truncated tails go back into the kernel: convolution keeps total flux
        }
        double[] rows = new double[image.length];
        for (int j = 0; j < height; j++) {
            for (int i = 0; i < width; i++) {
                double v = image[j * width + i];
                if (v == 0) {
                    continue;
                }
                for (int k = Math.max(-r, -i); k <= Math.min(r, width - 1 - i); k++) {
                    rows[j * width + i + k] += v * kernel[k + r];
                }
            }
        }
        double[] out = new double[image.length];
        for (int j = 0; j < height; j++) {
            for (int k = Math.max(-r, -j); k <= Math.min(r, height - 1 - j); k++) {
                double w = kernel[k + r];
                int from = j * width, to = (j + k) * width;
                for (int i = 0; i < width; i++) {
                    out[to + i] += rows[from + i] * w;
                }
            }
        }
        return out;
    }

    /**
     * Adds a Gaussian source of total {@code flux} and standard deviation {@code sourceSigma} centred at
     * ({@code cx}, {@code cy}) to {@code image}, integrated exactly over each pixel.
     */
    public static void addGaussian(double[] image, int width, double cx, double cy, double sourceSigma, double flux) {
        int height = image.length / width;
        double[] col = new double[width];
        double[] row = new double[height];
        for (int i = 0; i < width; i++) {
            col[i] = integrated(i, i + 1, cx, sourceSigma);
        }
        for (int j = 0; j < height; j++) {
            row[j] = integrated(j, j + 1, cy, sourceSigma);
        }
        for (int j = 0; j < height; j++) {
            if (row[j] < 1e-12) {
                continue;
            }
            for (int i = 0; i < width; i++) {
                image[j * width + i] += flux * row[j] * col[i];
            }
        }
    }

    /** The share of a 1-D Gaussian (mean {@code mu}, std {@code s}) that falls in [a, b]. */
    static double integrated(double a, double b, double mu, double s) {
        double k = 1 / (s * Math.sqrt(2));
        return 0.5 * (erf((b - mu) * k) - erf((a - mu) * k));
    }

    /**
     * The error function, by Abramowitz &amp; Stegun 7.1.26 (absolute error below 1.5e-7): the JDK has
     * none, and that accuracy is far below the Poisson noise of any rendered pixel.
     */
    static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double y = 1 - poly * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
