package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.image.ImageOps;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.report.Json;
import org.lumen.nn.classify.ClassificationReport;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ClassifierTraining;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.classify.FolderImages;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.segment.Segmenter;
import org.lumen.nn.train.Augment;
import org.lumen.nn.train.Provenance;
import org.lumen.nn.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lumen segment-classify}: the TB paper's pipeline. A segmentation model keeps each image's foreground
 * (every pixel it does not call background; the rest set to 0), a classifier is trained on the masked images, a
 * second one on the whole images with the same settings, and both are evaluated on the same test split.
 */
@Command(name = "segment-classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Segment, then classify: mask every image of an ImageFolder dataset (train, val, test) with a "
            + "segmentation model's foreground, train a classifier on the masked images and one on the whole images "
            + "(same architecture, settings and seed), evaluate both on the test split, and write OUT/comparison.json "
            + "(accuracy, macro precision/recall/F1/specificity, ROC AUC for each) beside OUT/masked/ (the masked "
            + "dataset), OUT/masked-run/ and OUT/whole-run/ (run folders) and their test reports."},
        footer = {"", "Examples:",
            "  lumen segment-classify --seg-model runs/lungs/best --data cxr --arch resnet18 --imgsz 224 \\",
            "      --epochs 10 --out runs/tb-seg-cls"})
final class SegmentClassifyCommand implements Callable<Integer> {
    @Option(names = "--seg-model", required = true, paramLabel = "M", description = "Segmentation model directory.")
    Path segModel;

    @Option(names = "--data", required = true, paramLabel = "D", description = "ImageFolder root with train/, val/ and test/.")
    Path data;

    @Option(names = "--arch", defaultValue = "resnet18", paramLabel = "A", description = "Classifier architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--imgsz", defaultValue = "224", paramLabel = "S", description = "Classifier input size (default: ${DEFAULT-VALUE}).")
    int imgsz;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "E", description = "Epochs of each classifier (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of both trainings (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder (new or empty).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Backbones.create(arch, 2, 3);
        ModelOptions.checkSize(imgsz);
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new LumenException(out, "exists and is not empty; choose a new --out");
                }
            }
        }
        List<ImageFolder> splits = ImageFolder.openSplits(data, "train", "val", "test");
        Path masked = out.resolve("masked");
        try (Segmenter seg = Segmenter.load(segModel)) {
            if (seg.info().numClasses() < 2) {
                throw new LumenException(segModel, "needs a background class and at least one foreground class");
            }
            AtomicFiles.writeFolder(masked, tmp -> {
                for (int i = 0; i < splits.size(); i++) {
                    String split = List.of("train", "val", "test").get(i);
                    for (ImageFolder.Sample sample : splits.get(i).samples()) {
                        Path dst = tmp.resolve(split).resolve(splits.get(i).classes().get(sample.label()))
                                .resolve(sample.path().getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".png");
                        Files.createDirectories(dst.getParent());
                        ImageOps.writePng(ImageOps.toRgb8(mask(seg, sample.path())), dst);
                    }
                }
            });
        }
        System.out.println("masked dataset -> " + masked);
        Map<String, Object> comparison = new LinkedHashMap<>();
        for (String kind : List.of("whole", "masked")) {
            Path root = kind.equals("whole") ? data : masked;
            Path run = out.resolve(kind + "-run");
            TrainConfig config = new TrainConfig(epochs, batch, "adamw", 1e-3, 0.05, 0.9, "cosine",
                    Math.min(1, epochs - 1), 0, Augment.SCIENCE, "none", 0, "accuracy", 0, seed);
            List<ImageFolder> s = ImageFolder.openSplits(root, "train", "val");
            System.out.println("training on the " + kind + " images -> " + run);
            new ClassifierTraining(arch, imgsz, 3, null, config, Provenance.of("lumen segment-classify", root, seed,
                    config)).run(s.get(0), s.get(1), run, false);
            try (Classifier model = Classifier.load(run.resolve("best"))) {
                FolderImages test = FolderImages.load(ImageFolder.open(root, "test"), imgsz, 3);
                Evaluation e = Evaluation.of(model, test, batch);
                ClassificationReport.write(run.resolve("test"), e, test);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("accuracy", e.metrics().accuracy());
                m.put("precision_macro", e.metrics().precisionMacro());
                m.put("recall_macro", e.metrics().recallMacro());
                m.put("f1_macro", e.metrics().f1Macro());
                m.put("specificity_macro", e.metrics().specificityMacro());
                m.put("roc_auc_macro", e.metrics().rocAucMacro());
                m.put("test_images", test.size());
                comparison.put(kind, m);
            }
        }
        Json.write(out.resolve("comparison.json"), comparison);
        System.out.println("test split        accuracy  f1_macro  roc_auc_macro");
        for (String kind : List.of("whole", "masked")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) comparison.get(kind);
            System.out.printf(Locale.ROOT, "%-16s  %.4f    %.4f    %.4f%n", kind + " images", m.get("accuracy"),
                    m.get("f1_macro"), m.get("roc_auc_macro"));
        }
        System.out.println(out.resolve("comparison.json"));
        return Main.OK;
    }

    /** The image with every pixel the segmentation model calls background set to 0, at the image's size. */
    private static Image mask(Segmenter seg, Path file) {
        Image raw = ImageDecoder.read(file);
        int s = seg.info().imgsz();
        Image fitted = Preprocess.fit(raw, s, seg.info().channels());
        float[] v = fitted.data().clone();
        Preprocess.normalise(v, seg.info().channels(), s, seg.info().mean(), seg.info().std());
        Image shown = raw.scale() == Image.Scale.PHYSICAL ? org.lumen.core.image.Stretch.percentile(raw,
                Preprocess.LOW_PERCENTILE, Preprocess.HIGH_PERCENTILE) : raw;
        shown = ImageOps.toChannels(shown, 3);
        byte[] classes = seg.predict(v, shown.height(), shown.width());
        float[] d = shown.data().clone();
        int plane = shown.height() * shown.width();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                if (classes[p] == 0) {
                    d[c * plane + p] = 0;
                }
            }
        }
        return new Image(3, shown.height(), shown.width(), d, 8, Image.Scale.NORMALISED);
    }
}
