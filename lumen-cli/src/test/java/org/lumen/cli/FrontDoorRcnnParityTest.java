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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The front door for torchvision's R-CNNs: {@code lumen predict --arch fasterrcnn_resnet50_fpn|maskrcnn_resnet50_fpn
 * --weights W --classes 90 --imgsz 800 --json} on real photographs at their own sizes (astronaut 512 x 512, chelsea
 * 300 x 451, and astronaut's top 480 rows, where float32 arithmetic decides the resized height), with torchvision
 * 0.14's weights made realistic (backbone norms calibrated on the photographs), against torchvision's detections
 * at min_size 800 / max_size 1333: at least 95% of each side's detections matched on the other (IoU >= 0.9, the
 * same label, score within 1e-3), and for Mask R-CNN the matched masks' median IoU at least 0.99.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorRcnnParityTest {
    private static final Path DIR = Paths.get("target", "frontdoor", "rcnn").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    void references() {
        FrontDoor.reference(DIR, "rcnn_reference.py", DIR.toString(), "fasterrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fasterrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn"})
    void predictEqualsTorchvisionAt800(String arch) throws Exception {
        Cli.Result r = Cli.run("predict", "--arch", arch, "--weights", DIR.resolve(arch + ".safetensors"),
                "--classes", 90, "--imgsz", 800, "--conf", 0.05, "--max-det", 100, "--json", DIR.resolve("images"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode ref = JSON.readTree(Files.readString(DIR.resolve(arch + ".json")));
        List<JsonNode> lines = FrontDoor.jsonLinesByImage(r.out());
        assertEquals(3, lines.size(), r::toString);
        boolean masks = arch.startsWith("maskrcnn");
        for (JsonNode line : lines) {
            String name = Path.of(line.get("image").asText()).getFileName().toString();
            JsonNode want = ref.get(name);
            JsonNode got = line.get("detections");
            assertTrue(want.size() >= 50, name + ": torchvision gave only " + want.size() + " detections");
            int[] toGot = FrontDoor.matches(want, got);
            int[] toWant = FrontDoor.matches(got, want);
            long a = Arrays.stream(toGot).filter(j -> j >= 0).count();
            long b = Arrays.stream(toWant).filter(j -> j >= 0).count();
            System.out.printf("front door %s %s: %d of %d torchvision detections matched, %d of %d of Lumen's%n", arch,
                    name, a, want.size(), b, got.size());
            assertTrue(a >= 0.95 * want.size(), arch + " " + name + ": " + a + " of " + want.size() + " matched");
            assertTrue(b >= 0.95 * got.size(), arch + " " + name + ": " + b + " of " + got.size() + " matched");
            if (masks) {
                double median = FrontDoor.medianMaskIou(DIR.resolve(arch + "." + name + ".masks.npy"), got, toGot);
                System.out.printf("front door %s %s: median mask IoU %.4f%n", arch, name, median);
                assertTrue(median >= 0.99, arch + " " + name + ": median mask IoU " + median);
            }
        }
    }
}
