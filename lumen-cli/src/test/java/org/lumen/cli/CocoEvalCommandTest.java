package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lumen.core.report.Json;
import org.lumen.core.testing.SharedFixtures;

/** {@code lumen coco-eval}: pycocotools' numbers on the shared fixtures, and one {@code error:} line for bad input. */
class CocoEvalCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run lumen(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"coco-eval, case101, bbox", "coco-eval, case102, bbox", "coco-eval, case103, bbox",
        "coco-eval-segm, case101, segm", "coco-eval-segm, case102, segm"})
    void jsonEqualsPycocotools(String set, String name, String iouType) throws IOException {
        Path fixture = SharedFixtures.resolve(set + "/" + name);
        Run run = lumen("coco-eval", "--gt", fixture.resolve("gt.json").toString(), "--dt",
                fixture.resolve("dt.json").toString(), "--iou-type", iouType, "--json");
        assertEquals(0, run.code(), run.err());
        assertEquals(1, run.out().lines().count(), "one JSON object on one line");
        JsonNode stats = Json.mapper().readTree(run.out());
        JsonNode ref = Json.mapper().readTree(fixture.resolve("ref.json").toFile());
        List<String> keys = new ArrayList<>();
        stats.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"), keys);
        for (String key : keys) {
            assertEquals(ref.get(key).asDouble(), stats.get(key).asDouble(), 1e-9, key);
        }
    }

    @Test
    void textIsPycocotoolsLayout() {
        Path fixture = SharedFixtures.resolve("coco-eval/case101");
        Run run = lumen("coco-eval", "--gt", fixture.resolve("gt.json").toString(), "--dt",
                fixture.resolve("dt.json").toString());
        assertEquals(0, run.code(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(12, lines.size());
        // ref.json: AP 0.14385..., AR100 0.31737...
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.144", lines.get(0));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.317", lines.get(8));
    }

    @Test
    void helpShowsExamples() {
        Run run = lumen("coco-eval", "--help");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("Examples:"), run.out());
    }

    @Test
    void missingFile() {
        Path gt = SharedFixtures.resolve("coco-eval/case101/gt.json");
        Path missing = dir.resolve("none.json");
        assertBadInput(lumen("coco-eval", "--gt", gt.toString(), "--dt", missing.toString()),
                "error: " + missing + ": file not found");
    }

    @Test
    void malformedJson() throws IOException {
        Path gt = SharedFixtures.resolve("coco-eval/case101/gt.json");
        Path bad = Files.writeString(dir.resolve("bad.json"), "[{\"image_id\": 1, \"category_id\": 1,");
        assertBadInput(lumen("coco-eval", "--gt", gt.toString(), "--dt", bad.toString()),
                "error: " + bad + ": not valid JSON");
        Path badGt = Files.writeString(dir.resolve("gt.json"), "{\"images\": [");
        assertBadInput(lumen("coco-eval", "--gt", badGt.toString(), "--dt", bad.toString()),
                "error: " + badGt + ": not valid JSON");
    }

    @Test
    void unknownImageId() throws IOException {
        Path gt = SharedFixtures.resolve("coco-eval/case101/gt.json");
        Path dt = Files.writeString(dir.resolve("dt.json"), """
                [{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},
                 {"image_id": 99999, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}]""");
        Run run = lumen("coco-eval", "--gt", gt.toString(), "--dt", dt.toString());
        assertBadInput(run, "error: " + dt + ": 1 fault");
        assertTrue(run.err().contains("[1]: unknown image id 99999"), run.err());
    }

    @Test
    void badIouType() {
        Path gt = SharedFixtures.resolve("coco-eval/case101/gt.json");
        assertBadInput(lumen("coco-eval", "--gt", gt.toString(), "--dt", gt.toString(), "--iou-type", "keypoints"),
                "error: --iou-type: must be bbox or segm, got 'keypoints'");
    }

    /** Exit 2, nothing on stdout, and exactly one line on stderr starting with {@code error:} (then the fault list). */
    private static void assertBadInput(Run run, String firstLine) {
        assertEquals(2, run.code(), run.err());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().toList();
        assertTrue(lines.get(0).startsWith(firstLine), run.err());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("error:")).count(), run.err());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\tat ") || l.contains("Exception")), run.err());
    }
}
