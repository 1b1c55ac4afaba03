package org.lumen.nn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.core.LumenException;
import org.lumen.core.data.Splits;
import org.lumen.nn.classify.Preprocess;
import org.lumen.nn.models.segmentation.SegmentationModel;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.segment.MaskImages;
import org.lumen.nn.segment.Segmenter;

/**
 * The training loop for segmentation, the same as {@link Trainer}'s for classifiers in everything but the
 * batch: shuffled mini-batches whose geometric augmentation moves image and mask together, a
 * {@link SegmentationLoss}, the optimiser and schedule stepped every iteration, validation each epoch,
 * {@code last} and {@code best} checkpoints, early stopping; epochs seeded by (seed, epoch) so that
 * {@code --resume} continues exactly.
 */
public final class SegmentationTrainer {
    /** Validation after an epoch: metric name to value. */
    @FunctionalInterface
    public interface Validator {
        Map<String, Double> validate(Segmenter model);
    }

    private final TrainConfig config;
    private final SegmentationLoss loss;
    private final Progress progress;

    public SegmentationTrainer(TrainConfig config, SegmentationLoss loss, Progress progress) {
        this.config = config;
        this.loss = loss;
        this.progress = progress;
    }

    public TrainState fit(Segmenter model, MaskImages train, Validator validator, Trainer.EpochLog log,
            Checkpoints checkpoints, TrainState state) throws IOException {
        SegmentationModel net = model.net();
        freeze(net, config.freeze());
        List<Map.Entry<String, Parameter>> params = net.trainableParameters();
        int c = model.info().channels();
        int s = model.info().imgsz();
        try (Optimizer opt = config.optimizer().equals("sgd")
                ? new Sgd(model.manager(), params, config.momentum(), config.weightDecay(), false)
                : new AdamW(model.manager(), params, config.weightDecay());
             NDManager constants = model.manager().newSubManager()) {
            if (state.optimizerState() != null) {
                opt.restore(state.optimizerState(), state.optimizerSteps());
            }
            opt.attach();
            NDArray weights = config.classWeights().equals("balanced")
                    ? constants.create(balancedWeights(train, model.info().numClasses())) : null;
            LrSchedule schedule = config.lrSchedule();
            int n = train.size();
            int batches = Trainer.batches(n, config.batch());
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
                    lr = schedule.at(epoch - 1 + (double) b / batches, config.epochs());
                    double l = step(constants, net, opt, x, y, count, c, s, weights, lr);
                    lossSum += l * count;
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

    /** A loss-type metric improves downwards, everything else upwards; NaN never improves. */
    private boolean better(double value, double best) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(value);
        }
        return config.monitor().endsWith("loss") ? value < best : value > best;
    }

    private double step(NDManager parent, Module net, Optimizer opt, float[] x, long[] y, int count, int c, int s,
            NDArray classWeights, double lr) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray input = scope.create(x, new Shape(count, c, s, s));
            NDArray target = scope.create(y, new Shape(count, s, s));
            opt.zeroGrad();
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(net.apply(input), target, classWeights);
                gc.backward(l);
                value = l.getFloat();
            }
            opt.step(lr);
            return value;
        }
    }

    /** Freezes the first {@code n} encoder stages; the decoder always trains. */
    static void freeze(SegmentationModel net, int n) {
        List<String> stages = net.encoderStages();
        if (n > stages.size()) {
            throw new LumenException("--freeze", "must be at most " + stages.size() + " for " + net.arch()
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
