package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

class CocoReaderTest {
    @TempDir
    Path dir;

    private static final String IMAGES = """
            "images": [
              {"id": 1, "file_name": "a.png", "width": 64, "height": 64},
              {"id": 3, "file_name": "b.png", "width": 64, "height": 48},
              {"id": 3, "file_name": "c.png", "width": 64, "height": 64},
              {"id": 4, "file_name": "missing.png", "width": 0, "height": 64}
            ],
            "categories": [{"id": 1, "name": "clump"}]""";

    /** A file with one of every fault; all must be reported, each at its place. */
    @Test
    void everyFaultIsListedWithItsLocation() throws IOException {
        Files.writeString(dir.resolve("a.png"), "x");
        Files.writeString(dir.resolve("b.png"), "x");
        Path json = Files.writeString(dir.resolve("bad.json"), "{" + IMAGES + """
                , "annotations": [
                  {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5]},
                  {"id": 11, "image_id": 3, "category_id": 1, "bbox": [60, 40, 10, 10]},
                  {"id": 12, "image_id": 1, "category_id": 7, "bbox": [1, 1, 0, 5]},
                  {"id": 12, "image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2]},
                  {"id": 14, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2]}
                ]}""");
        LumenException e = assertThrows(LumenException.class, () -> CocoReader.read(json, dir));
        assertEquals(json.toString(), e.source());
        assertEquals(List.of(
                "8 faults",
                "  images[2] (id 3): duplicate image id 3",
                "  images[3] (id 4): non-positive width 0",
                "  annotations[1] (id 11): box [60, 40, 10, 10] outside image 3 (64x48)",
                "  annotations[2] (id 12): unknown category id 7",
                "  annotations[2] (id 12): non-positive box size [1, 1, 0, 5]",
                "  annotations[3] (id 12): duplicate annotation id 12",
                "  annotations[3] (id 12): unknown image id 9",
                "  annotations[4] (id 14): \"bbox\" should be [x, y, width, height], found [1,1,2]"),
                e.getMessage().lines().toList());
    }

    @Test
    void missingImageFilesAreFaultsWhenARootIsGiven() throws IOException {
        Path json = Files.writeString(dir.resolve("a.json"), """
                {"images": [{"id": 5, "file_name": "gone.png", "width": 8, "height": 8}],
                 "categories": [{"id": 1, "name": "x"}], "annotations": []}""");
        assertEquals(1, CocoReader.read(json, null).images().size());
        LumenException e = assertThrows(LumenException.class, () -> CocoReader.read(json, dir));
        assertEquals("  images[0] (id 5): image file not found: " + dir.resolve("gone.png"), e.getMessage().lines().toList().get(1));
    }

    @Test
    void fixClipsAndDropsAndReportsTheChanges() throws IOException {
        Path json = Files.writeString(dir.resolve("fix.json"), """
                {"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}],
                 "categories": [{"id": 1, "name": "clump"}],
                 "annotations": [
                   {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25},
                   {"id": 2, "image_id": 1, "category_id": 1, "bbox": [60, -2, 10, 10], "segmentation": [[60, 0, 64, 0, 64, 8]], "area": 16},
                   {"id": 3, "image_id": 1, "category_id": 1, "bbox": [70, 10, 5, 5]}
                 ]}""");
        CocoReader.Fixed fixed = CocoReader.readFixing(json, null);
        assertEquals(List.of(
                "annotations[1] (id 2): clipped box [60, -2, 10, 10] to [60, 0, 4, 8] inside image 1 (64x48)",
                "annotations[2] (id 3): dropped box [70, 10, 5, 5], no area inside image 1 (64x48)"), fixed.changes());
        List<CocoDataset.Annotation> annotations = fixed.dataset().annotations();
        assertEquals(2, annotations.size());
        CocoDataset.Annotation clipped = annotations.get(1);
        assertEquals(List.of(60.0, 0.0, 4.0, 8.0), List.of(clipped.x(), clipped.y(), clipped.width(), clipped.height()));
        assertEquals(16, clipped.area()); // a segmentation's area is not the box's
        assertEquals("[[60,0,64,0,64,8]]", clipped.segmentation().toString());
    }

    @Test
    void writeThenReadGivesTheSameDataset() throws IOException {
        CocoDataset dataset = new CocoDataset(
                List.of(new CocoDataset.Image(1, "a.png", 64, 64), new CocoDataset.Image(2, "b.png", 32, 16)),
                List.of(new CocoDataset.Annotation(1, 2, 1, 1.5, 2.25, 10, 4, 40, 0, null)),
                List.of(new CocoDataset.Category(1, "clump", null)));
        Path json = dir.resolve("out/instances.json");
        dataset.write(json);
        assertEquals(dataset, CocoReader.read(json, null));
    }

    @Test
    void malformedJsonSaysWhere() throws IOException {
        Path json = Files.writeString(dir.resolve("broken.json"), "{\"images\": [\n  {\"id\": 1,,}]}");
        LumenException e = assertThrows(LumenException.class, () -> CocoReader.read(json, null));
        assertEquals(true, e.getMessage().contains("line 2"), e.getMessage());
    }
}
