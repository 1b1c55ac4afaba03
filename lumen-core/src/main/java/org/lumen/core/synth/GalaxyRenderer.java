package org.lumen.core.synth;

import java.util.Random;

/**
 * Renders a {@link Galaxy} into three sky-subtracted bands (g, r, i), each a row-major
 * {@code size x size} array of counts.
 */
public final class GalaxyRenderer {
    public static final int G = 0, R = 1, I = 2;
    /** Above this mean a Poisson draw is replaced by a rounded normal one: the difference is far below the noise. */
    private static final double NORMAL_APPROXIMATION_MEAN = 50;

    private final int size;

    public GalaxyRenderer(int size) {
        this.size = size;
    }

    /**
     * The noiseless, PSF-convolved image in each band, background-free. The disk and bulge are rendered on a
     * grid padded by the PSF radius and cropped after convolution, so light scattered in from outside the
     * cut-out is counted; clumps are already PSF-sized Gaussians and are integrated over the pixels directly.
     */
    public double[][] noiseless(Galaxy galaxy) {
        GaussianPsf psf = new GaussianPsf(galaxy.psfSigma());
        int pad = psf.radius(), padded = size + 2 * pad;
        double[] disk = new double[padded * padded];
        double[] bulge = new double[padded * padded];
        galaxy.disk().render(disk, padded, galaxy.centreX() + pad, galaxy.centreY() + pad, 1);
        galaxy.bulge().render(bulge, padded, galaxy.centreX() + pad, galaxy.centreY() + pad, 1);
        disk = crop(psf.convolve(disk, padded), padded, pad);
        bulge = crop(psf.convolve(bulge, padded), padded, pad);

        double diskFlux = galaxy.flux() * (1 - galaxy.bulgeFraction());
        double bulgeFlux = galaxy.flux() * galaxy.bulgeFraction();
        double[][] bands = new double[3][size * size];
        for (int b = 0; b < 3; b++) {
            double wd = diskFlux * galaxy.diskColour().get(b), wb = bulgeFlux * galaxy.bulgeColour().get(b);
            for (int p = 0; p < size * size; p++) {
                bands[b][p] = wd * disk[p] + wb * bulge[p];
            }
        }
        double smoothR = 0;
        for (double v : bands[R]) {
            smoothR += v;
        }
        for (Galaxy.Clump clump : galaxy.clumps()) {
            for (int b = 0; b < 3; b++) {
                double flux = clump.fluxFraction() * smoothR * galaxy.clumpColour().get(b);
                GaussianPsf.addGaussian(bands[b], size, clump.x(), clump.y(), clump.sigma(), flux);
            }
        }
        return bands;
    }

    /**
     * Observes {@code bands} in place: adds the sky, draws Poisson counts, and subtracts the sky level again
     * (as a survey pipeline does), leaving zero-mean noise where there is no light.
     */
    public static void observe(double[][] bands, Galaxy.Bands sky, Random rnd) {
        for (int b = 0; b < bands.length; b++) {
            double level = sky.get(b);
            double[] band = bands[b];
            for (int p = 0; p < band.length; p++) {
                band[p] = poisson(band[p] + level, rnd) - level;
            }
        }
    }

    /** A Poisson draw of mean {@code mean}: Knuth's product method when small, normal approximation when large. */
    static double poisson(double mean, Random rnd) {
        if (mean > NORMAL_APPROXIMATION_MEAN) {
            return Math.max(0, Math.rint(mean + Math.sqrt(mean) * rnd.nextGaussian()));
        }
        double limit = Math.exp(-mean), product = rnd.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= rnd.nextDouble();
            k++;
        }
        return k;
    }

    private double[] crop(double[] image, int width, int pad) {
        double[] out = new double[size * size];
        for (int j = 0; j < size; j++) {
            System.arraycopy(image, (j + pad) * width + pad, out, j * size, size);
        }
        return out;
    }
}
