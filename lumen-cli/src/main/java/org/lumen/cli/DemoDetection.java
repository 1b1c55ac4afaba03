package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lumen.core.data.DetectionData;
import org.lumen.core.image.BoxOverlay;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageOps;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.core.report.HtmlReport;
import org.lumen.nn.detect.DetectionEvaluation;
import org.lumen.nn.detect.DetectionReport;
import org.lumen.nn.detect.DetectionTraining;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.detect.PreparedDetections;
import org.lumen.nn.train.DetectionAugment;
import org.lumen.nn.train.Progress;
import org.lumen.nn.train.Provenance;
import org.lumen.nn.train.TrainConfig;

/**
 * The demo's clump detection: a small YOLO-style detector trained from scratch on the survey's clump boxes,
 * evaluated on the test split (completeness and purity at IoU 0.5, as the clump paper reports them, and COCO's
 * mAP50), with annotated test galaxies for the report.
 */
final class DemoDetection {
    static final String ARCH = "yolov8n";
    /** The survey's 64-pixel galaxies are enlarged to this size, so that 3-6 pixel clumps span a stride-8 cell. */
    static final int IMGSZ = 128;
    static final double IOU = 0.5;
    static final double CONF = 0.25;
    static final int EXAMPLES = 12;
    static final String FOLDER = "detect";
    /** The examples' legend ({@link BoxOverlay} draws the truth last, so a coinciding detection hides nothing). */
    static final String LEGEND = "white dashed, on top: true clumps; red with score: detections (score >= " + CONF + ")";

    final DetectionEvaluation evaluation;
    final Path run;
    final Path val;
    final List<Path> examples;
    final double seconds;

    private DemoDetection(DetectionEvaluation evaluation, Path run, Path val, List<Path> examples, double seconds) {
        this.evaluation = evaluation;
        this.run = run;
        this.val = val;
        this.examples = examples;
        this.seconds = seconds;
    }

    static DemoDetection run(Path survey, Path run, int epochs, long seed) throws IOException {
        long start = System.nanoTime();
        Path data = survey.resolve("detect");
        DetectionData train = DetectionData.read(data, "train", false, null);
        DetectionData val = DetectionData.read(data, "val", false, null);
        TrainConfig config = TrainConfig.builder().epochs(epochs).batch(16).lr(2e-3).weightDecay(0.0005)
                .augment(org.lumen.nn.train.Augment.NONE).monitor("map50").seed(seed).build();
        new DetectionTraining(ARCH, IMGSZ, null, config, DetectionAugment.SCIENCE, IOU, CONF,
                Provenance.of("lumen demo", data, seed, config)).withProgress(Progress.console()).run(train, val, run,
                false);
        DetectionData test = DetectionData.read(data, "test", false, null);
        Path out = run.resolve("test");
        List<Path> examples = new ArrayList<>();
        DetectionEvaluation e;
        try (Detector d = Detector.load(run.resolve("best"))) {
            PreparedDetections prepared = PreparedDetections.load(test, IMGSZ);
            e = DetectionEvaluation.of(d, prepared, 32, IOU, CONF, true, 0);
            DetectionReport.write(out, e, prepared);
            // annotated examples: the galaxies with the most clumps first
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < prepared.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingInt((Integer i) -> -e.truth().get(i).size()).thenComparing(i -> i));
            Path shown = run.resolve("examples");
            java.nio.file.Files.createDirectories(shown);
            for (int i : order.subList(0, Math.min(EXAMPLES, order.size()))) {
                Path file = test.items().get(i).image();
                Image im = org.lumen.core.image.ImageDecoder.read(file);
                Boxes kept = e.detections().get(i).above(CONF);
                Path png = shown.resolve(file.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".png");
                ImageOps.writePng(BoxOverlay.render(ImageOps.toChannels(im, 3), kept, e.truth().get(i),
                        d.info().classNames()), png);
                examples.add(png);
            }
        }
        return new DemoDetection(e, run, out, examples, (System.nanoTime() - start) / 1e9);
    }

    Map<String, Object> headline() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test galaxies", evaluation.truth().size());
        m.put("clumps", evaluation.truth().stream().mapToInt(Boxes::size).sum());
        m.put(String.format(Locale.ROOT, "completeness (IoU %.1f, score %.2f)", IOU, CONF),
                fmt(evaluation.metrics().completeness()));
        m.put(String.format(Locale.ROOT, "purity (IoU %.1f, score %.2f)", IOU, CONF), fmt(evaluation.metrics().purity()));
        m.put("mAP50", fmt(evaluation.coco().stats()[1]));
        m.put("mAP50-95", fmt(evaluation.coco().stats()[0]));
        m.put("inference", String.format(Locale.ROOT, "%.1f ms per image", evaluation.msPerImage()[1]));
        m.put("detection time (train + test)", String.format(Locale.ROOT, "%.0f s", seconds));
        return m;
    }

    void section(HtmlReport report, Path root) {
        report.section("Clump detection")
                .paragraph("A YOLOv8-style detector (" + ARCH + ", trained from scratch at " + IMGSZ + " px) finds the"
                        + " giant clumps; completeness is the share of true clumps found, purity the share of detections"
                        + " that are clumps, matched one to one at IoU " + IOU + " as in the clump paper. In the"
                        + " examples below: " + LEGEND + ".")
                .keyValues(headline())
                .figure(rel(root, val.resolve("pr_curve.png")), "Precision (purity) against recall (completeness)")
                .figure(rel(root, run.resolve("results.png")), "Detector training: losses and validation metrics per epoch")
                .grid(examples.stream().map(p -> new HtmlReport.GridCell(List.of(new HtmlReport.GridImage(rel(root, p),
                        p.getFileName().toString())), List.of(LEGEND),
                        HtmlReport.Outcome.NONE)).toList());
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p.toAbsolutePath().normalize()).toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
