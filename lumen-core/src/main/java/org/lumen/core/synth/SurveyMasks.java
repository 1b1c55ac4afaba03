package org.lumen.core.synth;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.geometry.Rle;

/**
 * Semantic and instance masks of a synthetic galaxy, from its noiseless model (never from the noisy image).
 *
 * <p><b>Galaxy footprint</b> (class 1): the pixels where the noiseless, PSF-convolved r-band model (disk, bulge
 * and clumps, no sky) reaches {@link #FOOTPRINT_SIGMAS} times the per-pixel sky noise in r, {@code sqrt(sky_r)}
 * counts: a surface-brightness isophote at a fixed signal-to-noise per pixel, so the footprint is what a survey
 * pipeline's detection threshold would see. <b>Clumps</b> (class 2, drawn over the footprint): the pixels whose
 * centre lies within two standard deviations of a clump's centre, the same radius as its labelled box.
 * Everything else is background (class 0).
 */
public final class SurveyMasks {
    /** Class indices in a mask, in order. */
    public static final List<String> CLASSES = List.of("background", "galaxy", "clump");
    public static final int BACKGROUND = 0, GALAXY = 1, CLUMP = 2;
    /** The footprint isophote in units of the r-band per-pixel sky noise. */
    public static final double FOOTPRINT_SIGMAS = 2.0;

    private SurveyMasks() {}

    /**
     * The class of each pixel, row-major {@code size x size}.
     *
     * @param bands the noiseless bands of {@code galaxy} ({@link GalaxySurvey#noiseless})
     */
    public static byte[] classes(Galaxy galaxy, double[][] bands, int size) {
        double threshold = FOOTPRINT_SIGMAS * Math.sqrt(galaxy.sky().r());
        double[] r = bands[GalaxyRenderer.R];
        byte[] mask = new byte[size * size];
        for (int p = 0; p < mask.length; p++) {
            mask[p] = r[p] >= threshold ? (byte) GALAXY : (byte) BACKGROUND;
        }
        for (Galaxy.Clump clump : galaxy.clumps()) {
            byte[] c = clump(clump, size);
            for (int p = 0; p < mask.length; p++) {
                if (c[p] != 0) {
                    mask[p] = (byte) CLUMP;
                }
            }
        }
        return mask;
    }

    /** One clump's pixels (1 inside), row-major: pixel centres within 2 sigma of the clump's centre. */
    public static byte[] clump(Galaxy.Clump clump, int size) {
        byte[] m = new byte[size * size];
        double r2 = 4 * clump.sigma() * clump.sigma();
        for (int y = 0; y < size; y++) {
            double dy = y + 0.5 - clump.y();
            for (int x = 0; x < size; x++) {
                double dx = x + 0.5 - clump.x();
                if (dx * dx + dy * dy <= r2) {
                    m[y * size + x] = 1;
                }
            }
        }
        return m;
    }

    /** Each clump's mask as COCO RLE, in the galaxy's clump order. */
    public static List<Rle> clumpRles(Galaxy galaxy, int size) {
        List<Rle> out = new ArrayList<>();
        for (Galaxy.Clump clump : galaxy.clumps()) {
            out.add(Rle.encode(clump(clump, size), size, size));
        }
        return out;
    }

    /** A class mask as an 8-bit grey image whose values are the class indices. */
    public static BufferedImage toImage(byte[] mask, int size) {
        return org.lumen.core.data.MaskFolder.maskImage(mask, size, size);
    }
}
