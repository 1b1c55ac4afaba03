package org.lumen.nn.segment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.nn.train.BaseTask;
import org.lumen.nn.train.Optimizer;
import org.lumen.nn.train.SegmentationLoss;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainingHook;
import org.lumen.nn.train.TrainingTask;
import org.lumen.nn.train.Validator;
import org.lumen.core.LumenException;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.models.segmentation.SegmentationModel;
import org.lumen.nn.module.Module;

/**
 * The segmentation task ({@link #task}, for a {@link TrainingRun}; the loop every
 * task shares runs it: schedule, validation, checkpoints, resume, early stopping): batches whose geometric augmentation moves image and mask together
 * and a {@link SegmentationLoss}.
 */
public record SegmentationTrainer(TrainConfig config, SegmentationLoss loss) {
    /**
     * The segmentation task of a {@link TrainingRun}: batches of {@code train} whose geometric augmentation moves
     * image and mask together, the configured {@link SegmentationLoss}, {@code hook} applied to each batch and loss,
     * {@code validator} after each epoch.
     */
    public TrainingTask task(Segmenter model, MaskImages train, Validator<Segmenter> validator, TrainingHook hook) {
        SegmentationModel net = model.net();
        int c = model.info().channels();
        int s = model.info().imgsz();
        return new BaseTask(net, model, model.manager(), train.size()) {
            @Override
            public void freeze(int n) {
                SegmentationTrainer.freeze(net, n);
            }

            @Override
            public NDArray classWeights(NDManager constants) {
                return config.classWeights().equals("balanced")
                        ? constants.create(balancedWeights(train, model.info().numClasses())) : null;
            }

            @Override
            public double step(NDManager constants, Optimizer opt, int[] order, int from, int count,
                    SplittableRandom rnd, NDArray weights, double lr) {
                float[] x = new float[count * c * s * s];
                long[] y = new long[count * s * s];
                for (int i = 0; i < count; i++) {
                    int idx = order[from + i];
                    float[] img = train.pixels(idx);
                    byte[] m = train.mask(idx);
                    float[] mask = new float[m.length];
                    for (int p = 0; p < m.length; p++) {
                        mask[p] = m[p];
                    }
                    config.augment().apply(img, c, s, rnd, mask);
                    Preprocess.normalise(img, c, s, model.info().mean(), model.info().std());
                    System.arraycopy(img, 0, x, i * c * s * s, img.length);
                    for (int p = 0; p < mask.length; p++) {
                        y[i * s * s + p] = (long) mask[p];
                    }
                }
                return SegmentationTrainer.this.step(constants, net, opt, x, y, count, c, s, weights, lr, hook);
            }

            @Override
            public Map<String, Double> validate() {
                return validator.validate(model);
            }
        };
    }

    private double step(NDManager parent, Module net, Optimizer opt, float[] x, long[] y, int count, int c, int s,
            NDArray classWeights, double lr, TrainingHook hook) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray target = scope.create(y, new Shape(count, s, s));
            NDArray input = hook.batch(net, scope.create(x, new Shape(count, c, s, s)), target);
            opt.zeroGrad();
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray output = net.apply(input);
                NDArray l = hook.loss(input, output, loss.apply(output, target, classWeights));
                gc.backward(l);
                value = l.getFloat();
            }
            opt.step(lr);
            return value;
        }
    }

    /** Freezes the first {@code n} encoder stages; the decoder always trains. */
    public static void freeze(SegmentationModel net, int n) {
        List<String> stages = net.encoderStages();
        if (n > stages.size()) {
            throw LumenException.setting("freeze", "must be at most " + stages.size() + " for " + net.arch()
                    + " (encoder stages: " + String.join(", ", stages) + "; the decoder always trains)");
        }
        net.setFrozen(false);
        for (int i = 0; i < n; i++) {
            for (String path : stages.get(i).split("\\+")) {
                net.find(path).setFrozen(true);
            }
        }
    }

    /** Pixel-frequency weights N / (K n_c) over the training masks (0 for a class with no pixels). */
    static float[] balancedWeights(MaskImages train, int k) {
        long[] counts = new long[k];
        long total = 0;
        for (int i = 0; i < train.size(); i++) {
            for (byte v : train.mask(i)) {
                counts[v]++;
                total++;
            }
        }
        float[] w = new float[k];
        for (int j = 0; j < k; j++) {
            w[j] = counts[j] == 0 ? 0f : (float) total / (k * counts[j]);
        }
        return w;
    }
}
