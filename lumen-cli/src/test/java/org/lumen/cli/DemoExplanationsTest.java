package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.image.Colormap;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageOps;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.classify.FolderImages;
import org.lumen.nn.model.ModelInfo;

/**
 * The demo's explanation step and report on a small survey and an untrained resnet18: the picked galaxies, their
 * overlays, the pointing game over exactly the clumpy ones, and the report's explanation column.
 */
class DemoExplanationsTest {
    @TempDir
    Path tmp;

    @Test
    void explainsPickedGalaxiesAndReportsTheirScores() throws IOException {
        Path survey = tmp.resolve("survey");
        GalaxySurvey.builder().optCount(40).optSeed(4).optSize(DemoCommand.IMGSZ).build().write(survey);
        ModelInfo info = new ModelInfo("classify", DemoCommand.ARCH, List.of("clumpy", "smooth"), DemoCommand.IMGSZ,
                3, ModelInfo.IMAGENET_MEAN, ModelInfo.IMAGENET_STD, null);
        FolderImages images = FolderImages.load(ImageFolder.open(survey.resolve("classify"), "test"),
                DemoCommand.IMGSZ, 3);
        try (Classifier model = Classifier.create(info, 1)) {
            Evaluation e = Evaluation.of(model, images, 16);
            List<Integer> picked = DemoExplanations.pick(e, images);
            assertEquals(Math.min(DemoExplanations.COUNT, images.size()), picked.size());
            assertEquals(picked.size(), new HashSet<>(picked).size(), "no galaxy twice");

            DemoExplanations x = DemoExplanations.run(model, e, images,
                    survey.resolve("detect/annotations/instances_test.json"), tmp.resolve("run/explain"));
            assertEquals(picked, List.copyOf(x.shown.keySet()));
            long clumpy = picked.stream().filter(i -> images.label(i) == 0).count();
            Map<?, ?> pointing = (Map<?, ?>) x.summary.get("pointing_game");
            assertEquals(clumpy, ((Number) pointing.get("images")).longValue(), "pointing game over the clumpy ones");
            for (DemoExplanations.Shown s : x.shown.values()) {
                assertTrue(Files.size(s.overlay()) > 100);
                BufferedImage png = ImageIO.read(s.overlay().toFile());
                // enlarged for display: the 64-pixel input was written as a 64-pixel thumbnail before
                assertEquals(DemoExplanations.DISPLAY, png.getHeight(), "overlay height");
                assertTrue(png.getWidth() > DemoExplanations.DISPLAY, "image and legend bar: " + png.getWidth());
                double del = s.scores().deletion().auc();
                assertTrue(del >= 0 && del <= 1, "deletion AUC " + del);
            }
            assertTrue(Files.isRegularFile(x.curves));

            Path report = DemoReport.write(tmp, tmp.resolve("run"), tmp.resolve("run/test"), e, images, x, null, "test",
                    1.0);
            String html = Files.readString(report);
            assertTrue(html.contains("<h2>Explanations</h2>") && html.contains("pointing game (clumpy galaxies"), html);
            String overlay = x.shown.values().iterator().next().overlay().getFileName().toString();
            assertTrue(html.contains(overlay), "overlay in a grid cell");
        }
    }

    /**
     * The display overlay puts the map where it belongs after enlarging: a map hot (1) in the top-left quadrant of a
     * 64-pixel grey image and cold (0) elsewhere gives, 4x enlarged, grey blended half-and-half with viridis(1) deep
     * inside that quadrant and with viridis(0) deep inside the opposite one.
     */
    @Test
    void overlayIsEnlargedWithTheMapInPlace() {
        float[] grey = new float[3 * 64 * 64];
        java.util.Arrays.fill(grey, 0.5f);
        Image image = new Image(3, 64, 64, grey, 8, Image.Scale.NORMALISED);
        float[] heat = new float[64 * 64];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                heat[y * 64 + x] = 1f;
            }
        }
        BufferedImage out = DemoExplanations.overlay(image, heat);
        assertEquals(256, out.getHeight());
        int v = ImageOps.toRgb8(image).getRGB(0, 0) & 255;
        assertEquals(half(v, Colormap.viridis().rgb(1f)), out.getRGB(40, 60) & 0xffffff, "hot quadrant");
        assertEquals(half(v, Colormap.viridis().rgb(0f)), out.getRGB(200, 180) & 0xffffff, "cold quadrant");
        int edge = out.getRGB(127, 60) & 0xffffff; // the bilinear ramp between them: neither end
        assertTrue(edge != half(v, Colormap.viridis().rgb(1f)) && edge != half(v, Colormap.viridis().rgb(0f)));
    }

    private static int half(int grey, int rgb) {
        int r = Math.round(0.5f * grey + 0.5f * ((rgb >> 16) & 255));
        int g = Math.round(0.5f * grey + 0.5f * ((rgb >> 8) & 255));
        int b = Math.round(0.5f * grey + 0.5f * (rgb & 255));
        return r << 16 | g << 8 | b;
    }
}
