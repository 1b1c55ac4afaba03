package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * What CAMs and attributions share around a model's passes: the logits as rows, the explained classes (each
 * image's top prediction unless asked for one), and pausing parameter gradients while explaining.
 */
final class Passes {
    private Passes() {}

    /** Logits {@code [N, K]} as {@code N} rows of {@code K}. */
    static float[][] rows(NDArray out) {
        Shape s = out.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("the model's output must be logits [N, K], got " + s);
        }
        int n = (int) s.get(0);
        int k = (int) s.get(1);
        float[] flat = out.toFloatArray();
        float[][] r = new float[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, r[i], 0, k);
        }
        return r;
    }

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
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (logits[i][c] > logits[i][best]) {
                        best = c;
                    }
                }
                t[i] = best;
            } else if (requested[i] < 0 || requested[i] >= k) {
                throw LumenException.setting("target", "class " + requested[i] + " is out of range: the model has "
                        + k + " classes (0.." + (k - 1) + ")");
            } else {
                t[i] = requested[i];
            }
        }
        return t;
    }

    /** Turns off requires-gradient on parameters that have it (a model mid-training), so none accumulates. */
    static List<NDArray> pauseParameterGradients(Module model) {
        List<NDArray> paused = new ArrayList<>();
        for (Parameter p : model.stateDict().values()) {
            if (p.isInitialized() && p.value().hasGradient()) {
                p.value().setRequiresGradient(false);
                paused.add(p.value());
            }
        }
        return paused;
    }

    /** Undoes {@link #pauseParameterGradients}. */
    static void resume(List<NDArray> paused) {
        for (NDArray p : paused) {
            p.setRequiresGradient(true);
        }
    }
}
