package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.InstanceFormats;
import org.lumen.core.data.InstanceFormats.Format;
import org.lumen.core.data.Instances;
import org.lumen.core.geometry.Iou;

/** {@code lumen convert} on the synthetic survey's clumps: COCO RLE -> YOLO-seg -> COCO polygons, and bad input. */
class ConvertCommandTest {
    @TempDir
    static Path dir;
    static Path survey;

    @BeforeAll
    static void writeSurvey() {
        survey = dir.resolve("survey");
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", survey, "--count", 30, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
    }

    @Test
    void cocoMasksBecomeYoloOutlinesAndComeBackAsCocoPolygons() throws IOException {
        Path yolo = dir.resolve("yolo");
        Cli.Result r = Cli.run("convert", "--from", "coco", "--to", "yolo-seg", "--data", survey.resolve("segment"),
                "--out", yolo);
        assertEquals(0, r.exit(), r::toString);
        Instances original = InstanceFormats.read(Format.COCO, survey.resolve("segment"), null);
        assertTrue(original.instanceCount() > 5, "the survey has clumps");
        assertEquals(List.of("converted 30 images (train " + original.splits().get("train").size() + ", val "
                + original.splits().get("val").size() + ", test " + original.splits().get("test").size() + ") with "
                + original.instanceCount() + " objects of 1 class from coco to yolo-seg in " + yolo), r.outLines());
        assertTrue(Files.isRegularFile(yolo.resolve("data.yaml")));
        long lines = 0;
        try (var files = Files.walk(yolo.resolve("labels"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                lines += Files.readAllLines(f).size();
            }
        }
        assertEquals(original.instanceCount(), lines);

        Path coco = dir.resolve("coco");
        r = Cli.run("convert", "--from", "yolo-seg", "--to", "coco", "--data", yolo.resolve("data.yaml"), "--out", coco);
        assertEquals(0, r.exit(), r::toString);
        Instances back = InstanceFormats.read(Format.COCO, coco, null);
        assertEquals(original.classes(), back.classes());
        double worst = 1;
        for (String split : original.splits().keySet()) {
            for (int i = 0; i < original.splits().get(split).size(); i++) {
                Instances.Sample a = original.splits().get(split).get(i), b = back.splits().get(split).get(i);
                assertEquals(a.name(), b.name());
                assertEquals(a.instances().size(), b.instances().size());
                for (int k = 0; k < a.instances().size(); k++) {
                    assertTrue(a.instances().get(k).polygons().isEmpty(), "RLE in the survey");
                    assertEquals(1, b.instances().get(k).polygons().size(), "a polygon after the round trip");
                    worst = Math.min(worst, Iou.mask(a.instances().get(k).mask(32, 32),
                            b.instances().get(k).mask(32, 32), false));
                }
            }
        }
        // clumps are single 4-connected blobs without holes: the outline is exact (6-decimal labels included)
        assertEquals(1.0, worst, 0, "worst IoU RLE -> YOLO polygon -> COCO polygon");
    }

    @Test
    void classMasksBecomeCocoObjects() throws IOException {
        Path coco = dir.resolve("from-masks");
        Cli.Result r = Cli.run("convert", "--from", "masks", "--to", "coco", "--data", survey.resolve("segment"),
                "--out", coco);
        assertEquals(0, r.exit(), r::toString);
        Instances back = InstanceFormats.read(Format.COCO, coco, null);
        assertEquals(List.of("galaxy", "clump"), back.classes());
        assertTrue(Files.isRegularFile(coco.resolve("images/test").resolve(
                back.splits().get("test").get(0).name())));
    }

    @Test
    void aBadLabelIsOneErrorLineAndNothingIsWritten() throws IOException {
        Path yolo = dir.resolve("bad-yolo");
        assertEquals(0, Cli.run("convert", "--from", "coco", "--to", "yolo-seg", "--data", survey.resolve("segment"),
                "--out", yolo).exit());
        Path label;
        try (var files = Files.list(yolo.resolve("labels/train"))) {
            label = files.sorted().findFirst().orElseThrow();
        }
        Files.writeString(label, "0 0.1 0.1 0.9 0.9 0.9 0.1 0.1 0.9\n0 0.1 0.1 0.5\n");
        Path out = dir.resolve("never");
        Cli.Result r = Cli.run("convert", "--from", "yolo-seg", "--to", "coco", "--data", yolo, "--out", out);
        String name = "labels/train/" + label.getFileName();
        Cli.assertBadInput(r, yolo.resolve("data.yaml").toString(), "2 faults");
        assertTrue(r.err().contains(name + ":1: self-intersecting polygon"), r::toString);
        assertTrue(r.err().contains(name + ":2: odd number of coordinates (3)"), r::toString);
        assertFalse(Files.exists(out));

        Path existing = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(existing.resolve("keep.txt"), "mine");
        var before = Cli.snapshot(existing);
        r = Cli.run("convert", "--from", "coco", "--to", "masks", "--data", survey.resolve("segment"), "--out",
                existing);
        Cli.assertBadInput(r, existing.toString(), "exists and is not empty");
        assertEquals(before, Cli.snapshot(existing));

        r = Cli.run("convert", "--from", "voc", "--to", "coco", "--data", yolo, "--out", out);
        Cli.assertBadInput(r, "--from", "must be coco, yolo-seg or masks, got 'voc'");
    }
}
