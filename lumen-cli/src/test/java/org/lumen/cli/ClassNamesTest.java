package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.testing.Python;
import org.lumen.nn.model.ModelInfo;

/**
 * Class names for bare weights: torchvision's own lists (read from torchvision 0.14 through Debian's Python) for
 * 1000-class classifiers and COCO detectors, {@code --names FILE} for others, a names file of the wrong length or
 * with an empty line refused as {@code error: FILE: ...} with exit 2 and nothing printed.
 */
class ClassNamesTest {
    @TempDir
    static Path dir;
    static Path weights;
    static Path image;

    @BeforeAll
    static void model() throws Exception {
        weights = TestModels.save(dir.resolve("m1000"), ModelInfo.anonymousClasses(1000)).resolve("weights.safetensors");
        image = dir.resolve("im.png");
        BufferedImage im = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        im.setRGB(3, 5, 0xff8800);
        ImageIO.write(im, "png", image.toFile());
    }

    private static List<String> torchvision(String expression) {
        return Python.run(dir, "from torchvision.models import _meta\nprint('\\n'.join(" + expression + "))").lines().toList();
    }

    @Test
    void thousandClassesGetTorchvisionsImagenetNamesInPredictJson() throws Exception {
        Cli.Result r = Cli.run("predict", "--arch", "resnet18", "--weights", weights, "--classes", 1000, "--imgsz", 32,
                "--top", 1000, "--json", image);
        assertEquals(0, r.exit(), r.toString());
        JsonNode top = new ObjectMapper().readTree(r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow())
                .get("top");
        assertEquals(1000, top.size());
        List<String> expected = torchvision("_meta._IMAGENET_CATEGORIES");
        assertEquals(1000, expected.size());
        for (JsonNode t : top) {
            assertEquals(expected.get(t.get("index").asInt()), t.get("class").asText());
        }
        String byIndex = r.out();
        assertTrue(byIndex.contains("{\"index\":0,\"class\":\"tench\""), "index 0 is tench");
        assertTrue(byIndex.contains("{\"index\":281,\"class\":\"tabby\""), "index 281 is tabby");
    }

    @Test
    void cocoDetectorsGetTorchvisionsCategoriesLessTheBackground() {
        List<String> tv = torchvision("_meta._COCO_CATEGORIES");
        assertEquals(91, tv.size());
        List<String> rcnn = ClassNames.forWeights("fasterrcnn_resnet50_fpn", 90, true, null);
        assertEquals(tv.subList(1, 91), rcnn); // Lumen's label l is torchvision's l + 1
        assertEquals("person", rcnn.get(0));
        assertEquals("N/A", rcnn.get(11)); // torchvision label 12, an id COCO never used
        assertEquals("toothbrush", rcnn.get(89));
        List<String> yolo = ClassNames.forWeights("yolov8n", 80, true, null);
        assertEquals(tv.stream().skip(1).filter(n -> !n.equals("N/A")).toList(), yolo);
        assertEquals("stop sign", yolo.get(11));
        assertEquals(ModelInfo.anonymousClasses(90), ClassNames.forWeights("resnet18", 90, false, null));
        assertEquals(ModelInfo.anonymousClasses(1000), ClassNames.forWeights("yolov8n", 1000, true, null));
    }

    @Test
    void namesFileNamesTheClasses() throws Exception {
        Path three = TestModels.save(dir.resolve("m3"), List.of("a", "b", "c")).resolve("weights.safetensors");
        Path names = Files.writeString(dir.resolve("names.txt"), "cat\n dog \nbird");
        Cli.Result j = Cli.run("predict", "--arch", "resnet18", "--weights", three, "--classes", 3, "--imgsz", 32,
                "--names", names, "--top", 3, "--json", image);
        assertEquals(0, j.exit(), j.toString());
        JsonNode top = new ObjectMapper().readTree(j.out().strip()).get("top");
        assertEquals(3, top.size());
        for (JsonNode t : top) {
            assertEquals(List.of("cat", "dog", "bird").get(t.get("index").asInt()), t.get("class").asText(), j.out());
        }
    }

    @Test
    void badNamesFilesAreRefused() throws Exception {
        Path three = TestModels.save(dir.resolve("m3b"), List.of("a", "b", "c")).resolve("weights.safetensors");
        Path two = Files.writeString(dir.resolve("two.txt"), "cat\ndog\n");
        Path gap = Files.writeString(dir.resolve("gap.txt"), "cat\n\nbird\n");
        for (Object[] c : new Object[][] {{two, "2 names for 3 classes (--classes)"}, {gap, "line 2 is empty"},
            {dir.resolve("none.txt"), "no such file"}}) {
            Cli.Result r = Cli.run("predict", "--arch", "resnet18", "--weights", three, "--classes", 3, "--imgsz", 32,
                    "--names", c[0], "--json", image);
            assertEquals(2, r.exit(), r.toString());
            assertEquals("", r.out(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
            assertTrue(r.errLines().get(0).startsWith("error: " + c[0] + ": " + c[1]), r.toString());
        }
        Cli.Result withModel = Cli.run("predict", "--model", dir.resolve("m3b"), "--names", two, image);
        assertEquals(2, withModel.exit(), withModel.toString());
        assertTrue(withModel.err().startsWith("error: "), withModel.toString());
    }
}
