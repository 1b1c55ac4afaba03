package org.lumen.nn.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.data.MaskFolder;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.train.DataFingerprint;
import org.lumen.nn.train.Provenance;
import org.lumen.nn.train.SegmentationLoss;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainDefaults;
import org.lumen.nn.train.TaskTraining;
import org.lumen.nn.train.TrainState;
import org.lumen.nn.train.TrainingHook;
import org.lumen.nn.train.TrainingRun;
import org.lumen.nn.train.TrainingSpec;
import org.lumen.nn.train.TrainingTask;

/**
 * A segmentation training run ({@link TrainingRun}) from mask-folder splits to a run folder laid out as a
 * classification run's: {@code best/}, {@code last/} (with the state for resuming), {@code results.csv} (one row
 * per epoch: train loss, learning rate, and the validation loss and {@link #VALIDATION_METRICS}) and
 * {@code results.png}. Its models record the data's fingerprint ({@link #fingerprint}) and the loss; resuming
 * refuses a change to either.
 */
public final class SegmentationTraining extends TaskTraining<SegmentationTraining> {
    /** The validation metrics logged each epoch, any of which the monitor setting may name. */
    public static final List<String> VALIDATION_METRICS = List.of("loss", "pixel_accuracy", "dice_mean", "iou_mean",
            "dice_foreground", "iou_foreground", "boundary_f1_mean");
    /** The metric that picks {@code best/} unless the monitor setting says otherwise. */
    public static final String DEFAULT_MONITOR = "dice_mean";

    private final int channels;
    private final SegmentationLoss loss;

    public SegmentationTraining(String arch, int imgsz, int channels, Path weights, TrainConfig config,
            SegmentationLoss loss, ObjectNode provenance) {
        super(arch, imgsz, weights, config, provenance);
        this.channels = channels;
        this.loss = loss;
    }

    @Override
    protected SegmentationTraining self() {
        return this;
    }

    /** Trains on {@code train}, validating on {@code val} every epoch, into {@code run}. */
    public TrainState run(MaskFolder train, MaskFolder val, Path run, boolean resume) throws IOException {
        if (!VALIDATION_METRICS.contains(config.monitor())) {
            throw LumenException.setting("monitor", "unknown metric '" + config.monitor() + "' for segmentation; one of "
                    + String.join(", ", VALIDATION_METRICS));
        }
        MaskImages trainImages = prepare(train);
        MaskImages valImages = prepare(val);
        String fingerprint = DataFingerprint.pair(fingerprint(train), fingerprint(val));
        ObjectNode prov = Provenance.complete(provenance, train.root(), config);
        prov.put("data_fingerprint", fingerprint);
        prov.put("loss", loss.spec());
        float[][] norm = ModelInfo.defaultNormalisation(channels);
        TrainingSpec<Segmenter> spec = new TrainingSpec.Of<>(Segmenter::load, Segmenter::info) {
            @Override
            public ModelInfo info(ObjectNode p) {
                return new ModelInfo(Segmenter.TASK, arch, train.classes(), imgsz, channels, norm[0], norm[1], p);
            }

            @Override
            public Segmenter create(ModelInfo info) {
                return weights != null ? Segmenter.transfer(info, weights, config.seed())
                        : Segmenter.create(info, config.seed());
            }

            @Override
            public List<String> resumeKeys() {
                return List.of("loss");
            }

            @Override
            public List<String> columns(Segmenter model) {
                return SegmentationTraining.columns();
            }

            @Override
            public TrainingTask task(Segmenter model, TrainingHook hook) {
                return new SegmentationTrainer(config, loss).task(model, trainImages,
                        m -> SegmentationEvaluation.of(m, valImages, config.batch(), loss).row(), hook);
            }
        };
        return newRun(run)
                .train(spec, prov, train.root(), fingerprint, resume);
    }

    static List<String> columns() {
        List<String> c = new ArrayList<>(List.of("train_loss", "lr"));
        VALIDATION_METRICS.forEach(m -> c.add("val_" + m));
        return List.copyOf(c);
    }

    private MaskImages prepare(MaskFolder folder) throws IOException {
        long need = MaskImages.bytesNeeded(folder, imgsz, channels);
        if (need > TrainDefaults.IMAGE_BUDGET_BYTES) {
            throw new LumenException(folder.root(), String.format(java.util.Locale.ROOT,
                    "%d images at %dx%d need %.1f GiB in memory, above the %d GiB budget; lower the input size (imgsz)",
                    folder.samples().size(), imgsz, imgsz, need / (double) (1L << 30),
                    TrainDefaults.IMAGE_BUDGET_BYTES >> 30));
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
        DataFingerprint f = DataFingerprint.start();
        for (MaskFolder.Sample s : folder.samples()) {
            for (Path p : List.of(s.image(), s.mask())) {
                f.file(folder.root().relativize(p).toString(), p);
            }
        }
        return f.text(String.join("\n", folder.classes())).hex();
    }
}
