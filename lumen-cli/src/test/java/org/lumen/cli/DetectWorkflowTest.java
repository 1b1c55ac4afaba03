package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lumen.core.metrics.coco.CocoEval;
import org.lumen.core.metrics.coco.IouType;
import org.lumen.core.report.ResultsCsv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --task detect} end to end on a tiny survey with a YOLOv8n: train (interrupted after epoch 1, then
 * resumed), val (COCO statistics reproducible through coco-eval), predict (JSON contract, annotated images, tiled
 * inference), and bad input.
 */
class DetectWorkflowTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path run;

    static Object[] train(Path out, Object... more) {
        List<Object> args = new java.util.ArrayList<>(List.of("train", "--task", "detect", "--data", data, "--arch",
                "yolov8n", "--imgsz", 64, "--epochs", 2, "--batch", 8, "--out", out));
        args.addAll(List.of(more));
        return args.toArray();
    }

    @BeforeAll
    static void trainTwoEpochsWithAResume() {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 30, "--size", 64);
        assertEquals(0, synth.exit(), synth::toString);
        data = dir.resolve("survey/detect");
        run = dir.resolve("run");
        Cli.Result crashed = Cli.runCrashingAfter("epoch 1/2 ", train(run));
        assertEquals(Main.INTERNAL, crashed.exit(), crashed::toString);
        Cli.Result resumed = Cli.run(train(run, "--resume"));
        assertEquals(0, resumed.exit(), resumed::toString);
    }

    @Test
    void runFolderHasBothEpochsOnceAndModelDirectories() throws IOException {
        ResultsCsv results = ResultsCsv.read(run.resolve("results.csv"));
        assertEquals(2, results.lastEpoch());
        assertEquals(List.of("train_loss", "train_box", "train_cls", "train_dfl", "lr", "val_map50", "val_map50_95",
                "val_completeness", "val_purity", "val_f1"), results.columns());
        JsonNode model = new ObjectMapper().readTree(run.resolve("best/model.json").toFile());
        assertEquals("detect", model.get("task").asText());
        assertEquals("yolov8n", model.get("arch").asText());
        assertEquals("clump", model.get("class_names").get(0).asText());
        // trained without --lr / --weight-decay: YOLO's defaults (the demo's), not the classifiers' 0.001 / 0.05
        JsonNode config = model.get("provenance").get("config");
        assertEquals(0.002, config.get("lr").asDouble(), model::toString);
        assertEquals(0.0005, config.get("weightDecay").asDouble(), model::toString);
        Cli.assertBadInput(Cli.run(train(run, "--resume")), run.resolve("last/train_state.json").toString(),
                "already finished");
        Cli.assertBadInput(Cli.run(train(run, "--resume", "--lr", 0.01)), run.resolve("last/train_state.json").toString(),
                "lr was");
    }

    @Test
    void valWritesMetricsThatCocoEvalReproduces() throws IOException {
        Path out = dir.resolve("val");
        Cli.Result r = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--split", "test", "--out", out);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("completeness"), r::toString);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String key : List.of("map50", "map50_95", "purity", "f1")) {
            double v = m.get(key).asDouble();
            assertTrue(v >= 0 && v <= 1, key + " = " + v);
        }
        assertEquals(0.5, m.get("iou").asDouble());
        assertEquals(0.25, m.get("conf").asDouble());
        assertEquals(2, m.get("confusion_matrix").size()); // clump + background
        assertTrue(m.get("ms_per_image").get("inference").asDouble() > 0);
        double[] stats = CocoEval.evaluate(out.resolve("ground_truth.json"), out.resolve("detections.json"),
                IouType.BBOX).stats();
        assertEquals(m.get("coco").get("AP50").asDouble(), stats[1], 1e-12);
        assertEquals(m.get("map50").asDouble(), stats[1], 1e-12);
        // completeness and purity at IoU 0.5: a direct count on the written files, at the run's score (0.25; a
        // 2-epoch model may have nothing above it) and at 0.01, where it has detections to match
        DetectionCount.Counts n = DetectionCount.count(out.resolve("ground_truth.json"), out.resolve("detections.json"),
                0.5, 0.25);
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
        System.out.println("detect val direct count at 0.01: " + nl);
        assertTrue(nl.detections() > 0, nl::toString);
        assertEquals(nl.completeness(), lm.get("completeness").asDouble(), 1e-9, nl::toString);
        assertEquals(nl.purity(), lm.get("purity").asDouble(), 1e-9, nl::toString);
        for (String png : List.of("pr_curve.png", "f1_curve.png", "confusion_matrix.png")) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
    }

    @Test
    void predictPrintsTheJsonContractDrawsAndTiles() throws IOException {
        Path images = data.resolve("images/test");
        Path shown = dir.resolve("shown");
        Cli.Result r = Cli.run("predict", "--model", run.resolve("best"), "--json", "--conf", 0.001, "--save-dir", shown,
                images);
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.outLines();
        try (var files = Files.list(images)) {
            assertEquals(files.count(), lines.size());
        }
        int detections = 0;
        for (String line : lines) {
            JsonNode o = new ObjectMapper().readTree(line);
            assertTrue(o.has("image"));
            for (JsonNode d : o.get("detections")) {
                JsonNode b = d.get("box");
                assertTrue(b.get(0).asDouble() >= 0 && b.get(2).asDouble() <= 64 && b.get(0).asDouble() <= b.get(2).asDouble(),
                        d::toString);
                assertTrue(d.get("score").asDouble() >= 0.001);
                assertEquals(0, d.get("label").asInt());
                assertEquals("clump", d.get("class").asText());
                detections++;
            }
            String stem = Path.of(o.get("image").asText()).getFileName().toString().replace(".png", "");
            assertTrue(Files.isRegularFile(shown.resolve(stem + ".detections.png")), stem);
        }
        assertTrue(detections > 0, "a 2-epoch model at score 0.001 still proposes boxes");
        // tiled: 32-pixel tiles overlapping by 8, merged class-agnostically; boxes stay in the image
        Path one;
        try (var s = Files.list(images)) {
            one = s.sorted().findFirst().orElseThrow();
        }
        Cli.Result tiled = Cli.run("predict", "--model", run.resolve("best"), "--json", "--conf", 0.001, "--tile", 32,
                "--tile-overlap", 8, "--agnostic-nms", one);
        assertEquals(0, tiled.exit(), tiled::toString);
        for (JsonNode d : new ObjectMapper().readTree(tiled.outLines().get(0)).get("detections")) {
            assertTrue(d.get("box").get(2).asDouble() <= 64 && d.get("box").get(3).asDouble() <= 64, d::toString);
        }
    }

    /**
     * {@code predict --tile 32 --tile-overlap 8 --agnostic-nms} equals the merge computed here: each tile cut out,
     * written as its own PNG and detected alone by plain predict, its boxes shifted by the tile's corner, then a
     * greedy class-agnostic NMS at IoU 0.5 written in this test.
     */
    @Test
    void tiledPredictEqualsTheMergeOfTilesDetectedAlone() throws IOException {
        Path one;
        try (var s = Files.list(data.resolve("images/test"))) {
            one = s.sorted().findFirst().orElseThrow();
        }
        java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(one.toFile());
        assertEquals(64, im.getWidth());
        assertEquals(64, im.getHeight());
        Path tiles = dir.resolve("tiles");
        Files.createDirectories(tiles);
        int[] starts = {0, 24, 32}; // 32-px tiles every 24 px, the last moved back to end at the edge
        List<double[]> all = new java.util.ArrayList<>(); // x1, y1, x2, y2, score
        for (int ty : starts) {
            for (int tx : starts) {
                Path file = tiles.resolve("tile_" + ty + "_" + tx + ".png");
                java.awt.image.BufferedImage crop = new java.awt.image.BufferedImage(32, 32, im.getType());
                crop.getGraphics().drawImage(im.getSubimage(tx, ty, 32, 32), 0, 0, null);
                javax.imageio.ImageIO.write(crop, "png", file.toFile());
            }
        }
        Cli.Result perTile = Cli.run("predict", "--model", run.resolve("best"), "--json", "--conf", 0.001, tiles);
        assertEquals(0, perTile.exit(), perTile::toString);
        assertEquals(starts.length * starts.length, perTile.outLines().size(), perTile::toString);
        for (String line : perTile.outLines()) {
            JsonNode o = new ObjectMapper().readTree(line);
            String[] corner = Path.of(o.get("image").asText()).getFileName().toString().replace(".png", "").split("_");
            int ty = Integer.parseInt(corner[1]);
            int tx = Integer.parseInt(corner[2]);
            for (JsonNode d : o.get("detections")) {
                JsonNode b = d.get("box");
                all.add(new double[] {b.get(0).asDouble() + tx, b.get(1).asDouble() + ty, b.get(2).asDouble() + tx,
                    b.get(3).asDouble() + ty, d.get("score").asDouble()});
            }
        }
        List<double[]> want = greedyNms(all, 0.5);
        Cli.Result tiled = Cli.run("predict", "--model", run.resolve("best"), "--json", "--conf", 0.001, "--tile", 32,
                "--tile-overlap", 8, "--agnostic-nms", one);
        assertEquals(0, tiled.exit(), tiled::toString);
        JsonNode got = new ObjectMapper().readTree(tiled.outLines().get(0)).get("detections");
        assertTrue(!want.isEmpty() && want.size() < all.size(), want.size() + " of " + all.size() + " survive");
        assertEquals(want.size(), got.size(), tiled::toString);
        for (int i = 0; i < want.size(); i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(want.get(i)[j], got.get(i).get("box").get(j).asDouble(), 1e-3, "detection " + i);
            }
            assertEquals(want.get(i)[4], got.get(i).get("score").asDouble(), 1e-6, "detection " + i);
        }
    }

    /** Greedy NMS: by descending score, keep a box unless it overlaps a kept one by IoU above {@code iou}. */
    static List<double[]> greedyNms(List<double[]> boxes, double iou) {
        List<double[]> sorted = new java.util.ArrayList<>(boxes);
        sorted.sort((a, b) -> Double.compare(b[4], a[4]));
        List<double[]> kept = new java.util.ArrayList<>();
        for (double[] b : sorted) {
            boolean keep = true;
            for (double[] k : kept) {
                double w = Math.min(b[2], k[2]) - Math.max(b[0], k[0]);
                double h = Math.min(b[3], k[3]) - Math.max(b[1], k[1]);
                double inter = Math.max(w, 0) * Math.max(h, 0);
                double union = (b[2] - b[0]) * (b[3] - b[1]) + (k[2] - k[0]) * (k[3] - k[1]) - inter;
                if (inter / union > iou) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                kept.add(b);
            }
        }
        return kept;
    }

    @Test
    void explainsTheDetectionAtABox() throws IOException {
        Path one;
        try (var s = Files.list(data.resolve("images/test"))) {
            one = s.sorted().findFirst().orElseThrow();
        }
        Path out = dir.resolve("explained");
        Cli.Result r = Cli.run("explain", "--model", run.resolve("best"), "--method", "gradcam", "--box", "20,20,40,40",
                "--out", out, one);
        assertEquals(0, r.exit(), r::toString);
        String stem = one.getFileName().toString().replace(".png", "");
        assertTrue(Files.isRegularFile(out.resolve(stem + ".gradcam.png")));
        assertEquals(64 * 64, org.lumen.core.io.Npy.read(out.resolve(stem + ".gradcam.npy")).floats().length);
        Cli.assertBadInput(Cli.run("explain", "--model", run.resolve("best"), "--out", dir.resolve("e2"), one), "--box",
                "needs --box");
    }

    @Test
    void badInputGetsOneLineAndExit2() throws IOException {
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", data, "--arch", "yolov8x", "--out",
                dir.resolve("x1")), "--arch", "yolov8n");
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", data, "--arch", "yolov8n", "--imgsz", 100,
                "--out", dir.resolve("x2")), "--imgsz", "multiple of 32");
        Cli.assertBadInput(Cli.run("predict", "--model", run.resolve("best"), "--conf", 2, data.resolve("images/test")),
                "--conf", "[0, 1]");
        Cli.assertBadInput(Cli.run("predict", "--model", run.resolve("best"), "--out", dir.resolve("m"),
                data.resolve("images/test")), "--out", "segmentation");
        Cli.assertBadInput(Cli.run("predict", "--model", run.resolve("best"), "--tile", 32, "--tile-overlap", 32,
                data.resolve("images/test")), "--tile-overlap", "overlap");
        // a COCO box outside its image: the file and the annotation are named, nothing is written
        Path bad = dir.resolve("bad");
        BadInputTest.copyTree(data, bad);
        Files.delete(bad.resolve("data.yaml")); // read the COCO form
        Path json = bad.resolve("annotations/instances_train.json");
        String text = Files.readString(json);
        Files.writeString(json, text.replaceFirst("\"bbox\" : \\[ [0-9.]+", "\"bbox\" : [ 70.5"));
        Path out = dir.resolve("x3");
        Cli.Result refused = Cli.run("train", "--task", "detect", "--data", bad, "--arch", "yolov8n", "--imgsz", 64,
                "--epochs", 1, "--out", out);
        Cli.assertBadInput(refused, json.toString(), "1 fault");
        assertTrue(refused.err().contains("outside image"), refused::toString); // the fault, on the next line
        assertTrue(!Files.exists(out.resolve("results.csv")), "nothing written");
        // with --fix the box is clipped, reported, and training runs
        Cli.Result fixed = Cli.run("train", "--task", "detect", "--data", bad, "--arch", "yolov8n", "--imgsz", 64,
                "--epochs", 1, "--batch", 8, "--fix", "--out", dir.resolve("x4"));
        assertEquals(0, fixed.exit(), fixed::toString);
        assertTrue(fixed.err().contains("fixed: "), fixed::toString);
    }
}
