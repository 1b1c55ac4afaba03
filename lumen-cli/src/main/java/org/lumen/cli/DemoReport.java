package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lumen.core.metrics.ClassMetrics;
import org.lumen.core.metrics.ClassificationMetrics;
import org.lumen.core.report.HtmlReport;
import org.lumen.nn.classify.ClassificationReport;
import org.lumen.nn.classify.ClassifierTraining;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.train.LabeledImages;

/**
 * The demo's HTML report: headline test metrics, training curves, ROC/PR/confusion plots, the per-class table,
 * Grad-CAM explanations of a few test galaxies with their quality metrics, and a grid of test galaxies with their
 * predictions (mistakes first; explained ones with their overlay). Paths are relative to the report, so
 * the demo folder can be moved or served as it is.
 */
final class DemoReport {
    /** Test images shown in the grid. */
    static final int GRID = 48;

    private DemoReport() {}

    static Path write(Path out, Path run, Path test, Evaluation e, LabeledImages images, DemoExplanations x,
            DemoDetection detection, String provenance, double seconds) throws IOException {
        Path root = out.toAbsolutePath().normalize();
        ClassificationMetrics m = e.metrics();
        Map<String, Object> headline = new LinkedHashMap<>();
        headline.put("test images", e.labels().length);
        headline.put("accuracy", fmt(m.accuracy()));
        headline.put("precision (macro)", fmt(m.precisionMacro()));
        headline.put("sensitivity / recall (macro)", fmt(m.recallMacro()));
        headline.put("specificity (macro)", fmt(m.specificityMacro()));
        headline.put("F1 (macro)", fmt(m.f1Macro()));
        headline.put("ROC AUC (macro)", fmt(m.rocAucMacro()));
        headline.put("average precision (macro)", fmt(m.averagePrecisionMacro()));
        headline.put("demo time", String.format(Locale.ROOT, "%.0f s", seconds));

        List<List<?>> perClass = new ArrayList<>();
        for (ClassMetrics c : m.perClass()) {
            perClass.add(List.of(c.name(), fmt(c.precision()), fmt(c.recall()), fmt(c.f1()), fmt(c.specificity()),
                    fmt(c.rocAuc()), fmt(c.averagePrecision()), c.support()));
        }

        HtmlReport report = new HtmlReport("Lumen demo: giant star-forming clumps in a synthetic galaxy survey")
                .subtitle(provenance)
                .section("Test split")
                .paragraph("A ResNet-18 trained from scratch to tell clumpy from smooth galaxies, evaluated on galaxies it never saw.")
                .keyValues(headline)
                .table(List.of("class", "precision", "recall", "F1", "specificity", "ROC AUC", "AP", "support"), perClass)
                .section("Training")
                .figure(rel(root, run.resolve(ClassifierTraining.CURVES)), "Loss, learning rate and validation metrics per epoch")
                .section("Curves")
                .figure(rel(root, test.resolve(ClassificationReport.ROC)), "ROC curves, one-vs-rest")
                .figure(rel(root, test.resolve(ClassificationReport.PR)), "Precision-recall curves")
                .figure(rel(root, test.resolve(ClassificationReport.CONFUSION)), "Confusion matrix (rows: true class)")
                .section("Explanations")
                .paragraph(String.format(Locale.ROOT, "Grad-CAM on %s (8 x 8 at this 64-pixel input; layer4 is 2 x 2 and"
                        + " layer3 4 x 4, too coarse to point at clumps) for %d test galaxies, mistakes first. Deletion: the"
                        + " predicted class's probability as the most highlighted pixels are set to the mean colour"
                        + " (lower area is better); insertion: as they are restored into a blurred image (higher is"
                        + " better); ROAD combined: (least- minus most-relevant-first change) / 2 with noisy linear"
                        + " imputation (higher is better). An image of the mean colour looks smooth to this model, so the"
                        + " deletion of smooth galaxies' maps stays high whatever the map: read deletion per class."
                        + " Pointing game: the map's maximum within %.1f px (the"
                        + " paper's 15 px at 224) of a clump box, over the truly clumpy galaxies.",
                        DemoExplanations.LAYER, x.shown.size(), x.tolerance))
                .keyValues(explanationSummary(x, e, images))
                .figure(rel(root, x.curves), "Mean deletion and insertion curves of the explained galaxies")
                .grid(x.shown.keySet().stream().map(i -> cell(root, e, images, x, i)).toList());
        if (detection != null) {
            detection.section(report, root);
        }
        report.section("Test galaxies (mistakes first)")
                .grid(cells(root, e, images, x));
        Path file = root.resolve("report.html");
        report.write(file);
        return file;
    }

