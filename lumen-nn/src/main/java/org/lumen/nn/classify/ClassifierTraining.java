package org.lumen.nn.classify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.data.Splits;
import org.lumen.core.metrics.ClassificationMetrics;
import org.lumen.core.report.Json;
import org.lumen.core.report.Plots;
import org.lumen.core.report.ResultsCsv;
import org.lumen.nn.train.Checkpoints;
import org.lumen.nn.train.LabeledImages;
import org.lumen.nn.train.Progress;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainState;
import org.lumen.nn.train.Trainer;

/**
 * A classification training run from ImageFolder splits to a run folder: {@code best/}, {@code last/},
 * {@code results.csv}; or k runs of stratified k-fold cross-validation with a {@code folds.json} summary.
 */
public final class ClassifierTraining {
    /** Memory for prepared images; beyond it the run is refused rather than thrashing (2 cores, 24 GiB). */
    public static final long IMAGE_BUDGET_BYTES = 8L << 30;

    private final String arch;
    private final int imgsz;
    private final int channels;
    private final Path weights;
    private final TrainConfig config;
    private final ObjectNode provenance;
    private Progress progress = Progress.console();

    public ClassifierTraining(String arch, int imgsz, int channels, Path weights, TrainConfig config,
            ObjectNode provenance) {
        this.arch = arch;
        this.imgsz = imgsz;
        this.channels = channels;
        this.weights = weights;
        this.config = config;
        this.provenance = provenance;
    }

    public ClassifierTraining withProgress(Progress p) {
        this.progress = p;
        return this;
    }

    /** Trains on {@code train}, validating on {@code val} every epoch, into {@code run}. */
    public TrainState run(ImageFolder train, ImageFolder val, Path run, boolean resume) throws IOException {
        checkClasses(train, val);
        FolderImages trainImages = prepare(train);
        FolderImages valImages = prepare(val);
        ObjectNode prov = provenance.deepCopy();
        prov.put("data_fingerprint", fingerprint(train, val));
        return fit(trainImages, valImages, train.classes(), prov, run, resume);
    }

