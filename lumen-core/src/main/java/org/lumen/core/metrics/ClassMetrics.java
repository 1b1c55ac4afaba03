package org.lumen.core.metrics;

/**
 * One class's one-vs-rest metrics, with scikit-learn's definitions.
 *
 * @param name              the class name
 * @param precision         TP / (TP + FP), 0 when nothing was predicted as this class ({@code zero_division=0})
 * @param recall            TP / (TP + FN), 0 when the class has no samples
 * @param f1                2 precision recall / (precision + recall), 0 when both are 0
 * @param specificity       TN / (TN + FP), 0 when every sample is of this class
 * @param rocAuc            area under the ROC curve of this class's probability; NaN when the class has no
 *                          samples or every sample is of this class (undefined)
 * @param averagePrecision  step-wise average precision of this class's probability; NaN when the class
 *                          has no samples (undefined)
 * @param support           number of samples whose true class this is
 */
public record ClassMetrics(String name, double precision, double recall, double f1, double specificity,
                           double rocAuc, double averagePrecision, long support) {
}
