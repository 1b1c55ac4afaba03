package org.lumen.nn.explain.eval;

/**
 * A deletion or insertion curve of one image: the explained class's score after each step.
 *
 * @param fractions the fraction of pixels removed (deletion) or inserted (insertion) at each point, from 0 to 1
 * @param scores the score at each point; {@code scores[0]} is the unmodified (deletion) or fully blurred
 *     (insertion) image's
 * @param auc the area under the curve by the trapezoid rule over {@code fractions}
 */
public record PerturbationCurve(double[] fractions, double[] scores, double auc) {
    /** The trapezoid area under {@code y(x)}. */
    public static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }
}
