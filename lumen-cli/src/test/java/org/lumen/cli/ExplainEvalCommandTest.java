package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.image.ImageOps;
import org.lumen.core.report.Json;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;

/**
 * {@code lumen explain-eval} and {@code lumen explain --boxes} end to end on a tiny random resnet18 (64x64, two
 * classes), and their refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainEvalCommandTest {
    @TempDir
    static Path tmp;
    private Path model;
    private Path a;
    private Path b;
    private Path coco;

    record Run(int code, String out, String err) {}

    @BeforeAll
    void setUp() throws IOException {
        model = tmp.resolve("model");
        ModelInfo info = new ModelInfo("classify", "resnet18", List.of("clumpy", "smooth"), 64, 3,
                ModelInfo.IMAGENET_MEAN, ModelInfo.IMAGENET_STD, null);
        try (Classifier c = Classifier.create(info, 3)) {
            c.save(model, null);
        }
        a = image("a.png", 1);
        b = image("b.png", 2);
        // a.png (128 x 96) has one box covering its right half; b.png is not in the file
        coco = tmp.resolve("gt.json");
        new CocoDataset(List.of(new CocoDataset.Image(1, "images/a.png", 128, 96)),
                List.of(new CocoDataset.Annotation(1, 1, 1, 64, 0, 64, 96, 64 * 96, 0, null)),
                List.of(new CocoDataset.Category(1, "clump", "galaxy"))).write(coco);
    }

    private Path image(String name, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(128, 96, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 128; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        Path p = tmp.resolve("images").resolve(name);
        Files.createDirectories(p.getParent());
        ImageOps.writePng(img, p);
        return p;
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
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

    @Test
    void attributionsAreEvaluatedBesideCams() throws IOException {
        Path out = tmp.resolve("xeval-attr");
        Run r = run("explain-eval", "--model", model.toString(), "--method", "gradcam,occlusion,saliency,guided-gradcam", "--layer",
                "layer3", "--steps", "4", "--out", out.toString(), a.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.mapper().readTree(out.resolve(ExplainEvalCommand.JSON).toFile());
        for (String m : List.of("gradcam", "occlusion", "saliency", "guided-gradcam")) {
            double auc = j.get("mean").get(m).get("deletion_auc").asDouble();
            assertTrue(auc >= 0 && auc <= 1, m + " " + auc);
        }
        double rho = j.get("rank_correlation").get("gradcam vs occlusion").asDouble();
        assertTrue(rho >= -1 && rho <= 1, "rho " + rho);
        // the paper's comparison: Guided Grad-CAM against occlusion
        double paper = j.get("rank_correlation").get("occlusion vs guided-gradcam").asDouble();
        assertTrue(paper >= -1 && paper <= 1 && paper != 0, "rho " + paper);
    }

    @Test
    void writesMetricsJsonAndCurvesForTwoMethods() throws IOException {
        Path out = tmp.resolve("xeval");
        Run r = run("explain-eval", "--model", model.toString(), "--method", "gradcam,gradcam++", "--layer", "layer3",
                "--boxes", coco.toString(), "--steps", "8", "--percentiles", "30,70", "--out", out.toString(),
                a.toString(), b.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.mapper().readTree(out.resolve(ExplainEvalCommand.JSON).toFile());
        assertEquals(2, j.get("images").asInt());
        assertEquals(15 * 64 / 224.0, j.get("settings").get("pointing_tolerance").asDouble(), 1e-9);
        assertEquals(9, j.get("fractions").size());
        for (String m : List.of("gradcam", "gradcam++")) {
            JsonNode mean = j.get("mean").get(m);
            double sum = 0;
            for (JsonNode im : j.get("per_image")) {
                JsonNode s = im.get("methods").get(m);
                sum += s.get("deletion_auc").asDouble();
                assertEquals(9, s.get("deletion").size());
                assertEquals(2, s.get("road_morf").size());
                assertTrue(s.get("deletion_auc").asDouble() >= 0 && s.get("deletion_auc").asDouble() <= 1);
            }
            assertEquals(sum / 2, mean.get("deletion_auc").asDouble(), 1e-9);
            assertEquals(1, mean.get("pointing_game").get("images").asInt(), "only a.png has boxes");
            assertTrue(j.get("per_image").get(0).get("methods").get(m).has("pointing"));
            assertFalse(j.get("per_image").get(1).get("methods").get(m).has("pointing"));
        }
        double rho = j.get("rank_correlation").get("gradcam vs gradcam++").asDouble();
        assertTrue(rho >= -1 && rho <= 1, "rho " + rho);
        assertTrue(Files.size(out.resolve(ExplainEvalCommand.CURVES)) > 1000);
        assertTrue(r.out().contains("gradcam: deletion AUC") && r.out().contains("pointing game"), r.out());
    }

    /**
     * The deletion curve explain-eval reports for Grad-CAM equals one computed here: explain's own heatmap ranks
     * the pixels (highest first, ties by index), the top 512 more of them (4096 / 8 steps) are set to zero (the
     * mean colour) at each step, and the classifier's softmax probability of the original top class is read at
     * each step through {@code Classifier.logits}; its AUC is the trapezoid over fractions 0, 1/8, ..., 1.
     */
    @Test
    void deletionCurveEqualsOneComputedByHandFromExplainsHeatmap() throws IOException {
        Path out = tmp.resolve("xeval-hand");
        Run r = run("explain-eval", "--model", model.toString(), "--method", "gradcam", "--layer", "layer3", "--steps",
                "8", "--out", out.toString(), a.toString());
        assertEquals(0, r.code(), r.err());
        Path cam = tmp.resolve("xeval-hand-cam");
        Run e = run("explain", "--model", model.toString(), "--method", "gradcam", "--layer", "layer3", "--out",
                cam.toString(), a.toString());
        assertEquals(0, e.code(), e.err());
        float[] heat = org.lumen.core.io.Npy.read(cam.resolve("a.gradcam.npy")).floats();
        Integer[] order = new Integer[heat.length];
        for (int p = 0; p < order.length; p++) {
            order[p] = p;
        }
        java.util.Arrays.sort(order, (p, q) -> heat[p] != heat[q] ? Float.compare(heat[q], heat[p]) : p - q);
        double[] want = new double[9];
        try (Classifier c = Classifier.load(model)) {
            ModelInfo info = c.info();
            int hw = 64 * 64;
            float[] image = org.lumen.nn.model.Preprocess.load(a, 64, 3).data().clone();
            org.lumen.nn.model.Preprocess.normalise(image, 3, 64, info.mean(), info.std());
            float[] batch = new float[9 * 3 * hw];
            for (int k = 0; k < 9; k++) {
                float[] x = image.clone();
                for (int rank = 0; rank < Math.min(k * 512, hw); rank++) {
                    for (int ch = 0; ch < 3; ch++) {
                        x[ch * hw + order[rank]] = 0;
                    }
                }
                System.arraycopy(x, 0, batch, k * 3 * hw, 3 * hw);
            }
            float[][] logits = c.logits(batch, 9);
            int target = logits[0][1] > logits[0][0] ? 1 : 0;
            for (int k = 0; k < 9; k++) {
                double e0 = Math.exp(logits[k][0]);
                double e1 = Math.exp(logits[k][1]);
                want[k] = (target == 1 ? e1 : e0) / (e0 + e1);
            }
        }
        JsonNode m = Json.mapper().readTree(out.resolve(ExplainEvalCommand.JSON).toFile()).get("per_image").get(0)
                .get("methods").get("gradcam");
        JsonNode got = m.get("deletion");
        assertEquals(9, got.size());
        double auc = 0;
        for (int k = 0; k < 9; k++) {
            assertEquals(want[k], got.get(k).asDouble(), 1e-5, "deletion step " + k + ": " + got);
            auc += k == 0 ? 0 : (want[k] + want[k - 1]) / 2 / 8;
        }
        assertEquals(auc, m.get("deletion_auc").asDouble(), 1e-5);
        assertEquals(want[0], m.get("score").asDouble(), 1e-5);
    }

    @Test
    void explainBoxesWritesALocalisationBoxPerImage() throws IOException {
        Path out = tmp.resolve("cam");
        Run r = run("explain", "--model", model.toString(), "--method", "gradcam", "--layer", "layer3", "--boxes",
                "--out", out.toString(), a.toString(), b.toString());
        assertEquals(0, r.code(), r.err());
        for (String stem : List.of("a", "b")) {
            JsonNode j = Json.mapper().readTree(out.resolve(stem + ".gradcam.boxes.json").toFile());
            assertEquals(0.15, j.get("fraction").asDouble());
            assertEquals(64, j.get("width").asInt());
            JsonNode box = j.get("box");
            assertTrue(box.get(0).asDouble() >= 0 && box.get(0).asDouble() < box.get(2).asDouble()
                    && box.get(2).asDouble() <= 64, box.toString());
            assertTrue(box.get(1).asDouble() < box.get(3).asDouble() && box.get(3).asDouble() <= 64, box.toString());
            assertTrue(j.get("pixels").asInt() > 0);
        }
    }

    @Test
    void helpShowsExamples() {
        Run r = run("explain-eval", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--boxes"), r.out());
    }

    private void assertRefused(String expected, String... extra) {
        Path out = tmp.resolve("refused");
        String[] args = Stream.concat(Stream.of("explain-eval", "--model", model.toString(), "--out", out.toString()),
                Stream.of(extra)).toArray(String[]::new);
        Run r = run(args);
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains(expected), lines[0]);
        assertFalse(Files.exists(out), "no output folder after a refusal");
    }

    @Test
    void badInputIsOneErrorLine() {
        assertRefused("unknown method 'gradcan'", "--method", "gradcan", a.toString());
        assertRefused("names a method twice", "--method", "gradcam,gradcam", a.toString());
        assertRefused("--steps", "--method", "gradcam", "--steps", "0", a.toString());
        assertRefused("--percentiles", "--method", "gradcam", "--percentiles", "10,100", a.toString());
        assertRefused("none of the 1 images has boxes", "--method", "gradcam", "--boxes", coco.toString(),
                b.toString());
        assertRefused("no layer 'layer9'", "--method", "gradcam", "--layer", "layer9", a.toString());
        assertRefused("nothing.png: no such file", "--method", "gradcam", tmp.resolve("nothing.png").toString());
        assertRefused("Missing required option: '--method", a.toString());
    }
}
