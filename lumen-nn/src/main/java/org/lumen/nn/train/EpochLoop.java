package org.lumen.nn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.core.data.Splits;
import org.lumen.nn.module.Parameter;

/**
 * The epoch loop of every {@link TrainingRun} (its {@link TrainingTask} made by made by each task's trainer,
 * {@code classify.Trainer}, {@code segment.SegmentationTrainer} or {@code detect.DetectionTrainer}): shuffled mini-batches, the optimiser and learning-rate
 * schedule stepped every iteration, validation after every epoch, {@code RUN/last} after every epoch with the state to resume, {@code RUN/best}
 * when the monitored metric improves, early stopping. Each epoch draws from a generator seeded by
 * (seed, epoch) and seeds libtorch's generator the same way, so an epoch run after a resume is the
 * epoch the uninterrupted run would have run. What a batch is, and its loss, is the task's.
 */
public final class EpochLoop {
    private EpochLoop() {}

    /** Runs {@code task} from {@code state}'s next epoch to the configured number of epochs (or an early stop). */
    public static TrainState run(TrainingTask task, TrainConfig config, Progress progress, EpochLog log,
            Checkpoints checkpoints, TrainState state) throws IOException {
        TrainingStop.enter();
        try {
            return loop(task, config, progress, log, checkpoints, state);
        } finally {
            TrainingStop.leave();
        }
    }

    /**
     * The loop; stops with {@link TrainingStop.Stopped} at a safe point (after a batch, or after an epoch's
     * checkpoints and log row) once a stop is requested.
     */
    private static TrainState loop(TrainingTask task, TrainConfig config, Progress progress, EpochLog log,
            Checkpoints checkpoints, TrainState state) throws IOException {
        task.freeze(config.freeze());
        List<Map.Entry<String, Parameter>> params = task.net().trainableParameters();
        try (Optimizer opt = config.optimizer().equals("sgd")
                ? new Sgd(task.manager(), params, config.momentum(), config.weightDecay(), false)
                : new AdamW(task.manager(), params, config.weightDecay());
             NDManager constants = task.manager().newSubManager()) {
            if (state.optimizerState() != null) {
                opt.restore(state.optimizerState(), state.optimizerSteps());
            }
            opt.attach();
            NDArray weights = task.classWeights(constants);
            LrSchedule schedule = config.lrSchedule();
            int n = task.size();
            int batches = batches(n, config.batch());
            TrainState current = state;
            TrainingStop.check(current.epoch());
            for (int epoch = state.epoch() + 1; epoch <= config.epochs(); epoch++) {
                SplittableRandom rnd = new SplittableRandom(config.seed() * 1_000_003L + epoch);
                Engine.getInstance().setRandomSeed((int) (config.seed() * 31 + epoch));
                int[] order = Splits.permutation(n, rnd);
                task.net().train(true);
                double lossSum = 0;
                double lr = 0;
                progress.startEpoch(epoch, config.epochs(), batches);
                for (int b = 0; b < batches; b++) {
                    int from = b * config.batch();
                    int count = b == batches - 1 ? n - from : config.batch();
                    lr = schedule.at(epoch - 1 + (double) b / batches, config.epochs());
                    double loss = task.step(constants, opt, order, from, count, rnd, weights, lr);
                    lossSum += loss * count;
                    progress.batch(b + 1, Math.min(n, from + count), n, lossSum / Math.min(n, from + count), lr);
                    TrainingStop.check(current.epoch()); // the epoch's partial work is dropped; last/ stays as it is
                }
                task.net().train(false);
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("train_loss", lossSum / n);
                row.putAll(task.epochColumns());
                row.put("lr", lr);
                Map<String, Double> val = task.validate();
                val.forEach((k, v) -> row.put("val_" + k, v));
                Double monitored = val.get(config.monitor());
                if (monitored == null) {
                    throw new IllegalStateException("validator gave no '" + config.monitor() + "'");
                }
                boolean improved = current.bestEpoch() == 0 || better(config, monitored, current.bestMetric());
                current = current.next(epoch, improved ? monitored : current.bestMetric(),
                        improved ? epoch : current.bestEpoch(), opt, row);
                // best, then last, then the log: a stop between any two leaves a state resume can complete
                if (improved) {
                    checkpoints.saveBest(task.model(), current);
                }
                checkpoints.saveLast(task.model(), current, opt);
                log.append(epoch, row);
                progress.endEpoch(epoch, row, improved);
                if (epoch < config.epochs()) {
                    TrainingStop.check(epoch);
                }
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

    /** A loss-type metric improves downwards, everything else upwards. */
    /**
     * Mini-batches per epoch of {@code n} samples: a last batch of a single sample joins the one before, since
     * batch norm cannot train on one value per channel (a 1x1 feature map, e.g. ResNet's layer4 at 32 px).
     */
    static int batches(int n, int batch) {
        int batches = (n + batch - 1) / batch;
        return batch > 1 && batches > 1 && n % batch == 1 ? batches - 1 : batches;
    }

    private static boolean better(TrainConfig config, double value, double best) {
        return config.monitor().endsWith("loss") ? value < best : value > best;
    }
}
