package org.lumen.nn.explain.eval;

import java.util.ArrayDeque;

/**
 * The Grad-CAM paper's weakly-supervised localisation box (Selvaraju et al. 2017, section 4.1): threshold the
 * heatmap at {@code fraction} of its maximum (15% in the paper), keep the largest 8-connected region of pixels at
 * or above it (by pixel count; on a tie the one met first in row-major order), and take that region's bounding
 * box.
 *
 * @param x1 left edge, in the heatmap's pixels (pixel-edge coordinates: pixel column {@code x} spans
 *     {@code [x, x + 1)})
 * @param y1 top edge
 * @param x2 right edge, {@code > x1}
 * @param y2 bottom edge, {@code > y1}
 * @param pixels the region's pixel count
 * @param threshold the heatmap value the region was cut at
 */
public record LocalisationBox(double x1, double y1, double x2, double y2, int pixels, double threshold) {
    /** The Grad-CAM paper's threshold: 15% of the maximum. */
    public static final double DEFAULT_FRACTION = 0.15;

    /**
     * @param heatmap {@code [height * width]}, row-major
     * @param fraction in [0, 1]
     * @return the box, or null when the map has no positive value (nothing to localise)
     */
    public static LocalisationBox of(float[] heatmap, int height, int width, double fraction) {
        if (heatmap.length != height * width) {
            throw new IllegalArgumentException("heatmap has " + heatmap.length + " values for " + height + "x" + width);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : heatmap) {
            max = Math.max(max, v);
        }
        if (!(max > 0)) {
            return null;
        }
        double threshold = fraction * max;
        boolean[] seen = new boolean[heatmap.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        LocalisationBox best = null;
        for (int start = 0; start < heatmap.length; start++) {
            if (seen[start] || heatmap[start] < threshold) {
                continue;
            }
            int x1 = width;
            int y1 = height;
            int x2 = -1;
            int y2 = -1;
            int count = 0;
            seen[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                int x = p % width;
                int y = p / width;
                count++;
                x1 = Math.min(x1, x);
                y1 = Math.min(y1, y);
                x2 = Math.max(x2, x);
                y2 = Math.max(y2, y);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        if (xx >= 0 && yy >= 0 && xx < width && yy < height) {
                            int q = yy * width + xx;
                            if (!seen[q] && heatmap[q] >= threshold) {
                                seen[q] = true;
                                queue.add(q);
                            }
                        }
                    }
                }
            }
            if (best == null || count > best.pixels) {
                best = new LocalisationBox(x1, y1, x2 + 1, y2 + 1, count, threshold);
            }
        }
        return best;
    }

    /** {@code {x1, y1, x2, y2}}. */
    public double[] xyxy() {
        return new double[] {x1, y1, x2, y2};
    }

    /** The box in another grid's pixels (e.g. from the model's input size to the original image's). */
    public double[] scaled(double sx, double sy) {
        return new double[] {x1 * sx, y1 * sy, x2 * sx, y2 * sy};
    }
}
