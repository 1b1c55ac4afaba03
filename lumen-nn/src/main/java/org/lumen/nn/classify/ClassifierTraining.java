package org.lumen.nn.classify;

import org.lumen.nn.model.ModelInfo;
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
import org.lumen.nn.train.DataFingerprint;
import org.lumen.nn.train.LabeledImages;
import org.lumen.nn.train.Provenance;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainDefaults;
import org.lumen.nn.train.TaskTraining;
import org.lumen.nn.train.TrainState;
import org.lumen.nn.train.TrainingHook;
import org.lumen.nn.train.TrainingRun;
import org.lumen.nn.train.TrainingSpec;
import org.lumen.nn.train.TrainingTask;

/**
 * A classification training run from ImageFolder splits to a run folder ({@link TrainingRun}: {@code best/},
 * {@code last/}, {@code results.csv}, {@code results.png}); or k runs of stratified k-fold cross-validation with a
 * {@code folds.json} summary. The provenance given (null: the Java API's, {@link Provenance#complete}) is recorded
 * in each model with the data's fingerprint (train's and val's {@code ImageFolder.fingerprint()}).
 */
public final class ClassifierTraining extends TaskTraining<ClassifierTraining> {
    private final int channels;
    private Path data;
    private final Map<String, java.util.function.ToDoubleBiFunction<Classifier, LabeledImages>> extra =
            new LinkedHashMap<>();

    public ClassifierTraining(String arch, int imgsz, int channels, Path weights, TrainConfig config,
            ObjectNode provenance) {
        super(arch, imgsz, weights, config, provenance);
        this.channels = channels;
    }

    @Override
    protected ClassifierTraining self() {
        return this;
    }

    /**
     * Also validates with {@code metric} after every epoch (the model being trained and the validation images, in
     * [0, 1] at the model's size), logged as {@code val_<name>} after the standard columns of results.csv: a
     * training mode's own measure, such as adversarial training's robust accuracy.
     */
    public ClassifierTraining withMetric(String name, java.util.function.ToDoubleBiFunction<Classifier, LabeledImages>
            metric) {
        if (VALIDATION_METRICS.contains(name) || extra.containsKey(name)) {
            throw new IllegalArgumentException("a validation metric named " + name + " exists already");
        }
        extra.put(name, metric);
        return this;
    }

    /** Trains on {@code train}, validating on {@code val} every epoch, into {@code run}. */
    public TrainState run(ImageFolder train, ImageFolder val, Path run, boolean resume) throws IOException {
        checkClasses(train, val);
        FolderImages trainImages = prepare(train);
        FolderImages valImages = prepare(val);
        ObjectNode prov = provenance(train, val);
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
        ObjectNode prov = provenance(train, val);
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
        if (!VALIDATION_METRICS.contains(config.monitor())) {
            throw LumenException.setting("monitor", "unknown metric '" + config.monitor() + "'; one of "
                    + String.join(", ", VALIDATION_METRICS));
        }
        float[][] norm = ModelInfo.defaultNormalisation(channels);
        TrainingSpec<Classifier> spec = new TrainingSpec.Of<>(Classifier::load, Classifier::info) {
            @Override
            public ModelInfo info(ObjectNode provenance) {
                return new ModelInfo("classify", arch, classes, imgsz, channels, norm[0], norm[1], provenance);
            }

            @Override
            public Classifier create(ModelInfo info) {
                return weights != null ? Classifier.transfer(info, weights, config.seed())
                        : Classifier.create(info, config.seed());
            }

            @Override
            public List<String> columns(Classifier model) {
                List<String> c = new ArrayList<>(COLUMNS);
                extra.keySet().forEach(name -> c.add("val_" + name));
                return List.copyOf(c);
            }

            @Override
            public TrainingTask task(Classifier model, TrainingHook hook) {
                return new Trainer(config, progress).task(model, train, m -> {
                    Map<String, Double> r = row(Evaluation.of(m, val, config.batch()));
                    extra.forEach((name, metric) -> r.put(name, metric.applyAsDouble(m, val)));
                    return r;
                }, hook);
            }
        };
        return newRun(run)
                .train(spec, prov, data, prov.path("data_fingerprint").asText(), resume);
    }

    /** The training-curve plot in the run folder, redrawn after every epoch. */
    public static final String CURVES = TrainingRun.CURVES;

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
        if (need > TrainDefaults.IMAGE_BUDGET_BYTES) {
            throw new LumenException(folder.folder(), String.format(java.util.Locale.ROOT,
                    "%d images at %dx%d need %.1f GiB in memory, above the %d GiB budget; lower the input size (imgsz)",
                    folder.samples().size(), imgsz, imgsz, need / (double) (1L << 30), TrainDefaults.IMAGE_BUDGET_BYTES >> 30));
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

    /** The front end's provenance (completed if it gave none) with the data's fingerprint. */
    private ObjectNode provenance(ImageFolder train, ImageFolder val) throws IOException {
        data = train.folder().toAbsolutePath().getParent();
        ObjectNode prov = Provenance.complete(provenance, data, config);
        prov.put("data_fingerprint", DataFingerprint.pair(train.fingerprint(), val.fingerprint()));
        return prov;
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
