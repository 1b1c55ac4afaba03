package org.lumen.core.metrics;

/**
 * Points of a ranking curve, for plotting: {@code x[i], y[i]} is the point reached when every sample with a
 * score of at least {@code thresholds[i]} is called positive. All three arrays have the same length.
 *
 * <p>A ROC curve has x = false-positive rate and y = true-positive rate, with points in increasing x; a
 * precision-recall curve has x = recall and y = precision, with points in increasing recall. The exact point
 * sets are scikit-learn's ({@code roc_curve}, {@code precision_recall_curve}); see {@link ThresholdSweep}.
 */
public record Curve(double[] x, double[] y, double[] thresholds) {
    public Curve {
        if (x.length != y.length || x.length != thresholds.length) {
            throw new IllegalArgumentException("curve arrays differ in length: " + x.length + ", " + y.length
                    + ", " + thresholds.length);
        }
    }

    /** Number of points. */
    public int size() {
        return x.length;
    }
}
