package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.detect.Detector;

/**
 * {@code benchmark}'s sources and modes: {@code --method}/{@code --layer} (an explanation timed), {@code --model}
 * (a model directory: its arch, size and task), detector archs (their default size, masks included) and the
 * refusals of bad values, each one {@code error:} line and exit 2. Timings are only checked to be consistent (ms per
 * image and images/s are reciprocal, at least three batches), never against a clock.
 */
class BenchmarkCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode ok(Cli.Result r) throws IOException {
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.outLines().size(), r.toString());
        JsonNode o = JSON.readTree(r.out());
        assertTrue(o.get("iterations").asInt() >= 3, r.out());
        double ms = o.get("ms_per_image").asDouble();
        assertTrue(ms > 0, r.out());
        assertEquals(1000 / ms, o.get("images_per_second").asDouble(), 1e-3 * (1000 / ms) + 2e-3, r.out());
        return o;
    }

    private static void refused(Cli.Result r, String start) {
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith(start), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void attackTimesAnAttack() throws IOException {
        JsonNode o = ok(Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--batch", 2, "--attack", "pgd",
                "--steps", 2, "--seconds", 0.05, "--json"));
        assertEquals("pgd", o.get("attack").asText());
        assertEquals(2, o.get("steps").asInt());
        assertTrue(o.get("ms_per_image").asDouble() > 0);
        refused(Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--attack", "pgd", "--method", "gradcam",
                "--seconds", 0.05), "error: --attack: times an attack; --method times an explanation: give one");
        refused(Cli.run("benchmark", "--arch", "yolov8n", "--attack", "pgd", "--seconds", 0.05),
                "error: --attack: attack speed is measured for classifiers");
    }

    @Test
    void methodAndLayerTimeAnExplanation() throws IOException {
        JsonNode o = ok(Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--batch", 2, "--classes", 3,
                "--method", "gradcam", "--layer", "layer3", "--seconds", 0.05, "--json"));
        assertEquals("gradcam", o.get("method").asText());
        assertEquals("layer3", o.get("layer").asText());
        assertEquals("classify", o.get("task").asText());
        assertEquals(32, o.get("imgsz").asInt());
        assertTrue(o.get("model").isNull());
        // an attribution without a layer; text output names the method
        Cli.Result r = Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--batch", 1, "--classes", 3,
                "--method", "saliency", "--seconds", 0.05);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("resnet18 saliency 32x32 batch 1: "), r.out());
        assertTrue(r.out().contains(" ms/image, "), r.out());
    }

    @Test
    void badMethodOrLayerIsRefused() {
        refused(Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--method", "gradcom", "--seconds", 0.05),
                "error: --method: unknown method 'gradcom'");
        refused(Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--method", "gradcam", "--layer", "layer9",
                "--seconds", 0.05), "error: --layer: no layer 'layer9'");
        refused(Cli.run("benchmark", "--arch", "resnet18", "--layer", "layer4"), "error: --layer: ");
        refused(Cli.run("benchmark", "--arch", "yolov8n", "--imgsz", 64, "--method", "gradcam"),
                "error: --method: explanation speed is measured for classifiers; this model's task is detect");
        refused(Cli.run("benchmark", "--arch", "unet", "--imgsz", 64, "--method", "gradcam"),
                "error: --method: explanation speed is measured for classifiers; this model's task is segment");
    }

    @Test
    void modelDirectoryIsTimedAtItsOwnSize() throws IOException {
        Path dir = TestModels.save(tmp.resolve("clf"), List.of("a", "b"), "resnet18");
        JsonNode o = ok(Cli.run("benchmark", "--model", dir, "--batch", 2, "--seconds", 0.05, "--json"));
        assertEquals("resnet18", o.get("arch").asText());
        assertEquals(dir.toString(), o.get("model").asText());
        assertEquals(32, o.get("imgsz").asInt(), "the model's own input size");
        assertEquals(48, ok(Cli.run("benchmark", "--model", dir, "--imgsz", 48, "--batch", 1, "--seconds", 0.05,
                "--json")).get("imgsz").asInt());
        JsonNode cam = ok(Cli.run("benchmark", "--model", dir, "--batch", 1, "--method", "gradcam++", "--seconds",
                0.05, "--json"));
        assertEquals("gradcam++", cam.get("method").asText());

        float[][] norm = ModelInfo.defaultNormalisation(3);
        Path det = tmp.resolve("det");
        try (Detector d = Detector.create(new ModelInfo("detect", "yolov8n", List.of("star", "galaxy"), 64, 3,
                norm[0], norm[1], null), 0)) {
            d.save(det, null);
        }
        JsonNode yo = ok(Cli.run("benchmark", "--model", det, "--batch", 2, "--seconds", 0.05, "--json"));
        assertEquals("detect", yo.get("task").asText());
        assertEquals("yolov8n", yo.get("arch").asText());
        assertEquals(64, yo.get("imgsz").asInt());
    }

    @Test
    void badModelOrSourceIsRefused() {
        refused(Cli.run("benchmark", "--model", tmp.resolve("nothing"), "--seconds", 0.05),
                "error: " + tmp.resolve("nothing") + ": is not a model directory");
        refused(Cli.run("benchmark", "--model", tmp, "--arch", "resnet18"), "error: ");
        refused(Cli.run("benchmark", "--seconds", 1), "error: ");
        refused(Cli.run("benchmark", "--arch", "resnet18", "--classes", 0), "error: --classes: must be between 1");
        refused(Cli.run("benchmark", "--arch", "yolov9x", "--seconds", 0.05), "error: --arch: ");
    }

    @Test
    void detectorArchsGetTheirDefaultSize() throws IOException {
        JsonNode y = ok(Cli.run("benchmark", "--arch", "yolov8n", "--classes", 2, "--batch", 1, "--seconds", 0.01,
                "--json"));
        assertEquals("detect", y.get("task").asText());
        assertEquals(640, y.get("imgsz").asInt(), "YOLO's default size, as Ultralytics'");
        JsonNode m = ok(Cli.run("benchmark", "--arch", "fasterrcnn_resnet18_fpn", "--classes", 2, "--imgsz", 64,
                "--batch", 1, "--seconds", 0.01, "--json"));
        assertEquals("detect", m.get("task").asText());
        assertEquals(64, m.get("imgsz").asInt());
        Cli.Result seg = Cli.run("benchmark", "--arch", "yolov8n-seg", "--classes", 2, "--imgsz", 64, "--batch", 1,
                "--seconds", 0.01);
        assertEquals(0, seg.exit(), seg.toString());
        assertTrue(seg.out().startsWith("yolov8n-seg (detect) 64x64 batch 1: "), seg.out());
    }
}
