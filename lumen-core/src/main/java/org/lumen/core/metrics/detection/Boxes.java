package org.lumen.core.metrics.detection;

/**
 * The boxes of one image: corners {@code x1, y1, x2, y2} in pixels, flat ({@code xyxy[4 * i .. 4 * i + 3]}),
 * a class index per box and, for detections, a score per box ({@code null} for ground truth).
 */
public record Boxes(double[] xyxy, int[] labels, double[] scores) {
    public Boxes {
        if (xyxy.length != 4 * labels.length) {
            throw new IllegalArgumentException(xyxy.length + " coordinates for " + labels.length + " boxes");
        }
        if (scores != null && scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " boxes");
        }
    }

    /** Ground truth: boxes and labels. */
    public static Boxes truth(double[] xyxy, int[] labels) {
        return new Boxes(xyxy, labels, null);
    }

    /** An image with no boxes. */
    public static Boxes empty(boolean scored) {
        return new Boxes(new double[0], new int[0], scored ? new double[0] : null);
    }

    public int size() {
        return labels.length;
    }

    /** The first {@code n} boxes (this, when there are no more). */
    public Boxes first(int n) {
        if (size() <= n) {
            return this;
        }
        return new Boxes(java.util.Arrays.copyOf(xyxy, 4 * n), java.util.Arrays.copyOf(labels, n),
                scores == null ? null : java.util.Arrays.copyOf(scores, n));
    }

    /** The detections scoring at least {@code conf}, in their order. */
    public Boxes above(double conf) {
        int[] keep = java.util.stream.IntStream.range(0, size()).filter(i -> scores[i] >= conf).toArray();
        double[] b = new double[4 * keep.length];
        int[] l = new int[keep.length];
        double[] s = new double[keep.length];
        for (int k = 0; k < keep.length; k++) {
            System.arraycopy(xyxy, 4 * keep[k], b, 4 * k, 4);
            l[k] = labels[keep[k]];
            s[k] = scores[keep[k]];
        }
        return new Boxes(b, l, s);
    }

    /** IoU of box {@code i} here with box {@code j} of {@code other}; 0 unless both overlap with positive area. */
    public double iou(int i, Boxes other, int j) {
        double[] a = xyxy;
        double[] b = other.xyxy;
        double w = Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]);
        double h = Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        double union = (a[4 * i + 2] - a[4 * i]) * (a[4 * i + 3] - a[4 * i + 1])
                + (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
