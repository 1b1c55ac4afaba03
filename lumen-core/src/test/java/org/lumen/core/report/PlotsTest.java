package org.lumen.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.metrics.ClassificationMetrics;
import org.lumen.core.metrics.ConfusionMatrix;

class PlotsTest {
    @TempDir
    Path dir;

    private static ClassificationMetrics metrics() {
        Random random = new Random(5);
        int[] labels = new int[600];
        double[][] p = new double[labels.length][3];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(2); // class "artefact" never occurs: its curves are left out
            for (int k = 0; k < 3; k++) {
                p[i][k] = random.nextDouble() + (k == labels[i] ? 0.6 : 0);
            }
        }
        return ClassificationMetrics.of(labels, p, List.of("smooth", "clumpy", "artefact"));
    }

    @Test
    void curvesAreDrawn() throws IOException {
        ClassificationMetrics m = metrics();
        BufferedImage roc = render("roc.png", png -> Plots.roc(png, m));
        BufferedImage pr = render("pr.png", png -> Plots.precisionRecall(png, m));
        for (BufferedImage image : List.of(roc, pr)) {
            assertEquals(Plots.WIDTH, image.getWidth());
            assertEquals(Plots.HEIGHT, image.getHeight());
            assertTrue(countColour(image, 0x1f77b4) > 300, "first class's curve is drawn in the first colour");
            assertTrue(countColour(image, 0xff7f0e) > 300, "second class's curve is drawn in the second colour");
        }
        assertEquals(0xffffff, roc.getRGB(2, 2) & 0xffffff, "white background");
    }

    @Test
    void confusionMatrixShadesByShareOfTheTrueClass() throws IOException {
        ConfusionMatrix matrix = ConfusionMatrix.of(new int[] {0, 0, 0, 1}, new int[] {0, 0, 0, 0}, 2);
        BufferedImage image = render("confusion.png", png -> Plots.confusionMatrix(png, List.of("a", "b"), matrix));
        // rows (a, b) x columns (a, b) shares: 1, 0 / 1, 0: the left column is dark, the right one white.
        assertTrue(countColour(image, 0x08306b) > 10_000, "full cells are dark blue");
    }

    @Test
    void trainingCurvesHaveOnePanelPerColumn() throws IOException {
        ResultsCsv results = ResultsCsv.open(dir.resolve("results.csv"), List.of("train_loss", "val_loss", "lr"));
        for (int epoch = 1; epoch <= 5; epoch++) {
            results.append(epoch, Map.of("train_loss", 1.0 / epoch, "val_loss", 1.2 / epoch, "lr", 1e-3));
        }
        BufferedImage image = render("results.png", png -> Plots.trainingCurves(png, results));
        assertEquals(Plots.WIDTH, image.getWidth());
        assertEquals(Plots.HEIGHT, image.getHeight(), "three panels, two a row: two rows of 300");
        assertTrue(countColour(image, 0x1f77b4) > 300);
    }

    private interface Drawing {
        void draw(Path png) throws IOException;
    }

    private BufferedImage render(String name, Drawing drawing) throws IOException {
        Path png = dir.resolve(name);
        drawing.draw(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null, name + " is a PNG");
        return image;
    }

    private static int countColour(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }
}
