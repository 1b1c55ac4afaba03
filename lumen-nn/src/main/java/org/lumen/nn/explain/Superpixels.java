package org.lumen.nn.explain;

/**
 * Segmentations of an image into superpixels, the features LIME and KernelSHAP switch on and off: a label per
 * pixel, {@code 0..count-1}.
 */
final class Superpixels {
    private Superpixels() {}

    /** A {@code g x g} grid: cell {@code (r, c)} is label {@code r * g + c}; rows and columns split as evenly as integers allow. */
    static int[] grid(int h, int w, int g) {
        int[] labels = new int[h * w];
        for (int y = 0; y < h; y++) {
            int r = Math.min(g - 1, y * g / h);
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = r * g + Math.min(g - 1, x * g / w);
            }
        }
        return labels;
    }

    /**
     * SLIC (Achanta et al. 2012) on one image {@code [C, H, W]} in the model's (normalised) values: about
     * {@code segments} centres on a regular grid of step {@code S = sqrt(H W / segments)}, then 10 rounds of
     * assigning each pixel, among the centres within {@code 2S}, to the one minimising
     * {@code d_value^2 + (compactness * range)^2 (d_xy / S)^2}, where {@code range} is the image's value range, and
     * moving each centre to its pixels' mean. Labels are renumbered densely; segments are not forced to be
     * connected (skimage's {@code enforce_connectivity} step is left out).
     */
    static int[] slic(float[] image, int c, int h, int w, int segments, double compactness) {
        int hw = h * w;
        double step = Math.sqrt(hw / (double) Math.max(1, segments));
        int gy = Math.max(1, (int) Math.round(h / step));
        int gx = Math.max(1, (int) Math.round(w / step));
        int k = gy * gx;
        double[][] centres = new double[k][c + 2];
        for (int j = 0; j < k; j++) {
            double cy = (j / gx + 0.5) * h / gy;
            double cx = (j % gx + 0.5) * w / gx;
            int p = Math.min(h - 1, (int) cy) * w + Math.min(w - 1, (int) cx);
            for (int ch = 0; ch < c; ch++) {
                centres[j][ch] = image[ch * hw + p];
            }
            centres[j][c] = cy;
            centres[j][c + 1] = cx;
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : image) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double m = compactness * Math.max(1e-6, max - min);
        double spatial = m * m / (step * step);
        int[] labels = new int[hw];
        double[] best = new double[hw];
        for (int round = 0; round < 10; round++) {
            java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
            for (int j = 0; j < k; j++) {
                double[] ctr = centres[j];
                int y0 = Math.max(0, (int) Math.floor(ctr[c] - 2 * step));
                int y1 = Math.min(h - 1, (int) Math.ceil(ctr[c] + 2 * step));
                int x0 = Math.max(0, (int) Math.floor(ctr[c + 1] - 2 * step));
                int x1 = Math.min(w - 1, (int) Math.ceil(ctr[c + 1] + 2 * step));
                for (int y = y0; y <= y1; y++) {
                    for (int x = x0; x <= x1; x++) {
                        int p = y * w + x;
                        double d = 0;
                        for (int ch = 0; ch < c; ch++) {
                            double dv = image[ch * hw + p] - ctr[ch];
                            d += dv * dv;
                        }
                        double dy = y - ctr[c];
                        double dx = x - ctr[c + 1];
                        d += spatial * (dy * dy + dx * dx);
                        if (d < best[p]) {
                            best[p] = d;
                            labels[p] = j;
                        }
                    }
                }
            }
            double[][] sums = new double[k][c + 3];
            for (int p = 0; p < hw; p++) {
                double[] s = sums[labels[p]];
                for (int ch = 0; ch < c; ch++) {
                    s[ch] += image[ch * hw + p];
                }
                s[c] += p / w;
                s[c + 1] += p % w;
                s[c + 2]++;
            }
            for (int j = 0; j < k; j++) {
                if (sums[j][c + 2] > 0) {
                    for (int d = 0; d < c + 2; d++) {
                        centres[j][d] = sums[j][d] / sums[j][c + 2];
                    }
                }
            }
        }
        int[] dense = new int[k];
        java.util.Arrays.fill(dense, -1);
        int next = 0;
        for (int p = 0; p < hw; p++) {
            if (dense[labels[p]] < 0) {
                dense[labels[p]] = next++;
            }
            labels[p] = dense[labels[p]];
        }
        return labels;
    }

    /** The number of labels, {@code max + 1}. */
    static int count(int[] labels) {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }
}
