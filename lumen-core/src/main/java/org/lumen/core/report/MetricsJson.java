package org.lumen.core.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lumen.core.metrics.ClassMetrics;
import org.lumen.core.metrics.ClassificationMetrics;

/**
 * The {@code metrics.json} contract for classification (DESIGN.md section 3): {@code classes},
 * {@code accuracy}, {@code precision_macro}, {@code recall_macro}, {@code f1_macro}, {@code specificity_macro},
 * {@code roc_auc_macro}, {@code average_precision_macro}, {@code confusion_matrix} (rows = true class) and
 * {@code per_class.<name>.{precision, recall, f1, specificity, roc_auc, average_precision, support}}, in that
 * order. Undefined values (see {@link ClassificationMetrics}) are {@code null}.
 */
public final class MetricsJson {
    private MetricsJson() {}

    /** The contract's keys and values, in order, ready for {@link Json}. */
    public static Map<String, Object> of(ClassificationMetrics m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("classes", m.classes());
        json.put("accuracy", m.accuracy());
        json.put("precision_macro", m.precisionMacro());
        json.put("recall_macro", m.recallMacro());
        json.put("f1_macro", m.f1Macro());
        json.put("specificity_macro", m.specificityMacro());
        json.put("roc_auc_macro", m.rocAucMacro());
        json.put("average_precision_macro", m.averagePrecisionMacro());
        json.put("confusion_matrix", m.confusionMatrix().toArray());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (ClassMetrics c : m.perClass()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("precision", c.precision());
            entry.put("recall", c.recall());
            entry.put("f1", c.f1());
            entry.put("specificity", c.specificity());
            entry.put("roc_auc", c.rocAuc());
            entry.put("average_precision", c.averagePrecision());
            entry.put("support", c.support());
            perClass.put(c.name(), entry);
        }
        json.put("per_class", perClass);
        return json;
    }

    /** Writes {@code OUT/metrics.json} atomically. */
    public static void write(Path file, ClassificationMetrics m) throws IOException {
        Json.write(file, of(m));
    }
}
