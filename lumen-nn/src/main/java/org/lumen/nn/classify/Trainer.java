package org.lumen.nn.classify;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.nn.train.BaseTask;
import org.lumen.nn.train.Checkpoints;
import org.lumen.nn.train.EpochLog;
import org.lumen.nn.train.EpochLoop;
import org.lumen.nn.train.LabeledImages;
import org.lumen.nn.train.Losses;
import org.lumen.nn.train.Optimizer;
import org.lumen.nn.train.Progress;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainState;
import org.lumen.nn.train.TrainingHook;
import org.lumen.nn.train.TrainingTask;
import org.lumen.nn.train.Validator;
import org.lumen.core.LumenException;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.module.Module;

/**
 * The classification task: shuffled, augmented mini-batches and cross-entropy ({@link #task}, for a
 * {@link TrainingRun}); {@link #fit} runs it alone, as {@link EpochLoop} does every task (optimiser and learning-rate schedule stepped every iteration, validation after every epoch,
 * {@code RUN/last} written after every epoch with the state needed to resume, {@code RUN/best} whenever the
 * monitored metric improves, early stopping).
 *
 * <p>Each epoch draws its shuffling and augmentation from a generator seeded by (seed, epoch) and seeds
 * libtorch's generator the same way, so an epoch run after resuming is the epoch the uninterrupted run
 * would have run.
 */
public record Trainer(TrainConfig config, Progress progress) {
    /**
     * Trains {@code model} from {@code state}'s next epoch to the configured number of epochs (or an early stop).
     *
     * @return the final state
     */
    public TrainState fit(Classifier model, LabeledImages train, Validator<Classifier> validator, EpochLog log,
            Checkpoints checkpoints, TrainState state) throws IOException {
        return EpochLoop.run(task(model, train, validator, TrainingHook.NONE), config, progress, log, checkpoints,
                state);
    }

    /**
     * The classification task of a {@link TrainingRun}: batches of {@code train} augmented as configured and
     * normalised as {@code model} expects, cross-entropy (with the configured class weights), {@code hook}
     * applied to each batch and loss, {@code validator} after each epoch.
     */
    public TrainingTask task(Classifier model, LabeledImages train, Validator<Classifier> validator, TrainingHook hook) {
        Backbone net = model.net();
        int c = model.info().channels();
        int s = model.info().imgsz();
        float[] mean = model.info().mean();
        float[] std = model.info().std();
        return new BaseTask(net, model, model.manager(), train.size()) {
            @Override
            public void freeze(int n) {
                Trainer.freeze(net, n);
            }

            @Override
            public NDArray classWeights(NDManager constants) {
                return Trainer.this.classWeights(constants, train, model.info().numClasses());
            }

            @Override
            public double step(NDManager constants, Optimizer opt, int[] order, int from, int count,
                    SplittableRandom rnd, NDArray weights, double lr) {
                float[] x = new float[count * c * s * s];
                long[] y = new long[count];
                for (int i = 0; i < count; i++) {
                    int idx = order[from + i];
                    float[] img = train.pixels(idx);
                    config.augment().apply(img, c, s, rnd);
                    Preprocess.normalise(img, c, s, mean, std);
                    System.arraycopy(img, 0, x, i * c * s * s, img.length);
                    y[i] = train.label(idx);
                }
                return Trainer.step(constants, net, opt, x, y, count, c, s, weights, lr, hook);
            }

            @Override
            public Map<String, Double> validate() {
                return validator.validate(model);
            }
        };
    }

    /**
     * One training step, as {@link #fit} runs it per batch: zero the gradients, forward, cross-entropy (no label
     * smoothing), backward, optimiser step at {@code lr}. Every temporary lives in a sub-manager of
     * {@code parent} closed before returning. Public so the side-by-side benchmark times exactly this code.
     *
     * @param x normalised images, float32 C-order {@code [count, c, s, s]}
     * @param y class indices, {@code [count]}
     * @param classWeights float32 {@code [K]} or null
     * @return the loss before the update
     */
    public static double step(NDManager parent, Module net, Optimizer opt, float[] x, long[] y, int count, int c,
            int s, NDArray classWeights, double lr) {
        return step(parent, net, opt, x, y, count, c, s, classWeights, lr, TrainingHook.NONE);
    }

    /** {@link #step(NDManager, Module, Optimizer, float[], long[], int, int, int, NDArray, double)} through {@code hook}. */
    public static double step(NDManager parent, Module net, Optimizer opt, float[] x, long[] y, int count, int c, int s,
            NDArray classWeights, double lr, TrainingHook hook) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray target = scope.create(y);
            NDArray input = hook.batch(net, scope.create(x, new Shape(count, c, s, s)), target);
            opt.zeroGrad();
            double lossValue;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray output = net.apply(input);
                NDArray loss = hook.loss(input, output, Losses.crossEntropy(output, target, classWeights, 0));
                gc.backward(loss);
                lossValue = loss.getFloat();
            }
            opt.step(lr);
            return lossValue;
        }
    }

    /** Freezes the first {@code n} stages of the backbone (stem first); the rest stays trainable. */
    static void freeze(Backbone net, int n) {
        List<String> stages = net.stages();
        if (n > stages.size() - 1) {
            throw LumenException.setting("freeze", "must be at most " + (stages.size() - 1) + " for "
                    + net.arch() + " (stages: " + String.join(", ", stages) + "; the head always trains)");
        }
        net.setFrozen(false);
        for (int i = 0; i < n; i++) {
            for (String path : stages.get(i).split("\\+")) {
                net.find(path).setFrozen(true);
            }
        }
    }

    private NDArray classWeights(NDManager manager, LabeledImages train, int k) {
        if (config.classWeights().equals("none")) {
            return null;
        }
        long[] counts = new long[k];
        for (int i = 0; i < train.size(); i++) {
            counts[train.label(i)]++;
        }
        float[] w = new float[k];
        for (int j = 0; j < k; j++) {
            w[j] = counts[j] == 0 ? 0f : (float) train.size() / (k * counts[j]);
        }
        return manager.create(w);
    }
}
