package org.lumen.nn.explain;

import org.lumen.core.LumenException;
import org.lumen.nn.model.Classification;

/**
 * What CAMs and attributions share around a model's passes: the explained classes (each image's top prediction
 * unless asked for one).
 */
final class Passes {
    private Passes() {}

    /**
     * The class explained per image: {@code requested[i]}, range-checked, or (null) the largest logit, the lowest
     * index on ties.
     *
     * @throws LumenException for a requested class out of range (setting {@code target})
     */
    static int[] resolveTargets(int[] requested, float[][] logits) {
        int k = logits[0].length;
        int[] t = new int[logits.length];
        for (int i = 0; i < t.length; i++) {
            if (requested == null) {
                t[i] = Classification.argmax(logits[i]);
            } else if (requested[i] < 0 || requested[i] >= k) {
                throw LumenException.setting("target", "class " + requested[i] + " is out of range: the model has "
                        + k + " classes (0.." + (k - 1) + ")");
            } else {
                t[i] = requested[i];
            }
        }
        return t;
    }
}
