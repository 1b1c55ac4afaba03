package org.lumen.nn.explain.eval;

import java.util.List;

/**
 * The pointing game (Zhang et al. 2016, "Top-down Neural Attention by Excitation Backprop"): a heatmap scores a
 * hit when its maximum lies on the object, within a tolerance (the paper's is 15 pixels at its input size). The
 * maximum is the first pixel in row-major order holding the largest value, taken at the pixel's centre
 * {@code (x + 0.5, y + 0.5)}; a hit is a Euclidean distance of at most {@code tolerance} to a ground-truth box
 * (its area, edges in pixel-edge coordinates) or to the centre of a ground-truth mask pixel. The hit rate over
 * images is {@code hits / (hits + misses)}.
 */
public final class PointingGame {
    /** The paper's tolerance, in pixels of its 224-pixel input. */
    public static final double PAPER_TOLERANCE = 15;

    private PointingGame() {}

    /** Where a heatmap points and whether that was a hit. */
    public record Result(int x, int y, boolean hit) {}

    /**
     * @param heatmap {@code [height * width]}, row-major
     * @param boxes ground-truth boxes {@code {x1, y1, x2, y2}} in the heatmap's pixels
     * @param tolerance in pixels, {@code >= 0}
     */
    public static Result boxes(float[] heatmap, int height, int width, List<double[]> boxes, double tolerance) {
        int p = argmax(heatmap, height, width);
        double cx = p % width + 0.5;
        double cy = p / width + 0.5;
        boolean hit = false;
        for (double[] b : boxes) {
            double dx = Math.max(0, Math.max(b[0] - cx, cx - b[2]));
            double dy = Math.max(0, Math.max(b[1] - cy, cy - b[3]));
            hit |= dx * dx + dy * dy <= tolerance * tolerance;
        }
        return new Result(p % width, p / width, hit);
    }

    /**
     * @param mask ground truth {@code [height * width]}, row-major, true on the object
     */
    public static Result mask(float[] heatmap, int height, int width, boolean[] mask, double tolerance) {
        if (mask.length != height * width) {
            throw new IllegalArgumentException("mask has " + mask.length + " pixels for " + height + "x" + width);
        }
        int p = argmax(heatmap, height, width);
        int x = p % width;
        int y = p / width;
        int r = (int) Math.floor(tolerance);
        boolean hit = false;
        for (int yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r) && !hit; yy++) {
            for (int xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) {
                int dx = xx - x;
                int dy = yy - y;
                if (mask[yy * width + xx] && dx * dx + dy * dy <= tolerance * tolerance) {
                    hit = true;
                    break;
                }
            }
        }
        return new Result(x, y, hit);
    }

    private static int argmax(float[] heatmap, int height, int width) {
        if (heatmap.length != height * width || heatmap.length == 0) {
            throw new IllegalArgumentException("heatmap has " + heatmap.length + " values for " + height + "x" + width);
        }
        int best = 0;
        for (int p = 1; p < heatmap.length; p++) {
            if (heatmap[p] > heatmap[best]) {
                best = p;
            }
        }
        return best;
    }
}
