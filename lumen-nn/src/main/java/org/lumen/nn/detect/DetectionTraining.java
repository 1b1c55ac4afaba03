package org.lumen.nn.detect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.data.DetectionData;
import org.lumen.core.data.InstanceData;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.train.DataFingerprint;
import org.lumen.nn.train.DetectionAugment;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TaskTraining;
import org.lumen.nn.train.TrainState;
import org.lumen.nn.train.TrainingHook;
import org.lumen.nn.train.TrainingRun;
import org.lumen.nn.train.TrainingSpec;
import org.lumen.nn.train.TrainingTask;

/**
 * Detection training (the command line's {@code train} for detection): a detector trained on a detection dataset's
 * train split and validated on its val split every epoch, into a run folder laid out as for classification
 * ({@link TrainingRun}: {@code best/}, {@code last/}, {@code results.csv}, {@code results.png}). Its models record the data's fingerprint
 * ({@link DataFingerprint#of(DetectionData)}: images, labels and boxes; masks too for instance data), so resuming
 * refuses data that changed.
 */
public final class DetectionTraining extends TaskTraining<DetectionTraining> {
    /** The validation metrics logged each epoch; any can be monitored. */
    public static final List<String> VALIDATION_METRICS = List.of("map50", "map50_95", "completeness", "purity",
            "f1");
    /** The mask metrics logged besides those for a model that segments. */
    public static final List<String> MASK_METRICS = List.of("mask_map50", "mask_map50_95");

    private final DetectionAugment augment;
    private final double iou;
    private final double conf;

    public DetectionTraining(String arch, int imgsz, Path weights, TrainConfig config, DetectionAugment augment,
            double iou, double conf, ObjectNode provenance) {
        super(arch, imgsz, weights, config, provenance);
        this.augment = augment;
        this.iou = iou;
        this.conf = conf;
    }

    @Override
    protected DetectionTraining self() {
        return this;
    }

    public TrainState run(DetectionData train, DetectionData val, Path run, boolean resume) throws IOException {
        check(train, val, false, resume);
        String fingerprint = DataFingerprint.pair(DataFingerprint.of(train), DataFingerprint.of(val));
        return fit(PreparedDetections.load(train, imgsz), PreparedDetections.load(val, imgsz), fingerprint, run,
                resume);
    }

    /**
     * Trains on an instance-segmentation dataset: boxes and masks for a model that segments (its validation adds
     * {@code mask_map50} and {@code mask_map50_95}), boxes alone for a detector.
     */
    public TrainState run(InstanceData train, InstanceData val, Path run, boolean resume) throws IOException {
        check(train.detection(), val.detection(), true, resume);
        String fingerprint = DataFingerprint.pair(DataFingerprint.of(train), DataFingerprint.of(val));
        return fit(PreparedDetections.load(train, imgsz), PreparedDetections.load(val, imgsz), fingerprint, run,
                resume);
    }

    /** Whether {@code arch} gives masks and so trains on them. */
    public static boolean segments(String arch) {
        return arch.endsWith("-seg") || arch.startsWith("maskrcnn");
    }

    /** The validation metrics logged each epoch for {@code arch}. */
    public static List<String> metrics(String arch) {
        if (!segments(arch)) {
            return VALIDATION_METRICS;
        }
        List<String> all = new ArrayList<>(VALIDATION_METRICS);
        all.addAll(MASK_METRICS);
        return all;
    }

    private void check(DetectionData train, DetectionData val, boolean masks, boolean resume) {
        if (!resume && weights == null && (arch.startsWith("fasterrcnn") || arch.startsWith("maskrcnn"))) {
            // torchvision trains a detector from scratch with trainable batch norms; ours are frozen (the layout of
            // the published weights), which cannot normalise an untrained backbone: the loss diverges
            throw LumenException.setting("weights", arch + " trains from a pretrained backbone: give a classification"
                    + " ResNet's or MobileNetV2's weights (trained by lumen train, or torchvision's) or a detector's"
                    + " state dict");
        }
        if (!train.classNames().equals(val.classNames())) {
            throw LumenException.setting("data", "val classes " + val.classNames() + " differ from train's "
                    + train.classNames());
        }
        if (segments(arch) && !masks) {
            throw LumenException.setting("data", arch + " trains on each object's mask: give an instance dataset"
                    + " (YOLO segmentation labels, COCO with segmentations, or a class-mask folder)");
        }
        if (!metrics(arch).contains(config.monitor())) {
            throw LumenException.setting("monitor", "unknown detection metric '" + config.monitor() + "' for " + arch
                    + "; one of " + String.join(", ", metrics(arch)));
        }
        progress.message("preparing " + train.items().size() + " training and " + val.items().size()
                + " validation images");
    }

    private TrainState fit(PreparedDetections trainImages, PreparedDetections valImages, String fingerprint, Path run,
            boolean resume) throws IOException {
        DetectionData train = trainImages.data();
        float[][] norm = ModelInfo.defaultNormalisation(3);
        TrainingSpec<Detector> spec = new TrainingSpec.Of<>(Detector::load, Detector::info) {
            @Override
            public ModelInfo info(ObjectNode p) {
                return new ModelInfo("detect", arch, train.classNames(), imgsz, 3, norm[0], norm[1], p);
            }

            @Override
            public Detector create(ModelInfo info) {
                List<String> transferred = new ArrayList<>();
                Detector model = weights != null ? Detector.transfer(info, weights, config.seed(), transferred)
                        : Detector.create(info, config.seed());
                transferred.forEach(progress::message);
                return model;
            }

            @Override
            public List<String> columns(Detector model) {
                List<String> columns = new ArrayList<>(List.of("train_loss"));
                model.net().lossParts().forEach(p -> columns.add("train_" + p));
                columns.add("lr");
                metrics(arch).forEach(m -> columns.add("val_" + m));
                return columns;
            }

            @Override
            public TrainingTask task(Detector model, TrainingHook hook) {
                return new DetectionTrainer(config, augment).task(model, trainImages,
                        m -> row(DetectionEvaluation.of(m, valImages, config.batch(), iou, conf, false, 0)), hook);
            }
        };
        return newRun(run)
                .train(spec, provenance, null, fingerprint, resume);
    }

    /** The logged validation metrics of an evaluation. */
    public static Map<String, Double> row(DetectionEvaluation e) {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("map50", e.coco().stats()[1]);
        r.put("map50_95", e.coco().stats()[0]);
        r.put("completeness", nanToZero(e.metrics().completeness()));
        r.put("purity", e.metrics().purity());
        r.put("f1", e.metrics().f1(-1, e.metrics().conf()));
        if (e.maskCoco() != null) {
            r.put("mask_map50", e.maskCoco().stats()[1]);
            r.put("mask_map50_95", e.maskCoco().stats()[0]);
        }
        return r;
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

}
