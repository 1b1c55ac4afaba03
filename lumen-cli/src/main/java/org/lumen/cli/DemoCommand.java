package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.core.synth.SurveyWriter;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ClassificationReport;
import org.lumen.nn.classify.ClassifierTraining;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.classify.FolderImages;
import org.lumen.nn.train.Augment;
import org.lumen.nn.train.Checkpoints;
import org.lumen.nn.train.Provenance;
import org.lumen.nn.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lumen demo}: the main job on the built-in synthetic survey. Generates the survey, trains a ResNet-18
 * from scratch to tell clumpy from smooth galaxies, evaluates it on the held-out test split, explains a few test
 * galaxies with Grad-CAM and scores the maps ({@link DemoExplanations}), and writes an HTML report whose path is
 * the last line printed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the main job on the built-in synthetic galaxy survey: generate it, train a classifier "
            + "(clumpy vs smooth), evaluate it on the test split, explain a few test galaxies with Grad-CAM "
            + "(with deletion/insertion AUC and the pointing game against clump boxes), train a YOLOv8-style "
            + "detector to find the clumps (completeness, purity, mAP50 on the test split), and write an HTML "
            + "report (printed last).",
            "A few minutes on 2 cores."},
        footer = {"", "Examples:", "  lumen demo", "  lumen demo --out /tmp/demo --count 1200 --epochs 10"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "lumen-demo", paramLabel = "DIR", description = "Demo folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--count", defaultValue = "800", paramLabel = "N", description = "Galaxies in the survey (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--epochs", defaultValue = "8", paramLabel = "E", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--detect-epochs", defaultValue = "12", paramLabel = "E", description = "Epochs of the clump detector (0: skip detection; default: ${DEFAULT-VALUE}).")
    int detectEpochs;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the survey and the training (default: ${DEFAULT-VALUE}).")
    long seed;

    static final String ARCH = "resnet18";
    static final int IMGSZ = 64;

    @Override
    public Integer call() throws IOException {
        Flags.between("--detect-epochs", detectEpochs, 0, 1000);
        long start = System.nanoTime();
        Path survey = out.resolve("survey");
        System.out.println("1/6 synthetic survey: " + count + " galaxies -> " + survey);
        SurveyWriter.Summary s = GalaxySurvey.builder().optCount(count).optSeed(seed).optSize(IMGSZ).build().write(survey);
        System.out.printf("    %d clumpy, %d smooth, %d clumps%s%n", s.clumpy(), s.smooth(), s.clumps(),
                s.reused() ? " (already there)" : "");

        Path run = out.resolve("run");
        clearOwnRun(run);
        Path data = survey.resolve("classify");
        System.out.println("2/6 training " + ARCH + " from scratch, " + epochs + " epochs at " + IMGSZ + " px -> " + run);
        TrainConfig config = classifierConfig(epochs, seed);
        List<ImageFolder> splits = ImageFolder.openSplits(data, "train", "val");
        new ClassifierTraining(ARCH, IMGSZ, 3, null, config, Provenance.of("lumen demo", data, seed, config)).run(splits.get(0), splits.get(1), run, false);

        System.out.println("3/6 evaluating " + run.resolve("best") + " on the test split");
        Path test = run.resolve("test");
        Evaluation e;
        FolderImages images;
        try (Classifier model = Classifier.load(run.resolve("best"))) {
            images = FolderImages.load(ImageFolder.open(data, "test"), IMGSZ, 3);
            e = Evaluation.of(model, images, 64);
            ClassificationReport.write(test, e, images);
        }
        System.out.printf(java.util.Locale.ROOT, "    test accuracy %.4f, f1_macro %.4f, roc_auc_macro %.4f%n",
                e.metrics().accuracy(), e.metrics().f1Macro(), e.metrics().rocAucMacro());

        System.out.println("4/6 explaining " + DemoExplanations.COUNT + " test galaxies with " + DemoExplanations.METHOD
                + " on " + DemoExplanations.LAYER);
        DemoExplanations x;
        try (Classifier model = Classifier.load(run.resolve("best"))) {
            x = DemoExplanations.run(model, e, images, survey.resolve("detect/annotations/instances_test.json"),
                    run.resolve(DemoExplanations.FOLDER));
        }
        System.out.printf(java.util.Locale.ROOT, "    deletion AUC %.4f, insertion AUC %.4f, %s (%.1f s)%n",
                x.summary.get("deletion_auc"), x.summary.get("insertion_auc"), x.summary.get("pointing_game") instanceof
                java.util.Map<?, ?> p ? "pointing game " + p.get("hits") + "/" + p.get("images") : "no clumpy galaxy",
                x.seconds);

        DemoDetection det = null;
        if (detectEpochs > 0) {
            Path detRun = out.resolve("detect");
            clearOwnRun(detRun);
            System.out.println("5/6 clump detection: " + DemoDetection.ARCH + " from scratch, " + detectEpochs
                    + " epochs at " + DemoDetection.IMGSZ + " px -> " + detRun);
            det = DemoDetection.run(survey, detRun, detectEpochs, seed);
            System.out.printf(java.util.Locale.ROOT, "    test completeness %.4f, purity %.4f, mAP50 %.4f (IoU %.1f,"
                    + " score %.2f; %.0f s)%n", det.evaluation.metrics().completeness(),
                    det.evaluation.metrics().purity(), det.evaluation.coco().stats()[1], DemoDetection.IOU,
                    DemoDetection.CONF, det.seconds);
        } else {
            System.out.println("5/6 clump detection: skipped (--detect-epochs 0)");
        }

        System.out.println("6/6 report");
        String prov = "Lumen " + org.lumen.core.Version.VERSION + ", commit " + System.getProperty("lumen.git.commit", "unknown")
                + ", seed " + seed + ", " + count + " galaxies, " + ARCH + " at " + IMGSZ + " px, " + epochs + " epochs";
        Path report = DemoReport.write(out, run, test, e, images, x, det, prov, (System.nanoTime() - start) / 1e9);
        System.out.println(report.toAbsolutePath());
        return Main.OK;
    }

    /**
     * The classifier's training settings: AdamW 2e-3, cosine schedule with one warm-up epoch (none for a one-epoch
     * run, which has no epoch to warm up before), science augmentation.
     */
    static TrainConfig classifierConfig(int epochs, long seed) {
        return TrainConfig.builder().epochs(epochs).batch(32).lr(2e-3).weightDecay(0.05).augment(Augment.SCIENCE)
                .monitor("accuracy").seed(seed).build();
    }

    /** The demo replaces its own previous run, and nothing else: a folder without a Lumen checkpoint is refused. */
    private static void clearOwnRun(Path run) throws IOException {
        if (!Files.exists(run)) {
            return;
        }
        if (!Files.isRegularFile(run.resolve("last").resolve(Checkpoints.STATE))
                && !Files.isRegularFile(run.resolve("results.csv"))) {
            throw new LumenException(run, "exists and is not a previous demo run; choose another --out");
        }
        AtomicFiles.deleteTree(run);
    }
}
