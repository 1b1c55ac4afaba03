package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.segment.Segmenter;

/**
 * A folder of two good PNGs and one corrupt one through {@code predict} and {@code explain}: the bad file gets one
 * error line, the good ones the very output a run without it gives, and the exit code is 2; {@code --strict}
 * stops at the bad file.
 */
class PerFileErrorsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path folder;
    static Path good1;
    static Path bad;
    static Path good2;

    @BeforeAll
    static void setUp() throws IOException {
        model = TestModels.save(dir.resolve("model"), List.of("clumpy", "smooth"));
        folder = dir.resolve("images");
        good1 = image(folder.resolve("a.png"), 1);
        // sorted between the good ones, so it sits inside their batch
        bad = folder.resolve("b-truncated.png");
        Files.copy(BadImageCorpusTest.CORPUS.resolve("truncated.png"), bad);
        good2 = image(folder.resolve("c.png"), 2);
    }

    private static Path image(Path p, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        Files.createDirectories(p.getParent());
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    /** Exactly one error line, naming the bad file; returns it. */
    private static String oneErrorFor(Cli.Result r, Path file) {
        assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
        List<String> errors = r.errLines().stream().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).startsWith("error: " + file + ": "), r::toString);
        assertTrue(errors.get(0).contains("truncated"), r::toString);
        return errors.get(0);
    }

    @Test
    void predictSkipsTheBadFileAndPredictsTheOthersAsWithoutIt() {
        Cli.Result clean = Cli.run("predict", "--model", model, "--json", good1, good2);
        assertEquals(0, clean.exit(), clean::toString);
        assertEquals(2, clean.outLines().size(), clean::toString);

        Cli.Result r = Cli.run("predict", "--model", model, "--json", folder);
        oneErrorFor(r, bad);
        assertEquals(clean.out(), r.out());

        Cli.Result text = Cli.run("predict", "--model", model, "--batch", 1, folder);
        oneErrorFor(text, bad);
        assertEquals(2, text.outLines().size(), text::toString);
    }

    @Test
    void predictStrictStopsAtTheBadFile() {
        Cli.Result first = Cli.run("predict", "--model", model, "--json", good1);
        Cli.Result r = Cli.run("predict", "--model", model, "--json", "--strict", folder);
        oneErrorFor(r, bad);
        assertEquals(first.out(), r.out(), "only the file before the bad one");
        assertTrue(!r.out().contains("c.png"), r::toString);
    }

    @Test
    void explainWritesTheGoodFilesAsWithoutTheBadOne() throws IOException {
        Path cleanOut = dir.resolve("cam-clean");
        Cli.Result clean = Cli.run("explain", "--model", model, "--method", "gradcam", "--out", cleanOut, good1, good2);
        assertEquals(0, clean.exit(), clean::toString);

        Path out = dir.resolve("cam");
        Cli.Result r = Cli.run("explain", "--model", model, "--method", "gradcam", "--out", out, folder);
        oneErrorFor(r, bad);
        Map<String, String> written = Cli.snapshot(out);
        assertEquals(Cli.snapshot(cleanOut), written);
        assertEquals(6, written.size(), written::toString); // a and c: .png, .npy, .raw.npy
        assertEquals(clean.out().replace(cleanOut.toString(), out.toString()), r.out());
    }

    @Test
    void explainStrictStopsAtTheBadFile() throws IOException {
        Path out = dir.resolve("cam-strict");
        Cli.Result r = Cli.run("explain", "--model", model, "--method", "gradcam", "--strict", "--out", out, folder);
        oneErrorFor(r, bad);
        assertEquals(List.of("a.gradcam.npy", "a.gradcam.png", "a.gradcam.raw.npy"),
                List.copyOf(Cli.snapshot(out).keySet()));
    }

    @Test
    void attackWritesTheGoodFilesAsWithoutTheBadOne() throws IOException {
        Path cleanOut = dir.resolve("adv-clean");
        Cli.Result clean = Cli.run("attack", "--model", model, "--method", "pgd", "--steps", 2, "--out", cleanOut, good1,
                good2);
        assertEquals(0, clean.exit(), clean::toString);
        assertEquals(2, clean.outLines().size(), clean::toString);

        Path out = dir.resolve("adv");
        Cli.Result r = Cli.run("attack", "--model", model, "--method", "pgd", "--steps", 2, "--out", out, folder);
        oneErrorFor(r, bad);
        assertEquals(Cli.snapshot(cleanOut), Cli.snapshot(out));
        assertEquals(List.of("a.pgd.npy", "a.pgd.png", "c.pgd.npy", "c.pgd.png"), List.copyOf(Cli.snapshot(out).keySet()));
        assertEquals(clean.out().replace(cleanOut.toString(), out.toString()), r.out());
    }

    @Test
    void attackRefusesBadSettingsWithOneLineAndWritesNothing() {
        Path out = dir.resolve("adv-refused");
        String[][] cases = {
            {"--eps", "8/zero", "error: --eps: must be a number or a fraction such as 8/255, got '8/zero'"},
            {"--eps", "-1", "error: --eps: must be a finite number >= 0, got -1.0"},
            {"--method", "pgdd", "error: --method: unknown attack 'pgdd'"},
            {"--steps", "0", "error: --steps: must be between 1 and 10000, got 0"},
            {"--target", "nope", "error: --target: no class named 'nope'"},
        };
        for (String[] c : cases) {
            Cli.Result r = Cli.run("attack", "--model", model, c[0], c[1], "--out", out, good1);
            assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
            List<String> errors = r.errLines().stream().filter(l -> l.startsWith("error: ")).toList();
            assertEquals(1, errors.size(), r::toString);
            assertTrue(errors.get(0).startsWith(c[2]), errors.get(0));
            assertTrue(!Files.exists(out), "nothing written for " + c[0] + " " + c[1]);
        }
        Cli.Result both = Cli.run("attack", "--model", model, "--label", "clumpy", "--target", "smooth", "--out", out,
                good1);
        assertEquals(Main.BAD_INPUT, both.exit(), both::toString);
        assertTrue(both.err().contains("error: --target: give --label (untargeted) or --target (targeted), not both"),
                both::toString);
    }

    @Test
    void detectorAndSegmenterSkipTheBadFileToo() throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        Path det = dir.resolve("det");
        try (Detector d = Detector.create(new ModelInfo("detect", "yolov8n", List.of("clump"), 64, 3, norm[0], norm[1],
                null), 0)) {
            d.save(det, null);
        }
        Cli.Result clean = Cli.run("predict", "--model", det, "--json", "--conf", 0, good1, good2);
        assertEquals(0, clean.exit(), clean::toString);
        Cli.Result r = Cli.run("predict", "--model", det, "--json", "--conf", 0, folder);
        oneErrorFor(r, bad);
        assertEquals(clean.out(), r.out());

        Path seg = dir.resolve("seg");
        try (Segmenter m = Segmenter.create(new ModelInfo(Segmenter.TASK, "unet-w16-d4", List.of("background", "clump"),
                32, 3, norm[0], norm[1], null), 0)) {
            m.save(seg, null);
        }
        Path masksClean = dir.resolve("masks-clean");
        assertEquals(0, Cli.run("predict", "--model", seg, "--out", masksClean, good1, good2).exit());
        Path masks = dir.resolve("masks");
        oneErrorFor(Cli.run("predict", "--model", seg, "--out", masks, folder), bad);
        assertEquals(Cli.snapshot(masksClean), Cli.snapshot(masks));
        Path none = dir.resolve("masks-none");
        oneErrorFor(Cli.run("predict", "--model", seg, "--out", none, bad), bad);
        assertTrue(!Files.exists(none), "no mask folder when no image could be read");
    }
}
