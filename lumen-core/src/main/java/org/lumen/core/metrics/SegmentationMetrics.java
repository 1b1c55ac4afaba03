package org.lumen.core.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Semantic-segmentation metrics accumulated over a data set, image by image.
 *
 * <p>Definitions (class 0 is the background):
 * <ul>
 * <li>Per class c, over all pixels of all images: {@code IoU = TP / (TP + FP + FN)},
 *     {@code Dice = 2 TP / (2 TP + FP + FN)}; NaN when the class is in neither the truth nor the prediction.</li>
 * <li>{@code dice_mean}, {@code iou_mean}: the unweighted mean over the non-background classes, skipping NaN.</li>
 * <li>{@code foreground}: Dice and IoU of "any non-background class" against the same in the truth (for the
 *     galaxy survey: the whole footprint, clumps included).</li>
 * <li>{@code pixel_accuracy}: the share of pixels whose predicted class is the true one.</li>
 * <li>Boundary F1 (Csurka et al. 2013, "BF score") per class c and image: the boundary of c is the set of its
 *     pixels with a 4-neighbour inside the image that is not c. Precision is the share of predicted boundary
 *     pixels within Euclidean distance {@code tolerance} pixels of a true boundary pixel, recall the share of
 *     true boundary pixels within it of a predicted one, F1 their harmonic mean (0 when both are 0). An image
 *     where neither boundary exists does not count for c; one where only one exists scores 0. The class's BF
 *     is the mean over the images that count; {@code boundary_f1_mean} the mean over non-background classes.</li>
 * </ul>
 */
public final class SegmentationMetrics {
    private final int k;
    private final double tolerance;
    private final long[][] confusion;
    private final double[] bfSum;
    private final int[] bfCount;
    private int images;

    /**
     * @param numClasses the class count, background included, at least 2
     * @param tolerance the boundary-F1 distance tolerance in pixels, {@code >= 0}
     */
    public SegmentationMetrics(int numClasses, double tolerance) {
        if (numClasses < 2 || tolerance < 0) {
            throw new IllegalArgumentException("numClasses " + numClasses + ", tolerance " + tolerance);
        }
        this.k = numClasses;
        this.tolerance = tolerance;
        this.confusion = new long[k][k];
        this.bfSum = new double[k];
        this.bfCount = new int[k];
    }

