package org.lumen.nn.explain.eval;

/**
 * What the faithfulness metrics read from the model for the explained class.
 *
 * <ul>
 *   <li>{@link #PROBABILITY}: the softmax probability of the class (RISE's deletion and insertion, and
 *       pytorch-grad-cam's metric examples with {@code ClassifierOutputSoftmaxTarget}); the default, since it is
 *       bounded and comparable across images.</li>
 *   <li>{@link #LOGIT}: the pre-softmax logit (pytorch-grad-cam's {@code ClassifierOutputTarget}).</li>
 * </ul>
 */
public enum Score {
    PROBABILITY, LOGIT;

    /** This score of {@code target} from one row of logits; the softmax is computed in double precision. */
    double of(float[] logits, int offset, int classes, int target) {
        if (this == LOGIT) {
            return logits[offset + target];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(logits[offset + k] - max);
        }
        return Math.exp(logits[offset + target] - max) / sum;
    }
}
