package org.lumen.nn.robust;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import org.lumen.nn.model.Classification;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.train.LabeledImages;

/**
 * A classifier's accuracy under attack on a labelled set, at one epsilon: the share of images classified correctly
 * both as they are and as their adversarial example (made for the image's true label), so an image misclassified
 * already counts as wrong whatever the attack does to it (RobustBench's robust accuracy, never above the clean
 * accuracy); with the perturbations' mean L-inf and L2 norms. {@code eps} 0 is the clean accuracy.
 */
public record RobustAccuracy(double eps, double accuracy, double meanLinf, double meanL2, int images) {
    /** One image attacked: its adversarial input ({@code [C * H * W]} in [0, 1]) and the class predicted for it. */
    public record Example(int index, float[] adversarial, int predicted) {}

    /**
     * {@link RobustAccuracy} at each of {@code eps} (ascending), the attack for each made by {@code attackAt}
     * (eps 0: no attack), over {@code data} ({@link LabeledImages#pixels} in [0, 1], as the model's {@code imgsz}
     * and channels), {@code batch} images at a time; {@code examples} gets the first {@code shown} images'
     * adversarial inputs at the largest eps.
     */
    public static List<RobustAccuracy> evaluate(Classifier model, LabeledImages data, List<Double> eps,
            DoubleFunction<Attack> attackAt, int batch, int shown, List<Example> examples) {
        PixelModel pixels = PixelModel.of(model);
        int c = model.info().channels();
        int s = model.info().imgsz();
        int per = c * s * s;
        int total = data.size();
        // the clean predictions, once: every eps's accuracy counts only images they get right
        int[] cleanPredicted = new int[total];
        for (int from = 0; from < total; from += batch) {
            int n = Math.min(batch, total - from);
            try (NDManager scope = model.manager().newSubManager()) {
                float[][] logits = pixels.predict(scope.create(pixels(data, from, n, per), new Shape(n, c, s, s)));
                for (int i = 0; i < n; i++) {
                    cleanPredicted[from + i] = Classification.argmax(logits[i]);
                }
            }
        }
        List<RobustAccuracy> out = new ArrayList<>();
        for (int e = 0; e < eps.size(); e++) {
            double epsilon = eps.get(e);
            boolean last = e == eps.size() - 1 && examples != null;
            int correct = 0;
            double linf = 0;
            double l2 = 0;
            if (epsilon == 0) {
                for (int i = 0; i < total; i++) {
                    correct += cleanPredicted[i] == data.label(i) ? 1 : 0;
                    if (last && i < shown) {
                        examples.add(new Example(i, data.pixels(i), cleanPredicted[i]));
                    }
                }
            } else {
                Attack attack = attackAt.apply(epsilon);
                for (int from = 0; from < total; from += batch) {
                    int n = Math.min(batch, total - from);
                    float[] x = pixels(data, from, n, per);
                    int[] labels = new int[n];
                    for (int i = 0; i < n; i++) {
                        labels[i] = data.label(from + i);
                    }
                    try (NDManager scope = model.manager().newSubManager()) {
                        NDArray adv = attack.perturb(scope.create(x, new Shape(n, c, s, s)), labels);
                        float[][] logits = pixels.predict(adv);
                        float[] a = adv.toFloatArray();
                        for (int i = 0; i < n; i++) {
                            int best = Classification.argmax(logits[i]);
                            if (best == labels[i] && cleanPredicted[from + i] == labels[i]) {
                                correct++;
                            }
                            double mx = 0;
                            double sq = 0;
                            for (int p = i * per; p < (i + 1) * per; p++) {
                                double d = a[p] - x[p];
                                mx = Math.max(mx, Math.abs(d));
                                sq += d * d;
                            }
                            linf += mx;
                            l2 += Math.sqrt(sq);
                            if (last && from + i < shown) {
                                examples.add(new Example(from + i, java.util.Arrays.copyOfRange(a, i * per,
                                        (i + 1) * per), best));
                            }
                        }
                    }
                }
            }
            out.add(new RobustAccuracy(epsilon, total == 0 ? Double.NaN : (double) correct / total,
                    total == 0 ? 0 : linf / total, total == 0 ? 0 : l2 / total, total));
        }
        return out;
    }

    /** Images {@code [from, from + n)} of {@code data}, each {@code per} floats, one after the other. */
    private static float[] pixels(LabeledImages data, int from, int n, int per) {
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data.pixels(from + i), 0, x, i * per, per);
        }
        return x;
    }

    /**
     * AutoAttack's first sanity check: robust accuracy should not rise with epsilon (a stronger attack that finds
     * less points at gradients that mislead it). The first rise, as "A at eps E1 to B at eps E2", or null.
     */
    public static String rise(List<RobustAccuracy> curve) {
        for (int i = 1; i < curve.size(); i++) {
            if (curve.get(i).accuracy() > curve.get(i - 1).accuracy()) {
                return String.format(java.util.Locale.ROOT, "%.4f at eps %.5g to %.4f at eps %.5g",
                        curve.get(i - 1).accuracy(), curve.get(i - 1).eps(), curve.get(i).accuracy(), curve.get(i).eps());
            }
        }
        return null;
    }

}
