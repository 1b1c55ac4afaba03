package org.lumen.nn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.core.data.Splits;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.detect.DetectionNet;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.detect.PreparedDetections;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * The training loop for detectors, the classifier's {@link Trainer} in all that does not depend on the task:
 * shuffled mini-batches drawn from a generator seeded by (seed, epoch), box-aware augmentation (with YOLO's
 * mosaic where asked), the detector's own losses, an optimiser and a schedule stepped every iteration,
 * validation after every epoch, {@code RUN/best} and {@code RUN/last} written atomically, early stopping, and
 * a resume that continues the interrupted run exactly.
 */
public final class DetectionTrainer {
    /** Validation after an epoch: metric name to value (the monitored metric among them). */
    @FunctionalInterface
    public interface Validator {
        Map<String, Double> validate(Detector model);
    }

    private final TrainConfig config;
    private final DetectionAugment augment;
    private final Progress progress;

    public DetectionTrainer(TrainConfig config, DetectionAugment augment, Progress progress) {
        this.config = config;
        this.augment = augment;
        this.progress = progress;
    }

    public TrainState fit(Detector model, PreparedDetections train, Validator validator, Trainer.EpochLog log,
            Checkpoints checkpoints, TrainState state) throws IOException {
        DetectionNet net = model.net();
        Module module = net.module();
        List<Map.Entry<String, Parameter>> params = module.trainableParameters();
        int s = train.imgsz();
        try (Optimizer opt = config.optimizer().equals("sgd")
                ? new Sgd(model.manager(), params, config.momentum(), config.weightDecay(), false)
                : new AdamW(model.manager(), params, config.weightDecay())) {
            if (state.optimizerState() != null) {
                opt.restore(state.optimizerState(), state.optimizerSteps());
            }
            opt.attach();
            LrSchedule schedule = config.lrSchedule();
            int n = train.size();
            int batches = Trainer.batches(n, config.batch());
            TrainState current = state;
            for (int epoch = state.epoch() + 1; epoch <= config.epochs(); epoch++) {
                SplittableRandom rnd = new SplittableRandom(config.seed() * 1_000_003L + epoch);
                Engine.getInstance().setRandomSeed((int) (config.seed() * 31 + epoch));
                int[] order = Splits.permutation(n, rnd);
                module.train(true);
                Map<String, Double> sums = new LinkedHashMap<>();
                double lr = 0;
                progress.startEpoch(epoch, config.epochs(), batches);
                for (int b = 0; b < batches; b++) {
                    int from = b * config.batch();
                    int count = b == batches - 1 ? n - from : config.batch();
                    float[] x = new float[count * 3 * s * s];
                    List<Boxes> targets = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        DetectionAugment.Sample sample = sample(train, order[from + i], rnd);
                        System.arraycopy(sample.image(), 0, x, i * 3 * s * s, 3 * s * s);
                        targets.add(Boxes.truth(sample.boxes(), sample.labels()));
                    }
                    lr = schedule.at(epoch - 1 + (double) b / batches, config.epochs());
                    Map<String, Double> losses = step(model.manager(), net, opt, x, count, s, targets, lr);
                    losses.forEach((k, v) -> sums.merge(k, v * count, Double::sum));
                    progress.batch(b + 1, sums.get("loss") / Math.min(n, from + count), lr);
                }
                module.train(false);
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("train_loss", sums.get("loss") / n);
                for (String part : net.lossParts()) {
                    row.put("train_" + part, sums.getOrDefault(part, Double.NaN) / n);
                }
                row.put("lr", lr);
                Map<String, Double> val = validator.validate(model);
                val.forEach((k, v) -> row.put("val_" + k, v));
                Double monitored = val.get(config.monitor());
                if (monitored == null) {
                    throw new org.lumen.core.LumenException("--monitor", "detection validation reports "
                            + String.join(", ", val.keySet()) + ", not '" + config.monitor() + "'");
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
                            + config.patience() + " epochs");
                    break;
                }
            }
            return current;
        }
    }

    private DetectionAugment.Sample sample(PreparedDetections data, int index, SplittableRandom rnd) {
        int s = data.imgsz();
        DetectionAugment.Sample first = asSample(data, index);
        if (augment.mosaic() > 0 && rnd.nextDouble() < augment.mosaic()) {
            List<DetectionAugment.Sample> four = new ArrayList<>();
            four.add(first);
            for (int k = 0; k < 3; k++) {
                four.add(asSample(data, rnd.nextInt(data.size())));
            }
            first = DetectionAugment.mosaic(four, rnd);
        }
        DetectionAugment.Sample out = augment.apply(first, rnd);
        if (out.height() != s || out.width() != s) {
            throw new IllegalStateException("augmentation changed the image size");
        }
        return out;
    }

    private static DetectionAugment.Sample asSample(PreparedDetections data, int index) {
        Boxes t = data.truth(index);
        int s = data.imgsz();
        return new DetectionAugment.Sample(data.pixels(index), 3, s, s, t.xyxy(), t.labels());
    }

    /** One step: zero gradients, the detector's losses, backward, optimiser step; returns the loss values. */
    static Map<String, Double> step(NDManager parent, DetectionNet net, Optimizer opt, float[] x, int count, int s,
            List<Boxes> targets, double lr) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray input = scope.create(x, new Shape(count, 3, s, s));
            opt.zeroGrad();
            Map<String, Double> values = new LinkedHashMap<>();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> losses = net.losses(input, targets);
                NDArray loss = losses.get("loss");
                gc.backward(loss);
                losses.forEach((k, v) -> values.put(k, (double) v.getFloat()));
            }
            opt.step(lr);
            return values;
        }
    }

    private boolean better(double value, double best) {
        return config.monitor().endsWith("loss") ? value < best : value > best;
    }
}
