package org.lumen.core.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * Classification metrics from true labels and class probabilities, with scikit-learn's definitions: the
 * content of {@code metrics.json} (DESIGN.md section 3).
 *
 * <ul>
 *   <li>The predicted class is the arg-max of a sample's probabilities; ties go to the lowest class index,
 *       as {@code numpy.argmax}.</li>
 *   <li>Per class, one-vs-rest: precision, recall, F1 and specificity from the confusion matrix, with 0 for a
 *       zero denominator ({@code zero_division=0}); ROC AUC and average precision rank the samples by that
 *       class's probability (see {@link ThresholdSweep}).</li>
 *   <li>A class with no samples in the truth has undefined ROC AUC and average precision, and a class that
 *       every sample belongs to has undefined ROC AUC: they are NaN here ({@code null} in JSON), and the macro
 *       mean leaves them out (NaN if no class has one). scikit-learn would raise for AUC and return 0 for AP.</li>
 *   <li>Macro = unweighted mean over all classes, including classes absent from both truth and predictions
 *       (scikit-learn with {@code labels=range(K)}).</li>
 * </ul>
 */
public final class ClassificationMetrics {
    /** Probability of class {@code k} for sample {@code i}; lets float and double inputs share one path. */
    @FunctionalInterface
    private interface Probabilities {
        double get(int sample, int k);
    }

    private final List<String> classes;
    private final int[] predicted;
    private final ConfusionMatrix confusion;
    private final List<ClassMetrics> perClass;
    private final List<ThresholdSweep> sweeps;

    private ClassificationMetrics(List<String> classes, int[] predicted, ConfusionMatrix confusion,
                                  List<ClassMetrics> perClass, List<ThresholdSweep> sweeps) {
        this.classes = classes;
        this.predicted = predicted;
        this.confusion = confusion;
        this.perClass = perClass;
        this.sweeps = sweeps;
    }

    /** See {@link #of(int[], double[][], List)}. */
    public static ClassificationMetrics of(int[] labels, float[][] probabilities, List<String> classes) {
        checkShape(labels, probabilities.length, classes, i -> probabilities[i].length);
        return compute(labels, (i, k) -> probabilities[i][k], classes);
    }

    /**
     * Computes every metric.
     *
     * @param labels        true class index of each sample, in {@code [0, classes.size())}
     * @param probabilities {@code [samples][classes]} scores (usually softmax probabilities), all finite
     * @param classes       distinct class names, in index order
     * @throws IllegalArgumentException on mismatched shapes, out-of-range labels, duplicate names, no samples
     *                                  or a non-finite probability
     */
    public static ClassificationMetrics of(int[] labels, double[][] probabilities, List<String> classes) {
        checkShape(labels, probabilities.length, classes, i -> probabilities[i].length);
        return compute(labels, (i, k) -> probabilities[i][k], classes);
    }

    private static void checkShape(int[] labels, int rows, List<String> classes, IntUnaryOperator rowLength) {
        if (labels.length != rows || rows == 0) {
            throw new IllegalArgumentException("need one probability row per label, got " + labels.length
                    + " labels and " + rows + " rows");
        }
        if (classes.isEmpty() || new HashSet<>(classes).size() != classes.size()) {
            throw new IllegalArgumentException("class names must be distinct and non-empty: " + classes);
        }
        for (int i = 0; i < rows; i++) {
            if (rowLength.applyAsInt(i) != classes.size()) {
                throw new IllegalArgumentException("probability row " + i + " has " + rowLength.applyAsInt(i)
                        + " entries for " + classes.size() + " classes");
            }
        }
    }

    private static ClassificationMetrics compute(int[] labels, Probabilities p, List<String> classes) {
        int n = labels.length;
        int k = classes.size();
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (p.get(i, c) > p.get(i, best)) { // strict: ties keep the lower index
                    best = c;
                }
            }
            predicted[i] = best;
        }
        ConfusionMatrix confusion = ConfusionMatrix.of(labels, predicted, k);
        List<ClassMetrics> perClass = new ArrayList<>(k);
        List<ThresholdSweep> sweeps = new ArrayList<>(k);
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                scores[i] = p.get(i, c);
                positive[i] = labels[i] == c;
            }
            ThresholdSweep sweep = ThresholdSweep.of(scores, positive);
            sweeps.add(sweep);
            perClass.add(classMetrics(classes.get(c), c, confusion, sweep));
        }
        return new ClassificationMetrics(List.copyOf(classes), predicted, confusion, List.copyOf(perClass),
                List.copyOf(sweeps));
    }

    private static ClassMetrics classMetrics(String name, int c, ConfusionMatrix m, ThresholdSweep sweep) {
        long tp = m.truePositives(c);
        double precision = ratio(tp, tp + m.falsePositives(c));
        double recall = ratio(tp, tp + m.falseNegatives(c));
        double denominator = precision + recall;
        double f1 = denominator == 0 ? 0 : 2 * precision * recall / denominator;
        double specificity = ratio(m.trueNegatives(c), m.trueNegatives(c) + m.falsePositives(c));
        return new ClassMetrics(name, precision, recall, f1, specificity, sweep.rocAuc(), sweep.averagePrecision(),
                m.support(c));
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : numerator / (double) denominator;
    }

    /** Class names in index order. */
    public List<String> classes() {
        return classes;
    }

    /** The predicted (arg-max) class of each sample, as a copy. */
    public int[] predicted() {
        return predicted.clone();
    }

    /** Fraction of samples whose arg-max class is the true class. */
    public double accuracy() {
        return confusion.correct() / (double) confusion.total();
    }

    public double precisionMacro() {
        return macro(ClassMetrics::precision);
    }

    public double recallMacro() {
        return macro(ClassMetrics::recall);
    }

    public double f1Macro() {
        return macro(ClassMetrics::f1);
    }

    public double specificityMacro() {
        return macro(ClassMetrics::specificity);
    }

    /** Mean ROC AUC over the classes where it is defined; NaN if none. */
    public double rocAucMacro() {
        return macro(ClassMetrics::rocAuc);
    }

    /** Mean average precision over the classes where it is defined; NaN if none. */
    public double averagePrecisionMacro() {
        return macro(ClassMetrics::averagePrecision);
    }

    /** Unweighted mean over classes of a metric, leaving out classes where it is undefined (NaN). */
    private double macro(ToDoubleFunction<ClassMetrics> metric) {
        return perClass.stream().mapToDouble(metric).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    public ConfusionMatrix confusionMatrix() {
        return confusion;
    }

    /** Per-class metrics, in class index order. */
    public List<ClassMetrics> perClass() {
        return perClass;
    }

    /** Class {@code k}'s one-vs-rest ROC curve; empty where its ROC AUC is undefined. */
    public Optional<Curve> rocCurve(int k) {
        return sweeps.get(k).rocCurve();
    }

    /** Class {@code k}'s one-vs-rest precision-recall curve; empty where its average precision is undefined. */
    public Optional<Curve> precisionRecallCurve(int k) {
        return sweeps.get(k).precisionRecallCurve();
    }
}
