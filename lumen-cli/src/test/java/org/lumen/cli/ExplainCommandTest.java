package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.image.ImageOps;
import org.lumen.core.io.Npy;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.explain.Attribution;
import org.lumen.nn.explain.Cam;

/** {@code lumen explain} end to end on a tiny random resnet18 (64x64, two classes), and its refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainCommandTest {
    @TempDir
    static Path tmp;
    private Path model;
    private Path a;
    private Path b;

    /** Exit code, stdout and stderr of one run. */
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
        b = image("sub/b.png", 2);
    }

    private Path image(String name, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(80, 60, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 80; x++) {
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
    void writesOverlayHeatmapAndRawMapPerImage() throws IOException {
        Path out = tmp.resolve("cam");
        Run r = run("explain", "--model", model.toString(), "--method", "gradcam++", "--out", out.toString(),
                a.toString(), b.getParent().toString());
        assertEquals(0, r.code(), r.err());
        for (String stem : List.of("a", "b")) {
            Npy.Array heat = Npy.read(out.resolve(stem + ".gradcam++.npy"));
            assertArrayEquals(new int[] {64, 64}, heat.shape());
            for (float v : heat.floats()) {
                assertTrue(v >= 0 && v <= 1, "heatmap value " + v);
            }
            Npy.Array raw = Npy.read(out.resolve(stem + ".gradcam++.raw.npy"));
            assertArrayEquals(new int[] {2, 2}, raw.shape()); // layer4 of a 64x64 input
            BufferedImage png = ImageIO.read(out.resolve(stem + ".gradcam++.png").toFile());
            assertEquals(64, png.getHeight());
            assertTrue(png.getWidth() > 64, "a legend bar beside the image");
        }
        assertTrue(r.out().contains("a.png: "), r.out());
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".explain-")), "staging folder left");
        }
    }

    @Test
    void layerTargetByNameAndCounterfactualIntoAnExistingFolder() throws IOException {
        Path out = tmp.resolve("existing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Run r = run("explain", "--model", model.toString(), "--method", "hirescam", "--layer", "layer3",
                "--target", "smooth", "--counterfactual", "--out", out.toString(), a.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(": smooth "), r.out());
        assertArrayEquals(new int[] {4, 4}, Npy.read(out.resolve("a.hirescam.raw.npy")).shape());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void attributionsWriteTheSignedMapAndIntegratedGradientsItsCompletenessGap() throws IOException {
        Path out = tmp.resolve("attr");
        Run r = run("explain", "--model", model.toString(), "--method", "integrated-gradients", "--steps", "8",
                "--out", out.toString(), a.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("completeness delta"), r.out());
        Npy.Array attr = Npy.read(out.resolve("a.integrated-gradients.attr.npy"));
        assertArrayEquals(new int[] {64, 64}, attr.shape());
        Npy.Array raw = Npy.read(out.resolve("a.integrated-gradients.raw.npy"));
        for (int p = 0; p < raw.floats().length; p++) {
            assertEquals(Math.max(attr.floats()[p], 0), raw.floats()[p], 0f); // raw = ReLU of the signed map
        }
        Run occ = run("explain", "--model", model.toString(), "--method", "occlusion", "--window", "16", "--stride",
                "8", "--out", out.toString(), a.toString());
        assertEquals(0, occ.code(), occ.err());
        assertTrue(Files.isRegularFile(out.resolve("a.occlusion.png")));
        Run sg = run("explain", "--model", model.toString(), "--method", "smoothgrad", "--samples", "3",
                "--out", out.toString(), a.toString());
        assertEquals(0, sg.code(), sg.err());
        assertArrayEquals(new int[] {64, 64}, Npy.read(out.resolve("a.smoothgrad.npy")).shape());
        Run lime = run("explain", "--model", model.toString(), "--method", "lime", "--segments", "4", "--samples", "40",
                "--out", out.toString(), a.toString());
        assertEquals(0, lime.code(), lime.err());
        float[] map = Npy.read(out.resolve("a.lime.attr.npy")).floats();
        assertEquals(map[0], map[15], 0f); // one value per 16 x 16 superpixel
        assertRefused("--samples: lime needs at least segments^2 + 1 = 65", "--method", "lime", "--samples", "20",
                a.toString());
        Run slic = run("explain", "--model", model.toString(), "--method", "kernelshap", "--superpixels", "slic",
                "--segments", "4", "--samples", "40", "--out", out.toString(), a.toString());
        assertEquals(0, slic.code(), slic.err());
        assertArrayEquals(new int[] {64, 64}, Npy.read(out.resolve("a.kernelshap.attr.npy")).shape());
        Run gg = run("explain", "--model", model.toString(), "--method", "guided-gradcam", "--layer", "layer3",
                "--out", out.toString(), a.toString());
        assertEquals(0, gg.code(), gg.err());
        float[] ggMap = Npy.read(out.resolve("a.guided-gradcam.npy")).floats();
        float max = 0;
        for (float v : ggMap) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max, 1e-3); // scaled by max + 1e-7 (pytorch-grad-cam), and not all zero
        assertRefused("--layer: guided-gradcam takes one layer", "--method", "guided-gradcam", "--layer",
                "layer3,layer4", a.toString());
        assertRefused("--superpixels: must be grid or slic", "--method", "lime", "--superpixels", "quickshift",
                a.toString());
    }

    /**
     * The heatmap explain writes equals Cam called directly on the same model and preprocessed image, and
     * pytorch-grad-cam's Grad-CAM (written in frontdoor/workflow_reference.py) of torchvision's resnet18 on the
     * saved weights; the signed integrated-gradients map equals Attribution called directly.
     */
    @Test
    void gradcamAndIntegratedGradientsEqualTheLibraryAndGradcamPyTorch() throws IOException {
        Path out = tmp.resolve("cam-ref");
        Run r = run("explain", "--model", model.toString(), "--method", "gradcam", "--out", out.toString(),
                a.toString());
        assertEquals(0, r.code(), r.err());
        Run ig = run("explain", "--model", model.toString(), "--method", "integrated-gradients", "--steps", "8",
                "--out", out.toString(), a.toString());
        assertEquals(0, ig.code(), ig.err());
        float[] heat = Npy.read(out.resolve("a.gradcam.npy")).floats();
        float[] attr = Npy.read(out.resolve("a.integrated-gradients.attr.npy")).floats();
        try (Classifier c = Classifier.load(model)) {
            ModelInfo info = c.info();
            float[] v = Preprocess.load(a, info.imgsz(), info.channels()).data().clone();
            Preprocess.normalise(v, info.channels(), info.imgsz(), info.mean(), info.std());
            ai.djl.ndarray.NDArray x = c.manager().create(v, new ai.djl.ndarray.types.Shape(1, 3, 64, 64));
            float[] lib = Cam.builder().setModel(c.net()).setMethod("gradcam").optLayers("layer4").build().explain(x)
                    .get(0).heatmap();
            assertTrue(maxAbsDiff(lib, heat) <= 1e-6, "gradcam vs Cam: " + maxAbsDiff(lib, heat));
            float[] libAttr = Attribution.builder().setModel(c.net()).setMethod("integrated-gradients").optSteps(8)
                    .build().attribute(x, null).get(0).signed();
            double scale = maxAbsDiff(libAttr, new float[libAttr.length]);
            assertTrue(scale > 0 && maxAbsDiff(libAttr, attr) <= 1e-5 * scale, "integrated-gradients vs Attribution: "
                    + maxAbsDiff(libAttr, attr) + " of " + scale);
        }
        Path want = tmp.resolve("gradcam.torch.npy");
        FrontDoor.reference(tmp.resolve("python"), "workflow_reference.py", "gradcam", "resnet18",
                model.resolve("weights.safetensors").toString(), "2", "64", "layer4", want.toString(), a.toString());
        float[] torch = Npy.read(want).floats();
        assertTrue(maxAbsDiff(torch, heat) <= 2e-3, "gradcam vs PyTorch: " + maxAbsDiff(torch, heat));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    @Test
    void helpShowsExamples() {
        Run r = run("explain", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--counterfactual"), r.out());
    }

    @Test
    void helpListsEveryMethodOfTheRegistries() {
        Run r = run("explain", "--help");
        assertEquals(0, r.code());
        String text = r.out().replaceAll("\\s+", " ");
        assertEquals(20, org.lumen.nn.explain.Explainers.methods().size());
        for (String m : org.lumen.nn.explain.Explainers.methods()) {
            assertTrue(text.contains(" " + m + ",") || text.contains(" " + m + " (default"), m + " missing: " + text);
        }
    }

    private void assertRefused(String expected, String... extra) {
        Path out = tmp.resolve("refused");
        String[] args = Stream.concat(Stream.of("explain", "--model", model.toString(), "--out", out.toString()),
                Stream.of(extra)).toArray(String[]::new);
        Run r = run(args);
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains(expected), lines[0]);
        assertFalse(Files.exists(out), "no output folder after a refusal");
    }

    @Test
    void badInputIsOneErrorLineAndNoOutput() throws IOException {
        assertRefused("unknown method 'gradcan'; did you mean gradcam", "--method", "gradcan", a.toString());
        assertRefused("unknown method 'saliencyy'; did you mean saliency", "--method", "saliencyy", a.toString());
        assertRefused("--steps: must be between 1 and 1000, got 0", "--method", "integrated-gradients", "--steps", "0",
                a.toString());
        assertRefused("--window: must be at most the input size 64, got 65", "--method", "occlusion", "--window", "65",
                a.toString());
        assertRefused("--layer: saliency attributes to input pixels and takes no layer", "--method", "saliency",
                "--layer", "layer4", a.toString());
        assertRefused("--base: smoothgrad takes saliency", "--method", "smoothgrad", "--base", "gradcam", a.toString());
        assertRefused("--box: is for detectors", "--box", "1,2,30,40", a.toString());
        assertRefused("no layer 'layer5' in resnet18; did you mean", "--layer", "layer5", a.toString());
        assertRefused("--target: class 7 is out of range: the model has 2 classes (0..1)", "--target", "7",
                a.toString());
        assertRefused("no class named 'spiral'; classes: clumpy, smooth", "--target", "spiral", a.toString());
        assertRefused("the output of 'fc' is not spatial", "--layer", "fc", a.toString());
        assertRefused("--counterfactual: negates gradients, and eigencam uses none", "--method", "eigencam",
                "--counterfactual", a.toString());
        Path broken = tmp.resolve("images").resolve("zz_broken.png");
        Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        // alone it leaves no output; beside good files they are explained and it is skipped (PerFileErrorsTest)
        assertRefused("zz_broken.png", "--batch", "1", broken.toString());
        Files.delete(broken);
    }
}
