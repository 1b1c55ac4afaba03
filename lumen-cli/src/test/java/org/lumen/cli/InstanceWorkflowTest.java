package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.metrics.coco.CocoEval;
import org.lumen.core.metrics.coco.IouType;
import org.lumen.core.report.ResultsCsv;
import org.lumen.nn.weights.SafeTensors;

/**
 * Instance segmentation end to end on a tiny survey's {@code segment/} tree (COCO with RLE clumps): a YOLOv8n-seg
 * and a Mask R-CNN (from a classifier's backbone) trained on masks, val with mask statistics that {@code coco-eval --iou-type segm} reproduces from the written
 * files, and {@code compare} agreeing with val; bad input.
 */
class InstanceWorkflowTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path run;
    static Path rcnn;

    @BeforeAll
    static void trainOnMasks() throws IOException {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 30, "--size", 64);
        assertEquals(0, synth.exit(), synth::toString);
        data = dir.resolve("survey/segment");
        run = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--task", "detect", "--data", data, "--arch", "yolov8n-seg", "--imgsz", 64,
                "--epochs", 2, "--batch", 8, "--out", run);
        assertEquals(0, r.exit(), r::toString);
        Path cls = TestModels.save(dir.resolve("cls"), List.of("clumpy", "smooth"));
        rcnn = dir.resolve("rcnn");
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", data, "--arch", "maskrcnn_resnet18_fpn",
                "--imgsz", 64, "--out", rcnn), "--weights", "pretrained backbone");
        Cli.Result m = Cli.run("train", "--task", "detect", "--data", data, "--arch", "maskrcnn_resnet18_fpn",
                "--weights", cls.resolve("weights.safetensors"), "--imgsz", 64, "--epochs", 1, "--batch", 4,
                "--lr", 1e-4, "--out", rcnn);
        assertEquals(0, m.exit(), m::toString);
    }

    @Test
    void maskRcnnTrainsItsMaskHead() throws IOException {
        ResultsCsv results = ResultsCsv.read(rcnn.resolve("results.csv"));
        assertEquals(List.of("train_loss", "train_loss_classifier", "train_loss_box_reg", "train_loss_objectness",
                "train_loss_rpn_box_reg", "train_loss_mask", "lr", "val_map50", "val_map50_95", "val_completeness",
                "val_purity", "val_f1", "val_mask_map50", "val_mask_map50_95"), results.columns());
        String row = Files.readAllLines(rcnn.resolve("results.csv")).get(1);
        double mask = Double.parseDouble(row.split(",")[6]);
        // binary cross-entropy of a fresh head starts near ln 2; one epoch may lower it, never to nothing
        assertTrue(mask > 0.05 && mask < 1.0, row);
        try (SafeTensors last = SafeTensors.open(rcnn.resolve("last/weights.safetensors"));
                org.lumen.nn.detect.Detector fresh = org.lumen.nn.detect.Detector.create(
                        org.lumen.nn.detect.Detector.info(rcnn.resolve("last")), 0)) {
            float[] trained = last.readFloats(last.entries().get("roi_heads.mask_head.0.0.weight"));
            float[] initial = fresh.net().module().stateDict().get("roi_heads.mask_head.0.0.weight").value()
                    .toFloatArray();
            assertFalse(java.util.Arrays.equals(trained, initial), "the mask head trains");
        }
    }

    @Test
    void trainingLogsTheMaskLossAndMaskMap() throws IOException {
        ResultsCsv results = ResultsCsv.read(run.resolve("results.csv"));
        assertEquals(2, results.lastEpoch());
        assertEquals(List.of("train_loss", "train_box", "train_seg", "train_cls", "train_dfl", "lr", "val_map50",
                "val_map50_95", "val_completeness", "val_purity", "val_f1", "val_mask_map50", "val_mask_map50_95"),
                results.columns());
        String csv = Files.readString(run.resolve("results.csv"));
        // the mask term was computed (finite and positive) in both epochs
        for (String line : csv.strip().split("\n")) {
            if (!line.startsWith("epoch")) {
                double seg = Double.parseDouble(line.split(",")[3]);
                assertTrue(seg > 0 && Double.isFinite(seg), line);
            }
        }
    }

    @Test
    void valMaskStatisticsAreWhatCocoEvalGivesOnTheWrittenFiles() throws IOException {
        Path out = dir.resolve("val");
        Cli.Result r = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--split", "test", "--out", out,
                "--conf", 0.5);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("masks: mAP50"), r::toString);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        double[] stats = CocoEval.evaluate(out.resolve("mask_ground_truth.json"),
                out.resolve("mask_detections.json"), IouType.SEGM).stats();
        JsonNode mask = m.get("mask");
        assertEquals(stats[1], mask.get("map50").asDouble(), 1e-12);
        assertEquals(stats[0], mask.get("map50_95").asDouble(), 1e-12);
        assertEquals(12, mask.get("coco").size());
        // completeness and purity at IoU 0.5: a direct count on the written files, at the run's score (0.5; a
        // 2-epoch model may have nothing above it) and at 0.01, where it has detections to match
        DetectionCount.Counts n = DetectionCount.count(out.resolve("ground_truth.json"), out.resolve("detections.json"),
                0.5, 0.5);
        assertTrue(n.truths() > 0, n::toString);
        assertEquals(n.completeness(), m.get("completeness").asDouble(), 1e-9, n::toString);
        assertEquals(n.purity(), m.get("purity").asDouble(), 1e-9, n::toString);
        Path low = dir.resolve("val-low");
        Cli.Result lowRun = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--split", "test", "--out",
                low, "--conf", 0.01);
        assertEquals(0, lowRun.exit(), lowRun::toString);
        JsonNode lm = new ObjectMapper().readTree(low.resolve("metrics.json").toFile());
        DetectionCount.Counts nl = DetectionCount.count(low.resolve("ground_truth.json"), low.resolve("detections.json"),
                0.5, 0.01);
        System.out.println("instance val direct count at 0.01: " + nl);
        assertTrue(nl.detections() > 0, nl::toString);
        assertEquals(nl.completeness(), lm.get("completeness").asDouble(), 1e-9, nl::toString);
        assertEquals(nl.purity(), lm.get("purity").asDouble(), 1e-9, nl::toString);
        // the ground truth holds every clump of the split with its mask
        JsonNode gt = new ObjectMapper().readTree(out.resolve("mask_ground_truth.json").toFile());
        assertEquals(m.get("instances").asInt(), gt.get("annotations").size());
        assertTrue(gt.get("annotations").get(0).get("segmentation").has("counts"));

        // compare over the same split: the same numbers as val, and a table row per model
        Path cmp = dir.resolve("compare");
        Cli.Result c = Cli.run("compare", "--data", data, "--split", "test", "--out", cmp, run.resolve("best"),
                rcnn.resolve("best"));
        assertEquals(0, c.exit(), c::toString);
        assertTrue(c.out().contains("| yolov8n-seg |"), c::toString);
        assertTrue(c.out().contains("| maskrcnn_resnet18_fpn |"), c::toString);
        JsonNode table = new ObjectMapper().readTree(cmp.resolve("compare.json").toFile());
        JsonNode best = table.get("models").get(0);
        assertEquals(m.get("map50").asDouble(), best.get("box_map50").asDouble(), 1e-12);
        assertEquals(mask.get("map50_95").asDouble(), best.get("mask_map50_95").asDouble(), 1e-12);
        assertEquals(m.get("purity").asDouble(), best.get("precision").asDouble(), 1e-12);
        assertEquals(m.get("completeness").asDouble(), best.get("recall").asDouble(), 1e-12);
        assertTrue(best.get("ms_inference").asDouble() > 0);
        assertEquals(3, Files.readAllLines(cmp.resolve("compare.csv")).size());
        assertTrue(Files.readString(cmp.resolve("compare.md")).contains("Mask mAP50"));
    }

    @Test
    void badInputIsRefusedWithNothingWritten() throws IOException {
        Path out = dir.resolve("refused");
        // a box-only dataset has no masks to train a segmenting model on
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", dir.resolve("survey/classify"), "--arch",
                "yolov8n-seg", "--imgsz", 64, "--epochs", 1, "--out", out), dir.resolve("survey/classify").toString(),
                "not an instance-segmentation dataset");
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", data, "--arch", "yolov8n-seg", "--imgsz",
                64, "--epochs", 1, "--monitor", "dice", "--out", out), "--monitor", "mask_map50");
        assertFalse(Files.exists(out.resolve("results.csv")));
        Cli.assertBadInput(Cli.run("compare", "--data", data, "--conf", 2, "--out", out, run.resolve("best")),
                "--conf", "[0, 1]");
        Cli.assertBadInput(Cli.run("compare", "--data", data, "--out", out, dir.resolve("nothing")),
                dir.resolve("nothing").toString());
        assertFalse(Files.exists(out.resolve("compare.csv")));
        // an image whose size is not the one its annotations (and masks) were made for
        Path copy = dir.resolve("resized");
        BadInputTest.copyTree(data, copy);
        Path image;
        try (var files = Files.list(copy.resolve("images/test"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_3BYTE_BGR),
                "png", image.toFile());
        Cli.assertBadInput(Cli.run("val", "--model", run.resolve("best"), "--data", copy, "--split", "test", "--out",
                out), image.toString(), "is 32x32 but its annotations say 64x64");
        assertFalse(Files.exists(out));
    }
}
