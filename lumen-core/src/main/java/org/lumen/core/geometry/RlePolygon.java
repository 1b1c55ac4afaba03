package org.lumen.core.geometry;

import java.util.Arrays;

/**
 * Polygon rasterisation with the semantics of pycocotools' {@code rleFrPoly}: the outline is upsampled 5x
 * onto integer points, the points where it crosses a pixel column's centre line are kept, and each column is
 * set from the rows between consecutive crossings. A pixel is in the mask when its centre is inside the
 * polygon (ties as pycocotools breaks them). The float-to-int conversions copy C's truncation, including
 * x86's answer (INT_MIN) for NaN and out-of-range values, so degenerate outlines give the same masks.
 */
final class RlePolygon {
    private static final double SCALE = 5;
    /** Upsampled outline points allowed; bounds memory for absurd coordinates. */
    private static final long MAX_POINTS = 1L << 27;

    private RlePolygon() {}

    static Rle rasterise(double[] xy, int h, int w) {
        int k = xy.length / 2;
        if (k < 1) {
            throw new IllegalArgumentException("a polygon needs at least one point, got " + xy.length + " coordinates");
        }
        if ((long) h * w > Integer.MAX_VALUE || h < 0 || w < 0) {
            throw new IllegalArgumentException("size " + h + "x" + w + " out of range");
        }
        int[] x = new int[k + 1], y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            if (!Double.isFinite(xy[2 * j]) || !Double.isFinite(xy[2 * j + 1])) {
                throw new IllegalArgumentException("polygon point " + j + " is not finite");
            }
            x[j] = cInt(SCALE * xy[2 * j] + .5);
            y[j] = cInt(SCALE * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        long points = 0;
        for (int j = 0; j < k; j++) {
            points += Math.max(Math.abs((long) x[j] - x[j + 1]), Math.abs((long) y[j] - y[j + 1])) + 1;
        }
        if (points > MAX_POINTS) {
            throw new IllegalArgumentException("polygon outline too long (" + points + " upsampled points)");
        }
        int[] u = new int[(int) points], v = new int[(int) points];
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = cInt(ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = cInt(xs + s * t + .5);
                    m++;
                }
            }
        }
        // keep the points where the outline crosses a column centre, moved back to pixel coordinates
        int n = m;
        long[] boundary = new long[n + 1];
        int b = 0;
        for (int j = 1; j < n; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                continue;
            }
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / SCALE - .5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > h) {
                yd = h;
            }
            yd = Math.ceil(yd);
            boundary[b++] = (long) xd * h + (long) yd;
        }
        boundary[b++] = (long) h * w;
        Arrays.sort(boundary, 0, b);
        // differences between sorted crossings are the runs; a zero difference cancels a pair of crossings
        long previous = 0;
        for (int j = 0; j < b; j++) {
            long t = boundary[j];
            boundary[j] -= previous;
            previous = t;
        }
        int[] counts = new int[b];
        int c = 0;
        int j = 0;
        counts[c++] = (int) boundary[j++];
        while (j < b) {
            if (boundary[j] > 0) {
                counts[c++] = (int) boundary[j++];
            } else {
                j++;
                if (j < b) {
                    counts[c - 1] += (int) boundary[j++];
                }
            }
        }
        return Rle.trusted(h, w, Arrays.copyOf(counts, c));
    }

    /** C's {@code (int)} of a double on x86-64: truncation, and INT_MIN for NaN and out-of-range values. */
    private static int cInt(double d) {
        return d > -2147483649.0 && d < 2147483648.0 ? (int) d : Integer.MIN_VALUE;
    }
}
