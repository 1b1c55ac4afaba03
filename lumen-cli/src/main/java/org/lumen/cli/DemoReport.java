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
 * and a grid of test galaxies with their predictions (mistakes first). Paths are relative to the report, so
 * the demo folder can be moved or served as it is.
 */
final class DemoReport {
    /** Test images shown in the grid. */
    static final int GRID = 48;

    private DemoReport() {}

    static Path write(Path out, Path run, Path test, Evaluation e, LabeledImages images, String provenance,
            double seconds) throws IOException {
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
                .section("Test galaxies (mistakes first)")
                .grid(cells(root, e, images));
        Path file = root.resolve("report.html");
        report.write(file);
        return file;
    }

    private static List<HtmlReport.GridCell> cells(Path root, Evaluation e, LabeledImages images) {
        List<String> classes = e.metrics().classes();
        int[] predicted = e.metrics().predicted();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < predicted.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> predicted[i] == e.labels()[i]).thenComparing(i -> i));
        List<HtmlReport.GridCell> cells = new ArrayList<>();
        for (int i : order.subList(0, Math.min(GRID, order.size()))) {
            cells.add(HtmlReport.GridCell.classification(rel(root, Path.of(images.name(i))), classes.get(predicted[i]),
                    e.probabilities()[i][predicted[i]], classes.get(e.labels()[i])));
        }
        return cells;
    }

    private static String rel(Path root, Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
