package org.lumen.core.synth;

import java.util.List;

/**
 * The truth about one synthetic galaxy: everything needed to render it again, and its labels.
 *
 * <p>Lengths and positions are in pixels of the cut-out, with (0, 0) the top-left corner of the top-left
 * pixel. Fluxes are detector counts; {@code flux} is the r-band total of disk plus bulge over the whole
 * plane (part of it may fall outside the cut-out), and the other bands follow from the colours.
 *
 * @param name          file stem, e.g. {@code galaxy_00042}
 * @param clumpy        whether the galaxy has clumps (the image class); smooth galaxies have none
 * @param bulgeFraction bulge-to-total flux ratio B/T in every band before colours are applied
 * @param psfSigma      standard deviation of the Gaussian PSF in pixels (the same in all bands)
 * @param sky           sky background per pixel in each band, counts
 * @param diskColour    disk flux per band relative to r
 * @param bulgeColour   bulge flux per band relative to r (redder than the disk)
 * @param clumpColour   clump flux per band relative to r (bluer than the disk: young stars)
 */
public record Galaxy(String name, boolean clumpy, double centreX, double centreY, double flux,
                     double bulgeFraction, SersicProfile disk, SersicProfile bulge, double psfSigma,
                     Bands sky, Bands diskColour, Bands bulgeColour, Bands clumpColour, List<Clump> clumps) {

    public Galaxy {
        clumps = List.copyOf(clumps);
        if (clumpy == clumps.isEmpty()) {
            throw new IllegalArgumentException(name + ": clumpy=" + clumpy + " with " + clumps.size() + " clumps");
        }
    }

    /** The class label written to disk. */
    public String className() {
        return clumpy ? GalaxySurvey.CLUMPY : GalaxySurvey.SMOOTH;
    }

    /** This galaxy without its clumps: the smooth model underneath, for measuring what the clumps add. */
    public Galaxy smoothPart() {
        return new Galaxy(name, false, centreX, centreY, flux, bulgeFraction, disk, bulge, psfSigma, sky,
                diskColour, bulgeColour, clumpColour, List.of());
    }

    /** One value per band g, r, i. */
    public record Bands(double g, double r, double i) {
        public double get(int band) {
            return band == 0 ? g : band == 1 ? r : i;
        }
    }

    /**
     * A compact star-forming knot, seen as a Gaussian: a point source convolved with the PSF, widened a
     * little by its own size.
     *
     * @param fluxFraction r-band clump flux divided by the r-band flux of the smooth galaxy (disk + bulge)
     *                     inside the cut-out, both before noise
     * @param box          the labelled box: centre +-2 sigma, clipped to the image
     */
    public record Clump(double x, double y, double sigma, double fluxFraction, Box box) {}

    /**
     * An axis-aligned box in pixel coordinates, {@code 0 <= x1 < x2 <= width}, {@code 0 <= y1 < y2 <= height}.
     * Corners are rounded to 1/1000 pixel so every file that repeats them agrees exactly.
     */
    public record Box(double x1, double y1, double x2, double y2) {
        public double width() {
            return x2 - x1;
        }

        public double height() {
            return y2 - y1;
        }

        /** The box around ({@code x}, {@code y}) of half-size {@code half}, clipped to a square image. */
        static Box around(double x, double y, double half, int size) {
            return new Box(milli(Math.max(0, x - half)), milli(Math.max(0, y - half)),
                    milli(Math.min(size, x + half)), milli(Math.min(size, y + half)));
        }

        private static double milli(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }
}
