package org.lumen.core.metrics;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs: {@code count(t, p)} is the number of samples of true class
 * {@code t} predicted as {@code p}; rows are true classes, as scikit-learn's {@code confusion_matrix}.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    private ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    /**
     * Tallies {@code truth[i]} against {@code predicted[i]}, both in {@code [0, classes)}.
     *
     * @throws IllegalArgumentException if the arrays differ in length or a label is out of range
     */
    public static ConfusionMatrix of(int[] truth, int[] predicted, int classes) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            checkLabel(truth[i], classes, i);
            checkLabel(predicted[i], classes, i);
            counts[truth[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(counts);
    }

    private static void checkLabel(int label, int classes, int sample) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " of sample " + sample + " is outside [0, " + classes + ")");
        }
    }

    /** Number of classes (rows and columns). */
    public int classes() {
        return counts.length;
    }

    /** Samples of true class {@code truth} predicted as {@code predicted}. */
    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** All samples. */
    public long total() {
        long n = 0;
        for (long[] row : counts) {
            n += Arrays.stream(row).sum();
        }
        return n;
    }

    /** Samples on the diagonal (predicted correctly). */
    public long correct() {
        long n = 0;
        for (int k = 0; k < counts.length; k++) {
            n += counts[k][k];
        }
        return n;
    }

    /** Samples whose true class is {@code k} (row sum): scikit-learn's {@code support}. */
    public long support(int k) {
        return Arrays.stream(counts[k]).sum();
    }

    /** Samples predicted as {@code k} (column sum). */
    public long predictedAs(int k) {
        long n = 0;
        for (long[] row : counts) {
            n += row[k];
        }
        return n;
    }

    public long truePositives(int k) {
        return counts[k][k];
    }

    public long falsePositives(int k) {
        return predictedAs(k) - counts[k][k];
    }

    public long falseNegatives(int k) {
        return support(k) - counts[k][k];
    }

    public long trueNegatives(int k) {
        return total() - support(k) - predictedAs(k) + counts[k][k];
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public long[][] toArray() {
        long[][] copy = new long[counts.length][];
        for (int k = 0; k < counts.length; k++) {
            copy[k] = counts[k].clone();
        }
        return copy;
    }
}