    /** Adds one image: {@code truth} and {@code predicted} are row-major class indices of a {@code w x h} image. */
    public void add(byte[] truth, byte[] predicted, int width, int height) {
        if (truth.length != width * height || predicted.length != truth.length) {
            throw new IllegalArgumentException("mask sizes " + truth.length + ", " + predicted.length + " for "
                    + width + "x" + height);
        }
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
        }
        for (int c = 0; c < k; c++) {
            double f = boundaryF1(truth, predicted, width, height, c, tolerance);
            if (!Double.isNaN(f)) {
                bfSum[c] += f;
                bfCount[c]++;
            }
        }
        images++;
    }

    public int images() {
        return images;
    }

    public long[][] confusion() {
        long[][] c = new long[k][];
        for (int i = 0; i < k; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    private long tp(int c) {
        return confusion[c][c];
    }

    private long fp(int c) {
        long s = 0;
        for (int t = 0; t < k; t++) {
            s += t == c ? 0 : confusion[t][c];
        }
        return s;
    }

    private long fn(int c) {
        long s = 0;
        for (int p = 0; p < k; p++) {
            s += p == c ? 0 : confusion[c][p];
        }
        return s;
    }

    public double iou(int c) {
        long d = tp(c) + fp(c) + fn(c);
        return d == 0 ? Double.NaN : (double) tp(c) / d;
    }

    public double dice(int c) {
        long d = 2 * tp(c) + fp(c) + fn(c);
        return d == 0 ? Double.NaN : 2.0 * tp(c) / d;
    }

    /** Mean boundary F1 of class c over the images where it counts; NaN if none. */
    public double boundaryF1(int c) {
        return bfCount[c] == 0 ? Double.NaN : bfSum[c] / bfCount[c];
    }

    public double pixelAccuracy() {
        long right = 0, all = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                all += confusion[t][p];
                right += t == p ? confusion[t][p] : 0;
            }
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }

    public double diceMean() {
        return foregroundMean(this::dice);
    }

    public double iouMean() {
        return foregroundMean(this::iou);
    }

    public double boundaryF1Mean() {
        return foregroundMean(this::boundaryF1);
    }

    private double foregroundMean(java.util.function.IntToDoubleFunction f) {
        double s = 0;
        int n = 0;
        for (int c = 1; c < k; c++) {
            double v = f.applyAsDouble(c);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Dice of "not background" against "not background". */
    public double foregroundDice() {
        long[] f = foreground();
        long d = 2 * f[0] + f[1] + f[2];
        return d == 0 ? Double.NaN : 2.0 * f[0] / d;
    }

    public double foregroundIou() {
        long[] f = foreground();
        long d = f[0] + f[1] + f[2];
        return d == 0 ? Double.NaN : (double) f[0] / d;
    }

    /** TP, FP, FN of the merged non-background classes. */
    private long[] foreground() {
        long tp = 0, fp = 0, fn = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                long n = confusion[t][p];
                if (t > 0 && p > 0) {
                    tp += n;
                } else if (t == 0 && p > 0) {
                    fp += n;
                } else if (t > 0 && p == 0) {
                    fn += n;
                }
            }
        }
        return new long[] {tp, fp, fn};
    }

    /** The summary numbers by name, as logged per epoch and written to metrics.json. */
    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("pixel_accuracy", pixelAccuracy());
        m.put("dice_mean", diceMean());
        m.put("iou_mean", iouMean());
        m.put("dice_foreground", foregroundDice());
        m.put("iou_foreground", foregroundIou());
        m.put("boundary_f1_mean", boundaryF1Mean());
        return m;
    }

    /** Per-class metrics by class name: dice, iou, boundary_f1, true_pixels, predicted_pixels. */
    public Map<String, Map<String, Object>> perClass(List<String> names) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dice", dice(c));
            m.put("iou", iou(c));
            m.put("boundary_f1", boundaryF1(c));
            m.put("true_pixels", tp(c) + fn(c));
            m.put("predicted_pixels", tp(c) + fp(c));
            out.put(names.get(c), m);
        }
        return out;
    }

    /**
     * Boundary F1 of class {@code c} in one image (see the class comment); NaN when neither mask has a
     * boundary of c.
     */
    public static double boundaryF1(byte[] truth, byte[] predicted, int w, int h, int c, double tolerance) {
        boolean[] bt = boundary(truth, w, h, c);
        boolean[] bp = boundary(predicted, w, h, c);
        int nt = count(bt), np = count(bp);
        if (nt == 0 && np == 0) {
            return Double.NaN;
        }
        if (nt == 0 || np == 0) {
            return 0;
        }
        List<int[]> offsets = disk(tolerance);
        double precision = (double) near(bp, bt, w, h, offsets) / np;
        double recall = (double) near(bt, bp, w, h, offsets) / nt;
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /** Pixels of class c with a 4-neighbour inside the image of another class. */
    static boolean[] boundary(byte[] mask, int w, int h, int c) {
        boolean[] b = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (mask[i] != c) {
                    continue;
                }
                b[i] = (x > 0 && mask[i - 1] != c) || (x < w - 1 && mask[i + 1] != c)
                        || (y > 0 && mask[i - w] != c) || (y < h - 1 && mask[i + w] != c);
            }
        }
        return b;
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }

    private static List<int[]> disk(double r) {
        List<int[]> out = new ArrayList<>();
        int ri = (int) Math.floor(r);
        for (int dy = -ri; dy <= ri; dy++) {
            for (int dx = -ri; dx <= ri; dx++) {
                if (dx * dx + dy * dy <= r * r) {
                    out.add(new int[] {dx, dy});
                }
            }
        }
        return out;
    }

    /** How many set pixels of {@code from} have a set pixel of {@code to} within the offsets. */
    private static int near(boolean[] from, boolean[] to, int w, int h, List<int[]> offsets) {
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!from[y * w + x]) {
                    continue;
                }
                for (int[] o : offsets) {
                    int xx = x + o[0], yy = y + o[1];
                    if (xx >= 0 && yy >= 0 && xx < w && yy < h && to[yy * w + xx]) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }
}
