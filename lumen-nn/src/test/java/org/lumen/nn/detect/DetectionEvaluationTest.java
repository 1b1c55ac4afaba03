package org.lumen.nn.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.lumen.core.data.DetectionData;
import org.lumen.core.metrics.coco.CocoEval;
import org.lumen.core.metrics.coco.CocoEvaluation;
import org.lumen.core.metrics.coco.IouType;
import org.lumen.nn.model.ModelInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation around a detector, with a detector that is right by construction ({@link SquaresNet}) on
 * 48 x 36 images of white rectangles resized to 24 x 24 and back: every metric must be perfect, and the
 * files written must reproduce the statistics through {@code coco-eval}.
 */
class DetectionEvaluationTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws Exception {
        SquaresNet.register();
        Path images = dir.resolve("images/val");
        Path labels = dir.resolve("labels/val");
        Files.createDirectories(images);
        Files.createDirectories(labels);
        // rectangles on a grid of 2 px in x and 3 px in y, so that 48x36 -> 24x24 maps their edges to pixel edges
        int[][][] rects = {
            {{4, 6, 16, 12}, {30, 18, 36, 33}},          // a wide one (class 0), a tall one (class 1)
            {{20, 3, 40, 15}},                           // wide
            {},                                          // an image without objects
        };
        for (int i = 0; i < rects.length; i++) {
            BufferedImage im = new BufferedImage(48, 36, BufferedImage.TYPE_INT_RGB);
            StringBuilder txt = new StringBuilder();
            for (int[] r : rects[i]) {
                for (int y = r[1]; y < r[3]; y++) {
                    for (int x = r[0]; x < r[2]; x++) {
                        im.setRGB(x, y, 0xffffff);
                    }
                }
                int cls = r[2] - r[0] > r[3] - r[1] ? 0 : 1;
                txt.append(String.format(java.util.Locale.ROOT, "%d %.6f %.6f %.6f %.6f%n", cls,
                        (r[0] + r[2]) / 2.0 / 48, (r[1] + r[3]) / 2.0 / 36, (r[2] - r[0]) / 48.0, (r[3] - r[1]) / 36.0));
            }
            ImageIO.write(im, "png", images.resolve("im" + i + ".png").toFile());
            Files.writeString(labels.resolve("im" + i + ".txt"), txt.toString());
        }
        Files.createDirectories(dir.resolve("images/train"));
        Files.writeString(dir.resolve("data.yaml"), "path: " + dir + "\ntrain: images/train\nval: images/val\n"
                + "names:\n  0: wide\n  1: tall\n");
    }

    @Test
    void aPerfectDetectorScoresPerfectlyAndTheFilesReproduceTheStatistics() throws Exception {
        DetectionData val = DetectionData.read(dir.resolve("data.yaml"), "val", false, null);
        PreparedDetections prepared = PreparedDetections.load(val, 24);
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("detect", SquaresNet.ARCH, List.of("wide", "tall"), 24, 3, norm[0], norm[1],
                null);
        try (Detector d = Detector.create(info, 0)) {
            DetectionEvaluation e = DetectionEvaluation.of(d, prepared, 2, 0.5, 0.25, false, 0);
            // boxes back in original pixels: the first image's wide rectangle exactly
            assertArrayEquals(new double[] {4, 6, 16, 12}, java.util.Arrays.copyOf(e.detections().get(0).xyxy(), 4),
                    1e-9);
            assertEquals(1.0, e.metrics().completeness(), 0);
            assertEquals(1.0, e.metrics().purity(), 0);
            assertEquals(1.0, e.coco().stats()[1], 1e-12); // AP50
            assertEquals(1.0, e.coco().stats()[0], 1e-12); // AP50:95: the boxes are exact
            long[][] c = e.metrics().confusion();
            assertArrayEquals(new long[] {2, 0, 0}, c[0]);
            assertArrayEquals(new long[] {0, 1, 0}, c[1]);
            assertArrayEquals(new long[] {0, 0, 0}, c[2]);

            Path out = dir.resolve("val-out");
            DetectionReport.write(out, e, prepared);
            JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
            assertEquals(1.0, m.path("map50").asDouble(), 1e-12);
            assertEquals(2, m.path("per_class").path("wide").path("instances").asInt());
            assertEquals(3, m.path("images").asInt());
            CocoEvaluation again = CocoEval.evaluate(out.resolve("ground_truth.json"), out.resolve("detections.json"),
                    IouType.BBOX);
            assertArrayEquals(e.coco().stats(), again.stats(), 1e-12);
            for (String png : List.of("pr_curve.png", "f1_curve.png", "confusion_matrix.png")) {
                assertTrue(Files.size(out.resolve(png)) > 1000, png);
            }
        }
    }
}
