package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.MaskFolder;
import org.lumen.core.report.ResultsCsv;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.segment.Segmenter;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code --task segment} end to end on a tiny survey: train (interrupted after epoch 1, then resumed), val,
 * predict, and bad input (masks of the wrong size or class, options that do not fit the task).
 */
class SegmentWorkflowTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path run;

    static Object[] train(Path out, Object... more) {
        List<Object> args = new java.util.ArrayList<>(List.of("train", "--task", "segment", "--data", data, "--arch",
                "unet-w4-d2", "--imgsz", 32, "--epochs", 2, "--batch", 8, "--out", out));
        args.addAll(List.of(more));
        return args.toArray();
    }

    @BeforeAll
    static void trainTwoEpochsWithAResume() throws IOException {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 30, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        data = dir.resolve("survey/segment");
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
        assertEquals(List.of("train_loss", "lr", "val_loss", "val_pixel_accuracy", "val_dice_mean", "val_iou_mean",
                "val_dice_foreground", "val_iou_foreground", "val_boundary_f1_mean"), results.columns());
        JsonNode model = new ObjectMapper().readTree(run.resolve("best/model.json").toFile());
        assertEquals("segment", model.get("task").asText());
        assertEquals("unet-w4-d2", model.get("arch").asText());
        assertEquals(List.of("background", "galaxy", "clump"),
                List.of(model.get("class_names").get(0).asText(), model.get("class_names").get(1).asText(),
                        model.get("class_names").get(2).asText()));
        assertEquals("ce+dice", model.get("provenance").get("loss").asText());
        assertTrue(Files.isRegularFile(run.resolve("last/optimizer.safetensors")));
        Cli.assertBadInput(Cli.run(train(run, "--resume")), run.resolve("last/train_state.json").toString(),
                "already finished");
    }

    @Test
    void valWritesMetricsPerImageRowsAndAPlot() throws IOException {
        Path out = dir.resolve("val");
        Cli.Result r = Cli.run("val", "--task", "segment", "--model", run.resolve("best"), "--data", data, "--split", "test",
                "--out", out);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("dice_foreground"), r::toString);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String key : List.of("pixel_accuracy", "dice_mean", "iou_mean", "dice_foreground", "iou_foreground",
                "boundary_f1_mean")) {
            double v = m.get(key).asDouble();
            assertTrue(v >= 0 && v <= 1, key + " = " + v);
        }
        assertEquals(2.0, m.get("boundary_tolerance_px").asDouble());
        long pixels = 0;
        for (JsonNode row : m.get("confusion_matrix")) {
            for (JsonNode v : row) {
                pixels += v.asLong();
            }
        }
        assertEquals(m.get("images").asLong() * 32 * 32, pixels);
        List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("image,pixel_accuracy,dice_foreground,iou_foreground", csv.get(0));
        assertEquals(m.get("images").asInt() + 1, csv.size());
        BufferedImage plot = ImageIO.read(out.resolve("predictions.png").toFile());
        assertTrue(plot.getWidth() > 128, "plot " + plot.getWidth());
        Cli.assertBadInput(Cli.run("val", "--task", "classify", "--model", run.resolve("best"), "--data", data,
                "--out", dir.resolve("val2")), "--task", "'segment' model");
    }

    @Test
    void predictWritesOneMaskPerImageAtItsSize() throws IOException {
        Path images = data.resolve("images/test");
        Path out = dir.resolve("masks");
        Cli.Result r = Cli.run("predict", "--model", run.resolve("best"), "--json", "--out", out, images);
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.outLines();
        try (var files = Files.list(images)) {
            assertEquals(files.count(), lines.size());
        }
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        Path mask = Path.of(first.get("mask").asText());
        byte[] classes = MaskFolder.readMask(mask, 32, 32, 3); // checks size and class range
        double sum = 0;
        for (var e : first.get("fractions").properties()) {
            sum += e.getValue().asDouble();
        }
        assertEquals(1.0, sum, 1e-9);
        assertEquals(32 * 32, classes.length);
        // a larger input size: the mask still has the image's own size
        Path big = dir.resolve("masks64");
        Cli.Result r64 = Cli.run("predict", "--model", run.resolve("best"), "--imgsz", 64, "--out", big,
                images.resolve(mask.getFileName()));
        assertEquals(0, r64.exit(), r64::toString);
        MaskFolder.readMask(big.resolve(mask.getFileName()), 32, 32, 3);
        // nothing overwritten
        Map<String, String> before = Cli.snapshot(out);
        Cli.assertBadInput(Cli.run("predict", "--model", run.resolve("best"), "--out", out, images), out.toString(),
                "not an empty folder");
        assertEquals(before, Cli.snapshot(out));
        Cli.assertBadInput(Cli.run("predict", "--model", run.resolve("best"), images), "--out", "mask PNG");
    }

    /**
     * The mask PNGs predict writes are the arg-max of the saved network's logits in the default layout, on pixels
     * decoded and normalised here (PNG / 255, the model's mean and std): a pixel may differ only where the two
     * best logits tie to 1e-4 of the logit range.
     */
    @Test
    void predictedMasksAreTheArgmaxOfTheDefaultLayoutForward() throws IOException {
        Path images = data.resolve("images/test");
        Path out = dir.resolve("masks-ref");
        Cli.Result r = Cli.run("predict", "--model", run.resolve("best"), "--out", out, images);
        assertEquals(0, r.exit(), r::toString);
        int checked = 0;
        int nearTies = 0;
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        try (Segmenter seg = Segmenter.load(run.resolve("best")); var files = Files.list(images);
                NDManager scope = seg.manager().newSubManager()) {
            ModelInfo info = seg.info();
            seg.net().train(false);
            for (Path image : files.sorted().toList()) {
                BufferedImage im = ImageIO.read(image.toFile());
                int h = im.getHeight();
                int w = im.getWidth();
                assertEquals(32, h, image::toString); // the model's imgsz: no resize in front of the network
                assertEquals(info.channels(), im.getRaster().getNumBands(), image::toString);
                int c = info.channels();
                float[] x = new float[c * h * w];
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            float v = im.getRaster().getSample(xx, y, ch) / 255f;
                            x[(ch * h + y) * w + xx] = (v - info.mean()[ch]) / info.std()[ch];
                        }
                    }
                }
                float[] logits = seg.net().apply(scope.create(x, new Shape(1, c, h, w))).toFloatArray();
                int k = info.numClasses();
                float lo = Float.MAX_VALUE;
                float hi = -Float.MAX_VALUE;
                for (float v : logits) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                byte[] mask = MaskFolder.readMask(out.resolve(image.getFileName()), h, w, k);
                for (int p = 0; p < h * w; p++) {
                    int best = 0;
                    for (int cls = 1; cls < k; cls++) {
                        if (logits[cls * h * w + p] > logits[best * h * w + p]) {
                            best = cls;
                        }
                    }
                    seen.add(best);
                    if (mask[p] != best) {
                        float gap = logits[best * h * w + p] - logits[mask[p] * h * w + p];
                        assertTrue(gap <= 1e-4 * (hi - lo), image + " pixel " + p + ": class " + mask[p] + ", argmax "
                                + best + " by " + gap);
                        nearTies++;
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 0 && nearTies <= checked / 1000, nearTies + " near ties of " + checked);
        assertTrue(seen.size() >= 2, "a mask of one class checks little: " + seen);
    }

    @Test
    void segmentThenClassifyComparesWithWholeImages() throws IOException {
        Path out = dir.resolve("seg-cls");
        Cli.Result r = Cli.run("segment-classify", "--seg-model", run.resolve("best"), "--data",
                dir.resolve("survey/classify"), "--arch", "resnet18", "--imgsz", 32, "--epochs", 1, "--batch", 8,
                "--out", out);
        assertEquals(0, r.exit(), r::toString);
        JsonNode c = new ObjectMapper().readTree(out.resolve("comparison.json").toFile());
        for (String kind : List.of("whole", "masked")) {
            double acc = c.get(kind).get("accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, kind + " " + acc);
            assertEquals(c.get("whole").get("test_images").asInt(), c.get(kind).get("test_images").asInt());
        }
        // the masked images exist for every split, with background pixels set to 0
        try (var s = Files.walk(out.resolve("masked/test"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".png")));
        }
        assertTrue(Files.isRegularFile(out.resolve("masked-run/test/metrics.json")));
        Cli.assertBadInput(Cli.run("segment-classify", "--seg-model", run.resolve("best"), "--data",
                dir.resolve("survey/classify"), "--imgsz", 32, "--out", out), out.toString(), "not empty");
    }

    @Test
    void explainsAClassOverARegion() throws IOException {
        Path one;
        try (var s = Files.list(data.resolve("images/test"))) {
            one = s.sorted().findFirst().orElseThrow();
        }
        Path out = dir.resolve("seg-explained");
        Cli.Result r = Cli.run("explain", "--model", run.resolve("best"), "--method", "gradcam", "--box", "8,8,24,24",
                "--target", "galaxy", "--out", out, one);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("galaxy over the region"), r::toString);
        String stem = one.getFileName().toString().replace(".png", "");
        assertTrue(Files.isRegularFile(out.resolve(stem + ".gradcam.npy")));
        Cli.assertBadInput(Cli.run("explain", "--model", run.resolve("best"), "--box", "8,8,24,24", "--out",
                dir.resolve("seg-x2"), one), "--target", "name the class");

        // --region: the same square given as a mask image explains the same mean logit as --box
        java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(one.toFile());
        java.awt.image.BufferedImage square = new java.awt.image.BufferedImage(im.getWidth(), im.getHeight(),
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 8; y < 24; y++) {
            for (int x = 8; x < 24; x++) {
                square.getRaster().setSample(x, y, 0, 255);
            }
        }
        Path maskFile = dir.resolve("square.png");
        javax.imageio.ImageIO.write(square, "png", maskFile.toFile());
        Cli.Result byMask = Cli.run("explain", "--model", run.resolve("best"), "--method", "gradcam", "--region",
                maskFile, "--target", "galaxy", "--out", dir.resolve("seg-region"), one);
        assertEquals(0, byMask.exit(), byMask::toString);
        assertEquals(meanLogit(r.out()), meanLogit(byMask.out()), byMask::toString);
        java.awt.image.BufferedImage small = new java.awt.image.BufferedImage(8, 8,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        Path smallFile = dir.resolve("small.png");
        javax.imageio.ImageIO.write(small, "png", smallFile.toFile());
        Cli.assertBadInput(Cli.run("explain", "--model", run.resolve("best"), "--region", smallFile, "--target",
                "galaxy", "--out", dir.resolve("seg-x3"), one), smallFile.toString(), "the region mask is 8x8");
        Cli.assertBadInput(Cli.run("explain", "--model", run.resolve("best"), "--region", maskFile, "--box",
                "8,8,24,24", "--target", "galaxy", "--out", dir.resolve("seg-x4"), one), "--region", "not both");
        assertTrue(Files.notExists(dir.resolve("seg-x3")) && Files.notExists(dir.resolve("seg-x4")));
    }

    private static String meanLogit(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("mean logit ([^)]+)\\)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    @Test
    void badMasksNameTheFileAndNothingIsWritten() throws IOException {
        Path bad = dir.resolve("bad");
        BadInputTest.copyTree(data, bad);
        Path mask;
        try (var s = Files.list(bad.resolve("masks/train"))) {
            mask = s.sorted().findFirst().orElseThrow();
        }
        ImageIO.write(MaskFolder.maskImage(new byte[31 * 32], 31, 32), "png", mask.toFile());
        Path out = dir.resolve("never");
        Cli.assertBadInput(Cli.run(trainOn(bad, out)), mask.toString(), "mask is 31x32 but its image is 32x32");
        byte[] wrong = new byte[32 * 32];
        wrong[5 * 32 + 7] = 3;
        ImageIO.write(MaskFolder.maskImage(wrong, 32, 32), "png", mask.toFile());
        Cli.assertBadInput(Cli.run(trainOn(bad, out)), mask.toString(), "pixel (x=7, y=5) has class 3",
                "3 declared classes 0..2");
        assertFalse(Files.exists(out));
    }

    private static Object[] trainOn(Path d, Path out) {
        return new Object[] {"train", "--task", "segment", "--data", d, "--arch", "unet-w4-d2", "--imgsz", 32,
            "--epochs", 1, "--out", out};
    }

    @Test
    void optionsThatDoNotFitTheTaskAreRefused() {
        Path out = dir.resolve("nope");
        Cli.assertBadInput(Cli.run("train", "--task", "segment", "--data", data, "--arch", "unet-resnet19", "--out", out),
                "--arch", "did you mean unet-resnet18");
        Cli.assertBadInput(Cli.run(train(out, "--loss", "ce+lovasz")), "--loss", "ce, dice, focal");
        Cli.assertBadInput(Cli.run(train(out, "--monitor", "accuracy")), "--monitor", "dice_mean");
        Cli.assertBadInput(Cli.run(train(out, "--folds", 3)), "--folds", "classify only");
        Cli.assertBadInput(Cli.run("train", "--data", data, "--arch", "resnet18", "--loss", "dice", "--out", out),
                "--loss", "--task segment");
        assertFalse(Files.exists(out));
    }

    @Test
    void aClassifiersWeightsStartABackboneEncoder() throws IOException {
        Path classifier = TestModels.save(dir.resolve("resnet18"), List.of("a", "b"));
        Path out = dir.resolve("transfer");
        Cli.Result r = Cli.run("train", "--task", "segment", "--data", data, "--arch", "unet-resnet18", "--weights",
                classifier.resolve("weights.safetensors"), "--channels", 1, "--imgsz", 32, "--epochs", 1, "--batch", 8,
                "--freeze", 2, "--loss", "focal+dice", "--out", out);
        assertEquals(0, r.exit(), r::toString);
        JsonNode model = new ObjectMapper().readTree(out.resolve("best/model.json").toFile());
        assertEquals("unet-resnet18", model.get("arch").asText());
        assertEquals(1, model.get("channels").asInt());
        // a classic U-Net has no encoder to take them
        Path none = dir.resolve("none");
        Cli.assertBadInput(Cli.run(train(none, "--weights", classifier.resolve("weights.safetensors"))), "--weights",
                "unet-resnet18");
        Cli.assertBadInput(Cli.run(train(none, "--freeze", 9)), "--freeze", "at most 3");
        assertFalse(Files.exists(none));
    }
}
