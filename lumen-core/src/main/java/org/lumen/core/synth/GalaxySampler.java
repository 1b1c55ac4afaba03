package org.lumen.core.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws the parameters of one galaxy. The ranges describe a 64-pixel cut-out at an SDSS-like scale
 * (0.4"/px, 1.2-1.6" seeing); for other sizes every length scales with {@code size / 64} and every flux
 * with its square, so a bigger cut-out shows the same galaxies in finer detail at the same depth.
 */
final class GalaxySampler {
    /** Thickness of a disk seen edge-on, as an axis ratio (Hubble 1926 inclination formula). */
    private static final double INTRINSIC_THICKNESS = 0.2;
    private static final int PLACEMENT_TRIES = 200;

    private final GalaxySurvey.Parameters parameters;
    private final double scale;

    GalaxySampler(GalaxySurvey.Parameters parameters) {
        this.parameters = parameters;
        this.scale = parameters.size() / 64.0;
    }

    /** The galaxy named {@code name}, its parameters drawn from {@code rnd}. */
    Galaxy draw(String name, boolean clumpy, Random rnd) {
        int size = parameters.size();
        double cx = size / 2.0 + uniform(rnd, -2, 2) * scale;
        double cy = size / 2.0 + uniform(rnd, -2, 2) * scale;
        double angle = uniform(rnd, 0, Math.PI);
        double cosInclination = uniform(rnd, 0.3, 1);
        double diskQ = Math.sqrt(cosInclination * cosInclination * (1 - INTRINSIC_THICKNESS * INTRINSIC_THICKNESS)
                + INTRINSIC_THICKNESS * INTRINSIC_THICKNESS);
        double diskRe = uniform(rnd, 5, 10) * scale;
        SersicProfile disk = new SersicProfile(1, diskRe, diskQ, angle);
        SersicProfile bulge = new SersicProfile(uniform(rnd, 3.5, 4.5), diskRe * uniform(rnd, 0.15, 0.3),
                uniform(rnd, 0.7, 1), angle);
        double flux = logUniform(rnd, 2e4, 8e4) * scale * scale;
        double bulgeFraction = uniform(rnd, 0.05, 0.5);
        double psfSigma = uniform(rnd, 1.1, 1.6) * scale;
        double skyR = uniform(rnd, 80, 120);
        Galaxy.Bands sky = new Galaxy.Bands(0.7 * skyR, skyR, 1.4 * skyR);
        Galaxy.Bands diskColour = new Galaxy.Bands(uniform(rnd, 0.65, 0.85), 1, uniform(rnd, 1.05, 1.2));
        Galaxy.Bands bulgeColour = new Galaxy.Bands(uniform(rnd, 0.4, 0.55), 1, uniform(rnd, 1.25, 1.45));
        Galaxy.Bands clumpColour = new Galaxy.Bands(uniform(rnd, 1.2, 1.6), 1, uniform(rnd, 0.7, 0.9));
        List<Galaxy.Clump> clumps = clumpy ? clumps(rnd, cx, cy, disk, psfSigma) : List.of();
        return new Galaxy(name, clumpy, cx, cy, flux, bulgeFraction, disk, bulge, psfSigma, sky,
                diskColour, bulgeColour, clumpColour, clumps);
    }

    /**
     * 1 to {@code maxClumps} knots in the disk plane (so they follow its inclination), off the bulge, apart
     * from each other, and far enough inside the cut-out that their light is all in it.
     */
    private List<Galaxy.Clump> clumps(Random rnd, double cx, double cy, SersicProfile disk, double psfSigma) {
        int wanted = 1 + rnd.nextInt(parameters.maxClumps());
        List<Galaxy.Clump> clumps = new ArrayList<>();
        double cos = Math.cos(disk.positionAngle()), sin = Math.sin(disk.positionAngle());
        for (int attempt = 0; attempt < PLACEMENT_TRIES && clumps.size() < wanted; attempt++) {
            double sigma = Math.hypot(psfSigma, uniform(rnd, 0, 0.7) * scale);
            double fraction = logUniform(rnd, parameters.minClumpFraction(), parameters.maxClumpFraction());
            double radius = uniform(rnd, 0.4, 1.5) * disk.effectiveRadius();
            double theta = uniform(rnd, 0, 2 * Math.PI);
            double major = radius * Math.cos(theta), minor = radius * disk.axisRatio() * Math.sin(theta);
            double x = cx + major * cos - minor * sin, y = cy + major * sin + minor * cos;
            if (acceptable(x, y, sigma, cx, cy, psfSigma, clumps)) {
                clumps.add(new Galaxy.Clump(x, y, sigma, fraction,
                        Galaxy.Box.around(x, y, 2 * sigma, parameters.size())));
            }
        }
        if (clumps.isEmpty()) {
            throw new IllegalStateException("no place for a clump in a " + parameters.size() + " px cut-out");
        }
        return clumps;
    }

    private boolean acceptable(double x, double y, double sigma, double cx, double cy, double psfSigma,
                               List<Galaxy.Clump> others) {
        double margin = 3 * sigma;
        int size = parameters.size();
        if (x < margin || y < margin || x > size - margin || y > size - margin) {
            return false;
        }
        if (Math.hypot(x - cx, y - cy) < 3 * psfSigma) {
            return false; // on the bulge a knot is neither visible nor what Clump Scout calls a clump
        }
        for (Galaxy.Clump other : others) {
            if (Math.hypot(x - other.x(), y - other.y()) < 2 * (sigma + other.sigma())) {
                return false;
            }
        }
        return true;
    }

    private static double uniform(Random rnd, double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }

    private static double logUniform(Random rnd, double lo, double hi) {
        return lo * Math.exp(Math.log(hi / lo) * rnd.nextDouble());
    }
}
