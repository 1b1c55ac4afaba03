package org.lumen.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.metrics.ClassificationMetrics;

class MetricsJsonTest {
    @TempDir
    Path dir;

    /* The hand example of ClassificationMetricsTest plus a class "none" that never occurs. */
    @Test
    void writesExactlyTheContractKeys() throws IOException {
        double[][] p = {{0.9, 0.1, 0}, {0.6, 0.4, 0}, {0.65, 0.35, 0}, {0.2, 0.8, 0}};
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0, 1, 1}, p, List.of("healthy", "tb", "none"));
        Path file = dir.resolve("metrics.json");
        MetricsJson.write(file, m);
        JsonNode json = Json.mapper().readTree(file.toFile());

        assertEquals(List.of("classes", "accuracy", "precision_macro", "recall_macro", "f1_macro", "specificity_macro",
                "roc_auc_macro", "average_precision_macro", "confusion_matrix", "per_class"), names(json));
        assertEquals("[\"healthy\",\"tb\",\"none\"]", json.get("classes").toString());
        assertEquals(0.75, json.get("accuracy").asDouble());
        assertEquals(0.75, json.get("roc_auc_macro").asDouble()); // "none" has no AUC and is left out
        assertEquals("[[2,0,0],[1,1,0],[0,0,0]]", json.get("confusion_matrix").toString());
        assertEquals(List.of("healthy", "tb", "none"), names(json.get("per_class")));
        JsonNode none = json.get("per_class").get("none");
        assertEquals(List.of("precision", "recall", "f1", "specificity", "roc_auc", "average_precision", "support"), names(none));
        assertTrue(none.get("roc_auc").isNull());
        assertTrue(none.get("average_precision").isNull());
        assertEquals(0, none.get("support").asLong());
        assertEquals(2, json.get("per_class").get("tb").get("support").asLong());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
