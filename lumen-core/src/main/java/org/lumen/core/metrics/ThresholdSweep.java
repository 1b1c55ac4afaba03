package org.lumen.core.metrics;

import java.util.Arrays;
import java.util.Optional;

/**
 * True- and false-positive counts at every distinct score threshold of one binary ranking problem (one class
 * against the rest): scikit-learn's {@code _binary_clf_curve}, from which ROC AUC, average precision and
 * both curves follow exactly as scikit-learn computes them.
 *
 * <p>Thresholds are the distinct scores in decreasing order; at {@code thresholds[i]} every sample with
 * score {@code >= thresholds[i]} counts as positive, so tied scores enter together. Building one sorts the
 * scores once, O(n log n); the sweep keeps O(distinct scores) memory.
 */
public final class ThresholdSweep {
    private final double[] thresholds;
    private final int[] truePositives;
    private final int[] falsePositives;
    private final int positives;
    private final int negatives;

    private ThresholdSweep(double[] thresholds, int[] truePositives, int[] falsePositives, int positives, int negatives) {
        this.thresholds = thresholds;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * Sweeps {@code scores} (higher means more likely positive) against the truth {@code positive}.
     *
     * @throws IllegalArgumentException if the arrays differ in length, are empty, or a score is not finite
     */
    public static ThresholdSweep of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length || scores.length == 0) {
            throw new IllegalArgumentException("need equally long, non-empty scores and truth, got "
                    + scores.length + " and " + positive.length);
        }
        int p = 0;
        for (boolean b : positive) {
            p += b ? 1 : 0;
        }
        double[] pos = new double[p];
        double[] neg = new double[scores.length - p];
        for (int i = 0, a = 0, b = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
            }
            double s = scores[i] + 0.0; // -0.0 becomes 0.0: numpy ties them, Arrays.sort would not
            if (positive[i]) {
                pos[a++] = s;
            } else {
                neg[b++] = s;
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        // Merge both sorted lists from the top; each distinct score is one threshold.
        double[] t = new double[scores.length];
        int[] tp = new int[scores.length];
        int[] fp = new int[scores.length];
        int m = 0;
        int i = pos.length - 1;
        int j = neg.length - 1;
        int tps = 0;
        int fps = 0;
        while (i >= 0 || j >= 0) {
            double s = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
            for (; i >= 0 && pos[i] == s; i--) {
                tps++;
            }
            for (; j >= 0 && neg[j] == s; j--) {
                fps++;
            }
            t[m] = s;
            tp[m] = tps;
            fp[m] = fps;
            m++;
        }
        return new ThresholdSweep(Arrays.copyOf(t, m), Arrays.copyOf(tp, m), Arrays.copyOf(fp, m), p, neg.length);
    }

    /** Number of positive samples. */
    public int positives() {
        return positives;
    }

    /** Number of negative samples. */
    public int negatives() {
        return negatives;
    }

    /**
     * Area under the ROC curve with ties counted half (the trapezoid rule, as scikit-learn's
     * {@code roc_auc_score}); NaN when there are no positives or no negatives, where it is undefined.
     * Computed from integer counts, so the only rounding is one final division.
     */
    public double rocAuc() {
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        long twiceArea = 0; // in units of 1/(P*N): each trapezoid is dFP * (TP_before + TP_after) / 2
        int tpBefore = 0;
        int fpBefore = 0;
        for (int k = 0; k < thresholds.length; k++) {
            twiceArea += (long) (falsePositives[k] - fpBefore) * (tpBefore + truePositives[k]);
            tpBefore = truePositives[k];
            fpBefore = falsePositives[k];
        }
        return twiceArea / (2.0 * positives * (double) negatives);
    }

    /**
     * Average precision as scikit-learn's {@code average_precision_score}: the sum over thresholds of
     * (recall gained) x (precision there), with no interpolation; NaN when there are no positives (where
     * scikit-learn warns and returns 0).
     */
    public double averagePrecision() {
        if (positives == 0) {
            return Double.NaN;
        }
        double sum = 0;
        double recallBefore = 0;
        for (int k = 0; k < thresholds.length; k++) {
            double recall = truePositives[k] / (double) positives;
            sum += (recall - recallBefore) * precisionAt(k);
            recallBefore = recall;
        }
        return sum;
    }

    /**
     * The ROC curve exactly as scikit-learn 1.2's {@code roc_curve(drop_intermediate=True)}: starts at (0, 0)
     * with threshold {@code max score + 1}, and drops points whose neighbours make them redundant; empty
     * when there are no positives or no negatives.
     */
    public Optional<Curve> rocCurve() {
        if (positives == 0 || negatives == 0) {
            return Optional.empty();
        }
        int m = thresholds.length;
        int[] keep = new int[m];
        int kept = 0;
        for (int k = 0; k < m; k++) {
            boolean end = m <= 2 || k == 0 || k == m - 1;
            if (end || secondDifference(falsePositives, k) != 0 || secondDifference(truePositives, k) != 0) {
                keep[kept++] = k;
            }
        }
        double[] fpr = new double[kept + 1];
        double[] tpr = new double[kept + 1];
        double[] t = new double[kept + 1];
        t[0] = thresholds[0] + 1;
        for (int q = 0; q < kept; q++) {
            fpr[q + 1] = falsePositives[keep[q]] / (double) negatives;
            tpr[q + 1] = truePositives[keep[q]] / (double) positives;
            t[q + 1] = thresholds[keep[q]];
        }
        return Optional.of(new Curve(fpr, tpr, t));
    }

    /**
     * The precision-recall curve as scikit-learn's {@code precision_recall_curve}, in increasing recall: the
     * first point is (recall 0, precision 1) with threshold +infinity, then one point per threshold from the
     * highest down; empty when there are no positives.
     */
    public Optional<Curve> precisionRecallCurve() {
        if (positives == 0) {
            return Optional.empty();
        }
        int m = thresholds.length;
        double[] recall = new double[m + 1];
        double[] precision = new double[m + 1];
        double[] t = new double[m + 1];
        precision[0] = 1;
        t[0] = Double.POSITIVE_INFINITY;
        for (int k = 0; k < m; k++) {
            recall[k + 1] = truePositives[k] / (double) positives;
            precision[k + 1] = precisionAt(k);
            t[k + 1] = thresholds[k];
        }
        return Optional.of(new Curve(recall, precision, t));
    }

    private double precisionAt(int k) {
        return truePositives[k] / (double) (truePositives[k] + falsePositives[k]);
    }

    /** {@code np.diff(a, 2)[k - 1]}: non-zero where the curve bends at point k. */
    private static long secondDifference(int[] a, int k) {
        return (long) a[k + 1] - 2L * a[k] + a[k - 1];
    }
}
