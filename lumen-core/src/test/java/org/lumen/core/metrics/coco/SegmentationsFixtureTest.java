package org.lumen.core.metrics.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.core.geometry.Rle;
import org.lumen.core.report.Json;
import org.lumen.core.testing.SharedFixtures;

/**
 * The segm fixtures' ground-truth areas and boxes were computed by pycocotools' mask API from the polygons
 * (merged per object) and crowd RLEs: our rasteriser, area and box must give exactly the same numbers, and
 * every compressed string must survive decode + encode unchanged.
 */
class SegmentationsFixtureTest {
    @ParameterizedTest
    @ValueSource(strings = {"case101", "case102"})
    void areasAndBoxesEqualPycocotools(String name) throws IOException {
        Path dir = SharedFixtures.resolve("coco-eval-segm/" + name);
        JsonNode gt = Json.mapper().readTree(dir.resolve("gt.json").toFile());
        Map<Long, int[]> sizes = new HashMap<>();
        gt.get("images").forEach(i -> sizes.put(i.get("id").asLong(), new int[] {i.get("height").asInt(),
            i.get("width").asInt()}));
        int polygons = 0;
        for (JsonNode a : gt.get("annotations")) {
            int[] size = sizes.get(a.get("image_id").asLong());
            Rle rle = Segmentations.toRle(a.get("segmentation"), size[0], size[1]);
            String id = "annotation " + a.get("id");
            assertEquals(a.get("area").asDouble(), rle.area(), 0, id);
            double[] box = new double[4];
            for (int k = 0; k < 4; k++) {
                box[k] = a.get("bbox").get(k).asDouble();
            }
            assertArrayEquals(box, rle.bbox(), 0, id);
            if (a.get("segmentation").isArray()) {
                polygons++;
            } else {
                assertEquals(a.get("segmentation").get("counts").asText(), rle.toCompressedString(), id);
            }
        }
        assertEquals(true, polygons > 100, "the fixture should exercise polygons");
        for (JsonNode d : Json.mapper().readTree(dir.resolve("dt.json").toFile())) {
            JsonNode s = d.get("segmentation");
            Rle rle = Segmentations.toRle(s, 0, 0);
            assertEquals(s.get("counts").asText(), rle.toCompressedString());
        }
    }
}
