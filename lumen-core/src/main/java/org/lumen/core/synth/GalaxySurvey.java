package org.lumen.core.synth;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.lumen.core.LumenException;

/**
 * Lumen's built-in dataset: a seeded survey of synthetic galaxy cut-outs in the style of SDSS / Legacy
 * Survey gri colour images, half of them (by default) with giant star-forming clumps like those labelled
 * by Galaxy Zoo: Clump Scout volunteers and found with Faster R-CNN in the transfer-learning study built
 * on those labels.
 *
 * <p>Each galaxy is an exponential disk plus a Sérsic (n = 3.5-4.5) bulge with random size, inclination,
 * position angle, flux and bulge fraction, convolved with a Gaussian PSF, observed with sky background and
 * Poisson noise in g, r and i (bulge red, disk bluer, clumps bluest), and shown with the Lupton asinh
 * stretch. A clumpy galaxy has 1 to {@code maxClumps} PSF-sized knots in its disk, each carrying a flux
 * fraction drawn log-uniformly from [{@code minClumpFraction}, {@code maxClumpFraction}], so some are
 * faint; a smooth galaxy has none.
 *
 * <p>Reproducible: galaxy {@code k} depends only on the seed, the size, the clump settings and whether it
 * is clumpy, so the same parameters give byte-identical files. Build with {@link #builder()}.
 */
public final class GalaxySurvey {
    public static final String CLUMPY = "clumpy";
    public static final String SMOOTH = "smooth";

    /**
     * What a survey is generated from; two surveys with equal parameters are identical.
     *
     * @param count            number of galaxies, {@code >= 1}
     * @param size             cut-out width and height in pixels, 32 to 1024
     * @param seed             random seed
     * @param clumpyShare      share of galaxies that are clumpy, in [0, 1] (rounded to a whole number)
     * @param minClumpFraction smallest flux fraction of one clump, {@code > 0}
     * @param maxClumpFraction largest flux fraction of one clump, {@code >= minClumpFraction}, {@code <= 1}
     * @param maxClumps        most clumps in one galaxy, 1 to 8
     */
    public record Parameters(int count, int size, long seed, double clumpyShare, double minClumpFraction,
                             double maxClumpFraction, int maxClumps) {
        public Parameters {
            checkSetting(count >= 1, "count", "must be at least 1: " + count);
            checkSetting(size >= 32 && size <= 1024, "size", "must be 32 to 1024 pixels: " + size);
            check(clumpyShare >= 0 && clumpyShare <= 1, "clumpy share", "must be in [0, 1]: " + clumpyShare);
            check(minClumpFraction > 0 && minClumpFraction <= maxClumpFraction && maxClumpFraction <= 1,
                    "clump flux fraction", "needs 0 < min <= max <= 1: " + minClumpFraction + ", " + maxClumpFraction);
            check(maxClumps >= 1 && maxClumps <= 8, "max clumps", "must be 1 to 8: " + maxClumps);
        }

        /** How many galaxies are clumpy. */
        public int clumpyCount() {
            return (int) Math.round(clumpyShare * count);
        }

        private static void check(boolean ok, String option, String message) {
            if (!ok) {
                throw new LumenException(option, message);
            }
        }

        /** Refuses the setting {@code name} (its Java name; the command line prints its flag). */
        private static void checkSetting(boolean ok, String name, String message) {
            if (!ok) {
                throw LumenException.setting(name, message);
            }
        }
    }

    private final Parameters parameters;
    private final boolean[] clumpy;
    private final GalaxySampler sampler;
    private final GalaxyRenderer renderer;

    private GalaxySurvey(Parameters parameters) {
        this.parameters = parameters;
        this.sampler = new GalaxySampler(parameters);
        this.renderer = new GalaxyRenderer(parameters.size());
        // exactly clumpyCount() clumpy galaxies, at seeded places, so every split has both classes
        this.clumpy = new boolean[parameters.count()];
        Random rnd = new Random(parameters.seed());
        int[] order = org.lumen.core.data.Splits.permutation(parameters.count(), rnd);
        for (int k = 0; k < parameters.clumpyCount(); k++) {
            clumpy[order[k]] = true;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Parameters parameters() {
        return parameters;
    }

    /** The truth for galaxy {@code index} (0-based). */
    public Galaxy galaxy(int index) {
        return sampler.draw(name(index), clumpy[index], randomFor(index));
    }

    /** Galaxy {@code index} as the survey shows it: observed with noise and stretched to 8-bit RGB. */
    public BufferedImage image(int index) {
        Random rnd = randomFor(index);
        Galaxy galaxy = sampler.draw(name(index), clumpy[index], rnd);
        double[][] bands = renderer.noiseless(galaxy);
        GalaxyRenderer.observe(bands, galaxy.sky(), rnd); // the same generator, continued: noise follows the draw
        return LuptonRgb.SURVEY.toImage(bands, parameters.size());
    }

    /** The noiseless, sky-free bands (g, r, i) of {@code galaxy}: the ground truth behind an image. */
    public double[][] noiseless(Galaxy galaxy) {
        return renderer.noiseless(galaxy);
    }

    /**
     * Writes the survey to {@code outDir}; see {@link SurveyWriter} for the layout and the rule on an existing
     * folder.
     */
    public SurveyWriter.Summary write(Path outDir) throws IOException {
        return new SurveyWriter(this).write(outDir);
    }

    static String name(int index) {
        return String.format("galaxy_%05d", index);
    }

    /** Each galaxy has its own generator, so galaxy k does not depend on how many come before it. */
    private Random randomFor(int index) {
        long z = parameters.seed() * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L; // SplitMix64 finaliser: neighbouring seeds decorrelate
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    /** Builder with the defaults of {@code lumen synth galaxies}. */
    public static final class Builder {
        private int count = 600;
        private int size = 64;
        private long seed = 0;
        private double clumpyShare = 0.5;
        private double minClumpFraction = 0.03;
        private double maxClumpFraction = 0.15;
        private int maxClumps = 4;

        public Builder optCount(int count) {
            this.count = count;
            return this;
        }

        public Builder optSize(int size) {
            this.size = size;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optClumpyShare(double share) {
            this.clumpyShare = share;
            return this;
        }

        /** Each clump's r-band flux fraction is drawn log-uniformly from [min, max]. */
        public Builder optClumpFluxFraction(double min, double max) {
            this.minClumpFraction = min;
            this.maxClumpFraction = max;
            return this;
        }

        public Builder optMaxClumps(int maxClumps) {
            this.maxClumps = maxClumps;
            return this;
        }

        /** @throws LumenException naming the option that is out of range */
        public GalaxySurvey build() {
            return new GalaxySurvey(new Parameters(count, size, seed, clumpyShare, minClumpFraction,
                    maxClumpFraction, maxClumps));
        }
    }
}
