package org.lumen.nn.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * A classifier's answer for one image: the raw {@code logits} ({@code numClasses} of them) and their softmax
 * {@code probabilities} (computed in double precision, stored as float).
 */
public record Classification(float[] logits, float[] probabilities) implements Prediction {
    /** The most probable class (the lowest index among ties). */
    public int top() {
        return top(1)[0];
    }

    /** Indices of the {@code k} most probable classes, most probable first; ties keep the lower index first. */
    public int[] top(int k) {
        float[] v = probabilities;
        return IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> v[b] != v[a] ? Float.compare(v[b], v[a]) : Integer.compare(a, b))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Logits {@code [N, K]} as {@code N} rows of {@code K}. */
    public static float[][] rows(NDArray logits) {
        Shape s = logits.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("the model's output must be logits [N, K], got " + s);
        }
        int n = (int) s.get(0);
        int k = (int) s.get(1);
        float[] flat = logits.toFloatArray();
        float[][] r = new float[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, r[i], 0, k);
        }
        return r;
    }

    /** Index of the largest value; the first on ties, as numpy's argmax (and the confusion matrix) take it. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Softmax of each row, computed in double precision. */
    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int j = 0; j < e.length; j++) {
            e[j] = Math.exp(logits[j] - max);
            sum += e[j];
        }
        float[] p = new float[e.length];
        for (int j = 0; j < e.length; j++) {
            p[j] = (float) (e[j] / sum);
        }
        return p;
    }
}
