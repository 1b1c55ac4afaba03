package org.lumen.nn.classify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.model.Classification;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.report.Csv;
import org.lumen.core.report.MetricsJson;
import org.lumen.core.report.Plots;

/**
 * The files of an evaluation: {@code metrics.json} and {@code predictions.csv} (DESIGN.md contracts) and the
 * plots {@code roc.png}, {@code pr.png}, {@code confusion_matrix.png}, written into a folder that is replaced
 * whole, so a failed evaluation never leaves a mixture of old and new files.
 */
public final class ClassificationReport {
    public static final String ROC = "roc.png";
    public static final String PR = "pr.png";
    public static final String CONFUSION = "confusion_matrix.png";

    private ClassificationReport() {}

    public static void write(Path folder, Evaluation e, FolderImages images) throws IOException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            names.add(images.name(i));
        }
        int[] predicted = new int[e.labels().length];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = Classification.argmax(e.probabilities()[i]);
        }
        AtomicFiles.writeFolder(folder, dir -> {
            MetricsJson.write(dir.resolve("metrics.json"), e.metrics());
            Csv.writePredictions(dir.resolve("predictions.csv"), e.metrics().classes(), names, e.labels(), predicted,
                    e.probabilities());
            Plots.roc(dir.resolve(ROC), e.metrics());
            Plots.precisionRecall(dir.resolve(PR), e.metrics());
            Plots.confusionMatrix(dir.resolve(CONFUSION), e.metrics().classes(), e.metrics().confusionMatrix());
        });
    }

}
