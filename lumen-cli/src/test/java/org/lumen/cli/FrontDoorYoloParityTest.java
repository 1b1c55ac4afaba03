package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The front door for YOLOv8: {@code lumen predict --arch yolov8n --weights W --classes 80 --imgsz 640 --json} on
 * scikit-image's astronaut (512 x 512), chelsea (300 x 451) and coffee (400 x 600), one image per batch and all in
 * one, against a plain-torch YOLOv8n under Ultralytics' parameter names with calibrated batch norms
 * ({@code frontdoor/yolo_reference.py}): the same resize, decode, confidence 0.25, class-wise NMS at IoU 0.7 and at
 * most 300 detections. At least 95% of each side's detections matched on the other (IoU >= 0.9, the same label,
 * score within 1e-3); measured: all of them (300, 1 and 259). The same for YOLOv8n-seg ({@code --arch yolov8n-seg},
 * Ultralytics' Segment head), whose matched masks' median IoU must be at least 0.99 against the reference's
 * {@code process_mask} at the image's own size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorYoloParityTest {
    private static final Path DIR = Paths.get("target", "frontdoor", "yolo").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    void reference() {
        FrontDoor.reference(DIR, "yolo_reference.py", DIR.toString());
        FrontDoor.reference(DIR, "yolo_reference.py", DIR.toString(), "seg");
    }

    @ParameterizedTest
    @CsvSource({"yolov8n, 1", "yolov8n, 3", "yolov8n-seg, 1", "yolov8n-seg, 3"})
    void predictEqualsReferenceAt640(String arch, int batch) throws Exception {
        Cli.Result r = Cli.run("predict", "--arch", arch, "--weights", DIR.resolve(arch + ".safetensors"),
                "--classes", 80, "--imgsz", 640, "--batch", batch, "--json", DIR.resolve("images"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode ref = JSON.readTree(Files.readString(DIR.resolve(arch + ".json")));
        List<JsonNode> lines = FrontDoor.jsonLinesByImage(r.out());
        assertEquals(3, lines.size(), r::toString);
        int total = 0;
        for (JsonNode line : lines) {
            String name = Path.of(line.get("image").asText()).getFileName().toString();
            JsonNode want = ref.get(name);
            JsonNode got = line.get("detections");
            int[] toGot = FrontDoor.matches(want, got);
            long a = Arrays.stream(toGot).filter(j -> j >= 0).count();
            long b = Arrays.stream(FrontDoor.matches(got, want)).filter(j -> j >= 0).count();
            System.out.printf("front door %s batch %d %s: %d of %d reference detections matched, %d of %d of "
                    + "Lumen's%n", arch, batch, name, a, want.size(), b, got.size());
            assertTrue(a >= 0.95 * want.size(), arch + " " + name + ": " + a + " of " + want.size() + " matched");
            assertTrue(b >= 0.95 * got.size(), arch + " " + name + ": " + b + " of " + got.size() + " matched");
            if (arch.endsWith("-seg")) {
                double median = FrontDoor.medianMaskIou(DIR.resolve(arch + "." + name + ".masks.npy"), got, toGot);
                System.out.printf("front door %s batch %d %s: median mask IoU %.4f%n", arch, batch, name, median);
                assertTrue(median >= 0.99, arch + " " + name + ": median mask IoU " + median);
            }
            total += want.size();
        }
        assertTrue(total >= 300, "the reference kept only " + total + " detections over the three photographs");
    }
}