    private static Map<String, Object> explanationSummary(DemoExplanations x, Evaluation e, LabeledImages images) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", DemoExplanations.METHOD + " on " + DemoExplanations.LAYER);
        m.put("galaxies explained", x.shown.size());
        if (x.summary.get("pointing_game") instanceof Map<?, ?> p) {
            m.put("pointing game (clumpy galaxies vs clump boxes)", String.format(Locale.ROOT, "%s of %s hit (%.2f)",
                    p.get("hits"), p.get("images"), ((Number) p.get("hit_rate")).doubleValue()));
        }
        m.put("mean deletion AUC (lower is better)", fmt((Double) x.summary.get("deletion_auc")));
        m.put("mean insertion AUC (higher is better)", fmt((Double) x.summary.get("insertion_auc")));
        m.put("mean ROAD combined (higher is better)", fmt((Double) x.summary.get("road_combined")));
        List<String> classes = e.metrics().classes();
        for (int c = 0; c < classes.size(); c++) {
            int cls = c;
            List<DemoExplanations.Shown> of = x.shown.entrySet().stream().filter(en -> images.label(en.getKey()) == cls)
                    .map(Map.Entry::getValue).toList();
            if (!of.isEmpty()) {
                m.put("deletion / insertion AUC, true " + classes.get(c), String.format(Locale.ROOT,
                        "%.4f / %.4f (%d galaxies)", of.stream().mapToDouble(v -> v.scores().deletion().auc()).average()
                        .orElseThrow(), of.stream().mapToDouble(v -> v.scores().insertion().auc()).average().orElseThrow(),
                        of.size()));
            }
        }
        m.put("explanation time", String.format(Locale.ROOT, "%.1f s", x.seconds));
        return m;
    }

    private static List<HtmlReport.GridCell> cells(Path root, Evaluation e, LabeledImages images, DemoExplanations x) {
        int[] predicted = e.metrics().predicted();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < predicted.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> predicted[i] == e.labels()[i]).thenComparing(i -> i));
        List<HtmlReport.GridCell> cells = new ArrayList<>();
        for (int i : order.subList(0, Math.min(GRID, order.size()))) {
            cells.add(cell(root, e, images, x, i));
        }
        return cells;
    }

    /** The classification cell of test image {@code i}; an explained galaxy also shows its overlay and scores. */
    private static HtmlReport.GridCell cell(Path root, Evaluation e, LabeledImages images, DemoExplanations x, int i) {
        List<String> classes = e.metrics().classes();
        int p = e.metrics().predicted()[i];
        HtmlReport.GridCell c = HtmlReport.GridCell.classification(rel(root, Path.of(images.name(i))), classes.get(p),
                e.probabilities()[i][p], classes.get(e.labels()[i]));
        DemoExplanations.Shown shown = x.shown.get(i);
        if (shown == null) {
            return c;
        }
        List<HtmlReport.GridImage> imgs = new ArrayList<>(List.of(new HtmlReport.GridImage(c.images().get(0).path(),
                "input")));
        imgs.add(new HtmlReport.GridImage(rel(root, shown.overlay()), DemoExplanations.METHOD));
        List<String> caption = new ArrayList<>(c.caption());
        caption.add(String.format(Locale.ROOT, "deletion %.3f, insertion %.3f", shown.scores().deletion().auc(),
                shown.scores().insertion().auc()));
        if (shown.scores().pointing() != null) {
            caption.add("pointing game: " + (shown.scores().pointing().hit() ? "hit" : "miss"));
        }
        return new HtmlReport.GridCell(imgs, caption, c.outcome());
    }

    private static String rel(Path root, Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
