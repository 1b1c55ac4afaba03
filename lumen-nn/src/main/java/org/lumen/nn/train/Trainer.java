package org.lumen.nn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.core.data.Splits;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.Preprocess;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.module.Module;

/**
 * The training loop for classifiers: shuffled, augmented mini-batches, cross-entropy, an optimiser and a
 * learning-rate schedule stepped every iteration, validation after every epoch, {@code RUN/last} written after
 * every epoch with the state needed to resume, {@code RUN/best} whenever the monitored metric improves, and
 * early stopping.
 *
 * <p>Each epoch draws its shuffling and augmentation from a generator seeded by (seed, epoch) and seeds
 * libtorch's generator the same way, so an epoch run after {@code --resume} is the epoch the uninterrupted run
 * would have run.
 */
public final class Trainer {
    /** Validation after an epoch: metric name to value (the monitored metric among them). */
    @FunctionalInterface
    public interface Validator {
        Map<String, Double> validate(Classifier model);
    }

    /** Receives one row per finished epoch (for {@code results.csv}). */
    @FunctionalInterface
    public interface EpochLog {
        void append(int epoch, Map<String, Double> row) throws IOException;
    }

    private final TrainConfig config;
    private final Progress progress;

    public Trainer(TrainConfig config, Progress progress) {
        this.config = config;
        this.progress = progress;
    }

    /**
     * Trains {@code model} from {@code state}'s next epoch to the configured number of epochs (or an early stop).
     *
     * @return the final state
     */
    public TrainState fit(Classifier model, LabeledImages train, Validator validator, EpochLog log,
            Checkpoints checkpoints, TrainState state) throws IOException {
        Backbone net = model.net();
        freeze(net, config.freeze());
        List<Map.Entry<String, org.lumen.nn.module.Parameter>> params = net.trainableParameters();
        int c = model.info().channels();
        int s = model.info().imgsz();
        float[] mean = model.info().mean();
        float[] std = model.info().std();
        try (Optimizer opt = optimizer(model.manager(), params);
             NDManager constants = model.manager().newSubManager()) {
            if (state.optimizerState() != null) {
                opt.restore(state.optimizerState(), state.optimizerSteps());
            }
            opt.attach();
            NDArray weights = classWeights(constants, train, model.info().numClasses());
            LrSchedule schedule = config.lrSchedule();
            int n = train.size();
            int batches = batches(n, config.batch());
            TrainState current = state;
            for (int epoch = state.epoch() + 1; epoch <= config.epochs(); epoch++) {
                SplittableRandom rnd = new SplittableRandom(config.seed() * 1_000_003L + epoch);
                Engine.getInstance().setRandomSeed((int) (config.seed() * 31 + epoch));
                int[] order = Splits.permutation(n, rnd);
                net.train(true);
                double lossSum = 0;
                double lr = 0;
                progress.startEpoch(epoch, config.epochs(), batches);
                for (int b = 0; b < batches; b++) {
                    int from = b * config.batch();
                    int count = b == batches - 1 ? n - from : config.batch();
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
                    lr = schedule.at(epoch - 1 + (double) b / batches, config.epochs());
                    double loss = step(constants, net, opt, x, y, count, c, s, weights, lr);
                    lossSum += loss * count;
                    progress.batch(b + 1, lossSum / Math.min(n, from + count), lr);
                }
                net.train(false);
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("train_loss", lossSum / n);
                row.put("lr", lr);
                Map<String, Double> val = validator.validate(model);
                val.forEach((k, v) -> row.put("val_" + k, v));
                Double monitored = val.get(config.monitor());
                if (monitored == null) {
                    throw new IllegalStateException("validator gave no '" + config.monitor() + "'");
                }
                boolean improved = current.bestEpoch() == 0 || better(monitored, current.bestMetric());
                current = current.next(epoch, improved ? monitored : current.bestMetric(),
                        improved ? epoch : current.bestEpoch(), opt, row);
                // best, then last, then the log: a stop between any two leaves a state resume can complete
                if (improved) {
                    checkpoints.saveBest(model, current);
                }
                checkpoints.saveLast(model, current, opt);
                log.append(epoch, row);
                progress.endEpoch(epoch, row, improved);
                if (config.patience() > 0 && epoch - current.bestEpoch() >= config.patience()) {
                    progress.message("early stop: no improvement in " + config.monitor() + " for "
                            + config.patience() + " epochs (best " + current.bestMetric() + " at epoch "
                            + current.bestEpoch() + ")");
                    break;
                }
            }
            return current;
        }
    }

    /**
     * Mini-batches per epoch of {@code n} samples: a last batch of a single sample joins the one before, since
     * batch norm cannot train on one value per channel (a 1x1 feature map, e.g. ResNet's layer4 at 32 px).
     */
    static int batches(int n, int batch) {
        int batches = (n + batch - 1) / batch;
        return batch > 1 && batches > 1 && n % batch == 1 ? batches - 1 : batches;
    }

    /** A loss-type metric improves downwards, everything else upwards. */
    private boolean better(double value, double best) {
        return config.monitor().endsWith("loss") ? value < best : value > best;
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
        try (NDManager scope = parent.newSubManager()) {
            NDArray input = scope.create(x, new Shape(count, c, s, s));
            NDArray target = scope.create(y);
            opt.zeroGrad();
            double lossValue;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Losses.crossEntropy(net.apply(input), target, classWeights, 0);
                gc.backward(loss);
                lossValue = loss.getFloat();
            }
            opt.step(lr);
            return lossValue;
        }
    }

    private Optimizer optimizer(NDManager manager, List<Map.Entry<String, org.lumen.nn.module.Parameter>> params) {
        return config.optimizer().equals("sgd")
                ? new Sgd(manager, params, config.momentum(), config.weightDecay(), false)
                : new AdamW(manager, params, config.weightDecay());
    }

    /** Freezes the first {@code n} stages of the backbone (stem first); the rest stays trainable. */
    static void freeze(Backbone net, int n) {
        List<String> stages = net.stages();
        if (n > stages.size() - 1) {
            throw new org.lumen.core.LumenException("--freeze", "must be at most " + (stages.size() - 1) + " for "
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
