package org.lumen.core.metrics.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lumen.core.report.Json;
import org.lumen.core.testing.SharedFixtures;

/**
 * The 12 statistics equal pycocotools' (its {@code COCOeval.stats}, stored as {@code ref.json} beside each
 * case) to 1e-9, for boxes and for masks (polygons and compressed RLE).
 */
class CocoEvalFixturesTest {
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"coco-eval, case101, BBOX", "coco-eval, case102, BBOX", "coco-eval, case103, BBOX",
        "coco-eval-segm, case101, SEGM", "coco-eval-segm, case102, SEGM"})
    void statsEqualPycocotools(String set, String name, IouType type) throws IOException {
        Path dir = SharedFixtures.resolve(set + "/" + name);
        CocoEvaluation e = CocoEval.evaluate(dir.resolve("gt.json"), dir.resolve("dt.json"), type);
        JsonNode ref = Json.mapper().readTree(dir.resolve("ref.json").toFile());
        double[] stats = e.stats();
        double worst = 0;
        for (int i = 0; i < stats.length; i++) {
            String key = CocoEvaluation.STAT_NAMES.get(i);
            assertEquals(ref.get(key).asDouble(), stats[i], 1e-9, key);
            worst = Math.max(worst, Math.abs(ref.get(key).asDouble() - stats[i]));
        }
        System.out.printf("%s/%s %s: max |diff| %.3g%n", set, name, type, worst);
    }
}
