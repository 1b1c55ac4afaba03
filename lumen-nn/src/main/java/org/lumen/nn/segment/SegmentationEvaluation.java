package org.lumen.nn.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lumen.core.metrics.SegmentationMetrics;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.train.SegmentationLoss;

/**
 * A segmentation model's predictions on a prepared split, at the model's input size: the loss (each batch's
 * value weighted by its image count; without class weights, so runs with and without them compare), the
 * metrics, and each image's predicted classes.
 *
 * @param predicted per image, row-major class indices at imgsz
 */
public record SegmentationEvaluation(double loss, SegmentationMetrics metrics, byte[][] predicted) {
    /** Boundary-F1 tolerance used in training logs and reports, in pixels of the model's input. */
    public static final double BOUNDARY_TOLERANCE = 2;

    public static SegmentationEvaluation of(Segmenter model, MaskImages images, int batch, SegmentationLoss loss) {
        ModelInfo info = model.info();
        int c = info.channels(), s = info.imgsz(), k = info.numClasses();
        SegmentationMetrics metrics = new SegmentationMetrics(Math.max(2, k), BOUNDARY_TOLERANCE);
        byte[][] predicted = new byte[images.size()][];
        double lossSum = 0;
        model.net().train(false);
        for (int from = 0; from < images.size(); from += batch) {
            int n = Math.min(batch, images.size() - from);
            float[] x = new float[n * c * s * s];
            long[] y = new long[n * s * s];
            for (int i = 0; i < n; i++) {
                float[] img = images.pixels(from + i);
                Preprocess.normalise(img, c, s, info.mean(), info.std());
                System.arraycopy(img, 0, x, i * c * s * s, img.length);
                byte[] m = images.mask(from + i);
                for (int p = 0; p < m.length; p++) {
                    y[i * s * s + p] = m[p];
                }
            }
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray logits = model.net().apply(
                        org.lumen.nn.ops.InferenceLayout.of(scope.create(x, new Shape(n, c, s, s))));
                lossSum += loss.apply(logits, scope.create(y, new Shape(n, s, s)), null).getFloat() * n;
                float[] flat = logits.toFloatArray();
                for (int i = 0; i < n; i++) {
                    predicted[from + i] = Segmenter.classes(flat, i * k * s * s, k, s, s);
                    metrics.add(images.mask(from + i), predicted[from + i], s, s);
                }
            }
        }
        return new SegmentationEvaluation(lossSum / images.size(), metrics, predicted);
    }

    /** The validation row: loss and {@link SegmentationMetrics#summary()}. */
    public Map<String, Double> row() {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("loss", loss);
        r.putAll(metrics.summary());
        return r;
    }
}
