package org.lumen.nn.detect;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.nn.train.BaseTask;
import org.lumen.nn.train.DetectionAugment;
import org.lumen.nn.train.Optimizer;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainingHook;
import org.lumen.nn.train.TrainingTask;
import org.lumen.nn.train.Validator;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.models.InstanceSegmentationNet;

/**
 * The detection task ({@link #task}, for a {@link TrainingRun}; the loop every task
 * shares runs it: shuffling, schedule, validation, checkpoints, early stopping and resume) with box-aware augmentation (YOLO's mosaic
 * where asked), the detector's own losses, and their parts logged per epoch.
 */
public record DetectionTrainer(TrainConfig config, DetectionAugment augment) {
    /**
     * The detection task of a {@link TrainingRun}: box-aware augmentation of {@code train} (and its masks for a
     * model that segments), the detector's own losses, {@code hook} applied to each batch and loss (with no output:
     * the detector computes its losses itself), their parts logged per epoch, {@code validator} after each epoch.
     */
    public TrainingTask task(Detector model, PreparedDetections train, Validator<Detector> validator, TrainingHook hook) {
        DetectionNet net = model.net();
        int s = train.imgsz();
        // masks go through augmentation and into the loss only for a model that segments
        boolean withMasks = train.hasMasks() && net instanceof InstanceSegmentationNet;
        Map<String, Double> sums = new LinkedHashMap<>();
        int[] seen = new int[1];
        return new BaseTask(net.module(), model, model.manager(), train.size()) {
            @Override
            public void freeze(int n) {
                if (n != 0) {
                    throw LumenException.setting("freeze", "not available for detectors yet");
                }
            }

            @Override
            public NDArray classWeights(NDManager constants) {
                return null;
            }

            @Override
            public double step(NDManager constants, Optimizer opt, int[] order, int from, int count,
                    SplittableRandom rnd, NDArray classWeights, double lr) {
                if (from == 0) {
                    sums.clear();
                    seen[0] = 0;
                }
                float[] x = new float[count * 3 * s * s];
                List<Boxes> targets = new ArrayList<>();
                List<float[][]> masks = withMasks ? new ArrayList<>() : null;
                for (int i = 0; i < count; i++) {
                    DetectionAugment.Sample sample = sample(train, order[from + i], rnd, withMasks);
                    System.arraycopy(sample.image(), 0, x, i * 3 * s * s, 3 * s * s);
                    targets.add(Boxes.truth(sample.boxes(), sample.labels()));
                    if (masks != null) {
                        masks.add(sample.masks());
                    }
                }
                Map<String, Double> losses = DetectionTrainer.step(model.manager(), net, opt, x, count, s, targets,
                        masks, lr, hook);
                losses.forEach((k, v) -> sums.merge(k, v * count, Double::sum));
                seen[0] += count;
                return losses.get("loss");
            }

            @Override
            public Map<String, Double> validate() {
                Map<String, Double> val = validator.validate(model);
                if (!val.containsKey(config.monitor())) {
                    throw LumenException.setting("monitor", "detection validation reports "
                            + String.join(", ", val.keySet()) + ", not '" + config.monitor() + "'");
                }
                return val;
            }

            @Override
            public Map<String, Double> epochColumns() {
                Map<String, Double> parts = new LinkedHashMap<>();
                for (String part : net.lossParts()) {
                    parts.put("train_" + part, sums.getOrDefault(part, Double.NaN) / Math.max(1, seen[0]));
                }
                return parts;
            }
        };
    }

    private DetectionAugment.Sample sample(PreparedDetections data, int index, SplittableRandom rnd, boolean masks) {
        int s = data.imgsz();
        DetectionAugment.Sample first = asSample(data, index, masks);
        if (augment.mosaic() > 0 && rnd.nextDouble() < augment.mosaic()) {
            List<DetectionAugment.Sample> four = new ArrayList<>();
            four.add(first);
            for (int k = 0; k < 3; k++) {
                four.add(asSample(data, rnd.nextInt(data.size()), masks));
            }
            first = DetectionAugment.mosaic(four, rnd);
        }
        DetectionAugment.Sample out = augment.apply(first, rnd);
        if (out.height() != s || out.width() != s) {
            throw new IllegalStateException("augmentation changed the image size");
        }
        return out;
    }

    private static DetectionAugment.Sample asSample(PreparedDetections data, int index, boolean masks) {
        Boxes t = data.truth(index);
        int s = data.imgsz();
        return new DetectionAugment.Sample(data.pixels(index), 3, s, s, t.xyxy(), t.labels(),
                masks ? data.maskPixels(index) : null);
    }

    /** Gradients are clipped to this global norm before each step, as Ultralytics does. */
    public static final double MAX_GRAD_NORM = 10.0;

    /**
     * One step: zero gradients, the detector's losses, backward, gradients clipped to a global norm of
     * {@link #MAX_GRAD_NORM}, optimiser step; a batch whose loss or gradients are not finite is skipped (no
     * update), as a mixed-precision trainer skips an overflowing step. Returns the loss values.
     *
     * @param masks {@code null} for boxes only; else per image, per object, its mask, for an instance-segmentation
     *     net's loss
     */
    static Map<String, Double> step(NDManager parent, DetectionNet net, Optimizer opt, float[] x, int count, int s,
            List<Boxes> targets, List<float[][]> masks, double lr) {
        return step(parent, net, opt, x, count, s, targets, masks, lr, TrainingHook.NONE);
    }

    /** {@link #step(NDManager, DetectionNet, Optimizer, float[], int, int, List, List, double)} through {@code hook}. */
    static Map<String, Double> step(NDManager parent, DetectionNet net, Optimizer opt, float[] x, int count, int s,
            List<Boxes> targets, List<float[][]> masks, double lr, TrainingHook hook) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray input = hook.batch(net.module(), scope.create(x, new Shape(count, 3, s, s)), null);
            opt.zeroGrad();
            Map<String, Double> values = new LinkedHashMap<>();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> losses = masks == null ? net.losses(input, targets)
                        : ((InstanceSegmentationNet) net).losses(input, targets, masks);
                NDArray loss = hook.loss(input, null, losses.get("loss"));
                losses.forEach((k, v) -> values.put(k, (double) v.getFloat()));
                if (loss != losses.get("loss")) {
                    values.put("loss", (double) loss.getFloat()); // the hook's loss is the one stepped
                }
                if (!Double.isFinite(values.get("loss"))) {
                    return values;
                }
                gc.backward(loss);
            }
            double norm = opt.clipGradNorm(MAX_GRAD_NORM);
            if (Double.isFinite(norm)) {
                opt.step(lr);
            }
            return values;
        }
    }

}