    /**
     * Stratified k-fold cross-validation over train and val together: fold f trains on the other folds and
     * validates on fold f, into {@code run/fold<f>}; {@code run/folds.json} gets each fold's best validation
     * metrics and their mean and sample standard deviation.
     */
    public Map<String, double[]> crossValidate(ImageFolder train, ImageFolder val, int k, Path run) throws IOException {
        checkClasses(train, val);
        LabeledImages all = LabeledImages.concat(prepare(train), prepare(val));
        int[] labels = new int[all.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = all.label(i);
        }
        int[] fold = Splits.kFold(labels, k, config.seed());
        ObjectNode prov = provenance.deepCopy();
        prov.put("data_fingerprint", fingerprint(train, val));
        Map<String, double[]> perFold = new LinkedHashMap<>();
        for (int f = 0; f < k; f++) {
            List<Integer> tr = new ArrayList<>();
            List<Integer> va = new ArrayList<>();
            for (int i = 0; i < fold.length; i++) {
                (fold[i] == f ? va : tr).add(i);
            }
            progress.message("fold " + (f + 1) + "/" + k + ": " + tr.size() + " train, " + va.size() + " validation");
            ObjectNode p = prov.deepCopy();
            p.put("fold", f + 1);
            p.put("folds", k);
            Path dir = run.resolve("fold" + (f + 1));
            LabeledImages valFold = all.subset(ints(va));
            fit(all.subset(ints(tr)), valFold, train.classes(), p, dir, false);
            try (Classifier best = Classifier.load(dir.resolve("best"))) {
                Map<String, Double> m = row(Evaluation.of(best, valFold, config.batch()));
                for (Map.Entry<String, Double> e : m.entrySet()) {
                    perFold.computeIfAbsent(e.getKey(), x -> new double[k])[f] = e.getValue();
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("folds", k);
        Map<String, Object> metrics = new LinkedHashMap<>();
        perFold.forEach((name, v) -> metrics.put(name, Map.of("per_fold", v, "mean", mean(v), "sd", sd(v))));
        summary.put("metrics", metrics);
        Json.write(run.resolve("folds.json"), summary);
        progress.message(String.format(java.util.Locale.ROOT, "%d-fold accuracy %.4f ± %.4f, f1_macro %.4f ± %.4f", k,
                mean(perFold.get("accuracy")), sd(perFold.get("accuracy")), mean(perFold.get("f1_macro")),
                sd(perFold.get("f1_macro"))));
        return perFold;
    }

    private TrainState fit(LabeledImages train, LabeledImages val, List<String> classes, ObjectNode prov, Path run,
            boolean resume) throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(channels);
        ModelInfo info = new ModelInfo("classify", arch, classes, imgsz, channels, norm[0], norm[1], prov);
        Checkpoints checkpoints = new Checkpoints(run, config);
        if (!VALIDATION_METRICS.contains(config.monitor())) {
            throw new LumenException("--monitor", "unknown metric '" + config.monitor() + "'; one of "
                    + String.join(", ", VALIDATION_METRICS));
        }
        TrainState state = resume ? checkpoints.resume() : TrainState.start();
        Classifier model = resume ? resumable(checkpoints.last(), info)
                : weights != null ? Classifier.transfer(info, weights, config.seed()) : Classifier.create(info, config.seed());
        try (model) {
            ResultsCsv results = ResultsCsv.open(run.resolve("results.csv"), COLUMNS);
            if (results.lastEpoch() == state.epoch() - 1 && !state.row().isEmpty()) {
                results.append(state.epoch(), state.row()); // the run stopped after its checkpoint, before the log
            }
            if (results.lastEpoch() != state.epoch()) {
                throw new LumenException(run.resolve("results.csv"), "ends at epoch " + results.lastEpoch()
                        + " but the checkpoint in last/ is at epoch " + state.epoch() + "; the run folder was edited");
            }
            Trainer trainer = new Trainer(config, progress);
            Path curves = run.resolve(CURVES);
            return trainer.fit(model, train, m -> row(Evaluation.of(m, val, config.batch())), (epoch, row) -> {
                results.append(epoch, row);
                Plots.trainingCurves(curves, results);
            }, checkpoints, state);
        }
    }

    /**
     * {@code RUN/last}'s model, if it is the model this run would train: the same architecture, input size,
     * channels, classes and data. The training configuration is checked by {@link Checkpoints#resume}; these
     * settings live in the model, and a mismatch would otherwise train the old model or fail mid-epoch.
     */
    private static Classifier resumable(Path last, ModelInfo want) {
        Classifier model = Classifier.load(last);
        ModelInfo have = model.info();
        List<String> diffs = new ArrayList<>();
        differ(diffs, "arch", have.arch(), want.arch());
        differ(diffs, "imgsz", have.imgsz(), want.imgsz());
        differ(diffs, "channels", have.channels(), want.channels());
        differ(diffs, "classes", have.classNames(), want.classNames());
        differ(diffs, "data_fingerprint", fingerprintOf(have), fingerprintOf(want));
        if (!diffs.isEmpty()) {
            model.close();
            throw new LumenException(last.resolve(Classifier.MODEL_JSON), "cannot resume: the run was started with other"
                    + " settings (" + String.join(", ", diffs) + "); resume with the same options and data or start a new run");
        }
        return model;
    }

    private static void differ(List<String> diffs, String name, Object was, Object now) {
        if (!java.util.Objects.equals(was, now)) {
            diffs.add(name + " was " + was + ", now " + now);
        }
    }

    private static String fingerprintOf(ModelInfo info) {
        return info.provenance() == null ? null : info.provenance().path("data_fingerprint").asText(null);
    }

    /** The training-curve plot in the run folder, redrawn after every epoch. */
    public static final String CURVES = "results.png";

    /** The validation metrics logged each epoch, and monitored: loss and the macro metrics. */
    public static final List<String> VALIDATION_METRICS = List.of("loss", "accuracy", "precision_macro",
            "recall_macro", "f1_macro", "specificity_macro", "roc_auc_macro", "average_precision_macro");

    /** The columns of {@code results.csv} after {@code epoch}, in the order the trainer logs them. */
    static final List<String> COLUMNS = columns();

    private static List<String> columns() {
        List<String> c = new ArrayList<>(List.of("train_loss", "lr"));
        VALIDATION_METRICS.forEach(m -> c.add("val_" + m));
        return List.copyOf(c);
    }

    static Map<String, Double> row(Evaluation e) {
        ClassificationMetrics m = e.metrics();
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("loss", e.loss());
        r.put("accuracy", m.accuracy());
        r.put("precision_macro", m.precisionMacro());
        r.put("recall_macro", m.recallMacro());
        r.put("f1_macro", m.f1Macro());
        r.put("specificity_macro", m.specificityMacro());
        r.put("roc_auc_macro", m.rocAucMacro());
        r.put("average_precision_macro", m.averagePrecisionMacro());
        return r;
    }

    private FolderImages prepare(ImageFolder folder) throws IOException {
        long need = FolderImages.bytesNeeded(folder, imgsz, channels);
        if (need > IMAGE_BUDGET_BYTES) {
            throw new LumenException(folder.folder(), String.format(java.util.Locale.ROOT,
                    "%d images at %dx%d need %.1f GiB in memory, above the %d GiB budget; lower --imgsz",
                    folder.samples().size(), imgsz, imgsz, need / (double) (1L << 30), IMAGE_BUDGET_BYTES >> 30));
        }
        progress.message("preparing " + folder.samples().size() + " images from " + folder.folder());
        return FolderImages.load(folder, imgsz, channels);
    }

    private static void checkClasses(ImageFolder train, ImageFolder val) {
        if (train.classes().size() < 2) {
            throw new LumenException(train.folder(), "needs at least 2 class folders, found " + train.classes());
        }
        if (!train.classes().equals(val.classes())) {
            throw new LumenException(val.folder(), "classes " + val.classes() + " differ from train's " + train.classes());
        }
    }

    private static String fingerprint(ImageFolder train, ImageFolder val) throws IOException {
        return train.fingerprint().substring(0, 16) + "-" + val.fingerprint().substring(0, 16);
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (n - 1), as reported for k-fold results. */
    static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
    }
}
