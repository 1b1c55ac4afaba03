package org.lumen.nn.classify;

import org.lumen.nn.model.Preprocess;
import org.lumen.nn.model.ModelInfo;
import java.util.List;
import org.lumen.core.metrics.ClassificationMetrics;
import org.lumen.nn.train.LabeledImages;

/**
 * A classifier's outputs on a labelled set: logits, probabilities, the metrics of the {@code metrics.json}
 * contract, and the mean cross-entropy.
 */
public record Evaluation(int[] labels, float[][] logits, float[][] probabilities, ClassificationMetrics metrics,
        double loss) {

    /** Runs {@code model} over {@code images} in batches of {@code batch} (inference mode, no gradients). */
    public static Evaluation of(Classifier model, LabeledImages images, int batch) {
        ModelInfo info = model.info();
        int n = images.size();
        int c = info.channels();
        int s = info.imgsz();
        int per = c * s * s;
        float[][] logits = new float[n][];
        int[] labels = new int[n];
        for (int from = 0; from < n; from += batch) {
            int count = Math.min(batch, n - from);
            float[] x = new float[count * per];
            for (int i = 0; i < count; i++) {
                float[] img = images.pixels(from + i);
                Preprocess.normalise(img, c, s, info.mean(), info.std());
                System.arraycopy(img, 0, x, i * per, per);
                labels[from + i] = images.label(from + i);
            }
            float[][] out = model.logits(x, count);
            System.arraycopy(out, 0, logits, from, count);
        }
        float[][] probs = Classifier.softmax(logits);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            loss -= Math.log(Math.max(probs[i][labels[i]], 1e-30));
        }
        List<String> classes = info.classNames();
        return new Evaluation(labels, logits, probs, ClassificationMetrics.of(labels, probs, classes), loss / Math.max(1, n));
    }
}
