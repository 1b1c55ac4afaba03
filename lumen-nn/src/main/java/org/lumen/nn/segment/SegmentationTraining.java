package org.lumen.nn.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.lumen.core.LumenException;
import org.lumen.core.data.MaskFolder;
import org.lumen.core.report.Plots;
import org.lumen.core.report.ResultsCsv;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ClassifierTraining;
import org.lumen.nn.classify.ModelInfo;
import org.lumen.nn.train.Checkpoints;
import org.lumen.nn.train.Progress;
import org.lumen.nn.train.SegmentationLoss;
import org.lumen.nn.train.SegmentationTrainer;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainState;

/**
 * A segmentation training run from mask-folder splits to a run folder laid out as a classification run's:
 * {@code best/}, {@code last/} (with the state for {@code --resume}), {@code results.csv} (one row per epoch:
 * train loss, learning rate, and the validation loss and {@link #VALIDATION_METRICS}) and {@code results.png}.
 */
public final class SegmentationTraining {
    /** The validation metrics logged each epoch, any of which {@code --monitor} may name. */
    public static final List<String> VALIDATION_METRICS = List.of("loss", "pixel_accuracy", "dice_mean", "iou_mean",
            "dice_foreground", "iou_foreground", "boundary_f1_mean");
    /** The metric that picks {@code best/} unless {@code --monitor} says otherwise. */
    public static final String DEFAULT_MONITOR = "dice_mean";

    private final String arch;
    private final int imgsz;
    private final int channels;
    private final Path weights;
    private final TrainConfig config;
    private final SegmentationLoss loss;
    private final ObjectNode provenance;
    private Progress progress = Progress.console();

    public SegmentationTraining(String arch, int imgsz, int channels, Path weights, TrainConfig config,
            SegmentationLoss loss, ObjectNode provenance) {
        this.arch = arch;
        this.imgsz = imgsz;
        this.channels = channels;
        this.weights = weights;
        this.config = config;
        this.loss = loss;
        this.provenance = provenance;
    }

    public SegmentationTraining withProgress(Progress p) {
        this.progress = p;
        return this;
    }

    /** Trains on {@code train}, validating on {@code val} every epoch, into {@code run}. */
    public TrainState run(MaskFolder train, MaskFolder val, Path run, boolean resume) throws IOException {
        if (!VALIDATION_METRICS.contains(config.monitor())) {
            throw new LumenException("--monitor", "unknown metric '" + config.monitor() + "' for segmentation; one of "
                    + String.join(", ", VALIDATION_METRICS));
        }
        MaskImages trainImages = prepare(train);
        MaskImages valImages = prepare(val);
        ObjectNode prov = provenance.deepCopy();
        prov.put("data_fingerprint", fingerprint(train).substring(0, 16) + "-" + fingerprint(val).substring(0, 16));
        prov.put("loss", loss.spec());
        float[][] norm = ModelInfo.defaultNormalisation(channels);
        ModelInfo info = new ModelInfo(Segmenter.TASK, arch, train.classes(), imgsz, channels, norm[0], norm[1], prov);
        Checkpoints checkpoints = new Checkpoints(run, config);
        TrainState state = resume ? checkpoints.resume() : TrainState.start();
        Segmenter model = resume ? resumable(checkpoints.last(), info)
                : weights != null ? Segmenter.transfer(info, weights, config.seed()) : Segmenter.create(info, config.seed());
        try (model) {
            SegmentationTrainer.freeze(model.net(), config.freeze()); // refuses a bad --freeze before any file is written
            ResultsCsv results = ResultsCsv.open(run.resolve("results.csv"), columns());
            if (results.lastEpoch() == state.epoch() - 1 && !state.row().isEmpty()) {
                results.append(state.epoch(), state.row());
            }
            if (results.lastEpoch() != state.epoch()) {
                throw new LumenException(run.resolve("results.csv"), "ends at epoch " + results.lastEpoch()
                        + " but the checkpoint in last/ is at epoch " + state.epoch() + "; the run folder was edited");
            }
            Path curves = run.resolve(ClassifierTraining.CURVES);
            return new SegmentationTrainer(config, loss, progress).fit(model, trainImages,
                    m -> SegmentationEvaluation.of(m, valImages, config.batch(), loss).row(), (epoch, row) -> {
                        results.append(epoch, row);
                        Plots.trainingCurves(curves, results);
                    }, checkpoints, state);
        }
    }

    static List<String> columns() {
        List<String> c = new ArrayList<>(List.of("train_loss", "lr"));
        VALIDATION_METRICS.forEach(m -> c.add("val_" + m));
        return List.copyOf(c);
    }

    /** {@code RUN/last}'s model if it is the one this run would train (architecture, size, classes, data, loss). */
    private static Segmenter resumable(Path last, ModelInfo want) {
        Segmenter model = Segmenter.load(last);
        ModelInfo have = model.info();
        List<String> diffs = new ArrayList<>();
        differ(diffs, "arch", have.arch(), want.arch());
        differ(diffs, "imgsz", have.imgsz(), want.imgsz());
        differ(diffs, "channels", have.channels(), want.channels());
        differ(diffs, "classes", have.classNames(), want.classNames());
        for (String key : List.of("data_fingerprint", "loss")) {
            differ(diffs, key, have.provenance().path(key).asText(null), want.provenance().path(key).asText(null));
        }
        if (!diffs.isEmpty()) {
            model.close();
            throw new LumenException(last.resolve(Classifier.MODEL_JSON), "cannot resume: the run was started with other"
                    + " settings (" + String.join(", ", diffs) + "); resume with the same options and data or start a new run");
        }
        return model;
    }

    private static void differ(List<String> diffs, String name, Object was, Object now) {
        if (!Objects.equals(was, now)) {
            diffs.add(name + " was " + was + ", now " + now);
        }
    }

    private MaskImages prepare(MaskFolder folder) throws IOException {
        long need = MaskImages.bytesNeeded(folder, imgsz, channels);
        if (need > ClassifierTraining.IMAGE_BUDGET_BYTES) {
            throw new LumenException(folder.root(), String.format(java.util.Locale.ROOT,
                    "%d images at %dx%d need %.1f GiB in memory, above the %d GiB budget; lower --imgsz",
                    folder.samples().size(), imgsz, imgsz, need / (double) (1L << 30),
                    ClassifierTraining.IMAGE_BUDGET_BYTES >> 30));
        }
        progress.message("preparing " + folder.samples().size() + " images and masks from " + folder.root() + " ("
                + folder.split() + ")");
        return MaskImages.load(folder, imgsz, channels);
    }

    /**
     * SHA-256 (hex) over each sample's image and mask: relative path and bytes, each preceded by its length, in
     * sample order, then the class names.
     */
    public static String fingerprint(MaskFolder folder) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        for (MaskFolder.Sample s : folder.samples()) {
            for (Path p : List.of(s.image(), s.mask())) {
                byte[] name = folder.root().relativize(p).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(8).putLong(name.length).array());
                sha.update(name);
                sha.update(ByteBuffer.allocate(8).putLong(Files.size(p)).array());
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
        }
        sha.update(String.join("\n", folder.classes()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }
}
