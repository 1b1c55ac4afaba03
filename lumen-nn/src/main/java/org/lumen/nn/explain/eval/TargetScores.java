package org.lumen.nn.explain.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Module;

/**
 * Runs the model in inference mode on many perturbed images, {@code batchSize} at a time, without holding more
 * than one batch of them: each image is written by a generator just before its batch runs.
 */
final class TargetScores {
    /** Writes perturbed image {@code j} ({@code [C, H, W]}, C order) into {@code dst} from {@code offset}. */
    interface Inputs {
        void fill(int j, float[] dst, int offset);
    }

    /** The explained class of perturbed image {@code j}. */
    interface Targets {
        int of(int j);
    }

    private final Module model;
    private final Score score;
    private final int batchSize;

    TargetScores(Module model, Score score, int batchSize) {
        this.model = model;
        this.score = score;
        this.batchSize = batchSize;
    }

    /**
     * The score of each of {@code count} generated images for its target.
     *
     * @param parent the manager the temporary arrays are scoped under
     * @param image {@code [C, H, W]} of one image
     */
    double[] run(NDManager parent, Shape image, int count, Inputs inputs, Targets targets) {
        int per = (int) image.size();
        double[] out = new double[count];
        boolean wasTraining = model.isTraining();
        model.train(false);
        try {
            float[] buffer = new float[Math.min(batchSize, Math.max(count, 1)) * per];
            for (int from = 0; from < count; from += batchSize) {
                int n = Math.min(batchSize, count - from);
                for (int r = 0; r < n; r++) {
                    inputs.fill(from + r, buffer, r * per);
                }
                float[] logits;
                int classes;
                try (NDManager local = parent.newSubManager()) {
                    NDArray x = local.create(java.nio.FloatBuffer.wrap(buffer, 0, n * per),
                            new Shape(n, image.get(0), image.get(1), image.get(2)));
                    NDArray y = model.apply(x);
                    if (y.getShape().dimension() != 2) {
                        throw new IllegalArgumentException("the model's output must be logits [N, K], got "
                                + y.getShape());
                    }
                    classes = (int) y.getShape().get(1);
                    logits = y.toFloatArray();
                }
                for (int r = 0; r < n; r++) {
                    out[from + r] = score.of(logits, r * classes, classes, targets.of(from + r));
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return out;
    }
}
