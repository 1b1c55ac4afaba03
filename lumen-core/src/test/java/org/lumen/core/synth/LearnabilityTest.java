package org.lumen.core.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The classes can be told apart from the images alone. The feature is a rotational asymmetry in the
 * spirit of Conselice (2000): a Sérsic galaxy is point-symmetric about its centre and a clump is not, so
 * the largest excess of the blue channel over its 180-degree-rotated self marks a clump. A threshold on
 * that one number must classify well above chance; a CNN, which learns much more, does better.
 */
class LearnabilityTest {

    @Test
    void asymmetryAloneSeparatesClumpyFromSmooth() {
        GalaxySurvey survey = GalaxySurvey.builder().optCount(200).optSeed(5).build();
        double[] feature = new double[200];
        boolean[] clumpy = new boolean[200];
        for (int k = 0; k < 200; k++) {
            feature[k] = blueAsymmetry(survey.image(k));
            clumpy[k] = survey.galaxy(k).clumpy();
        }
        double best = 0;
        for (double threshold : feature) {
            int right = 0;
            for (int k = 0; k < 200; k++) {
                right += (feature[k] > threshold) == clumpy[k] ? 1 : 0;
            }
            best = Math.max(best, right / 200.0);
        }
        assertTrue(best >= 0.9, "best threshold accuracy " + best);
    }

    /** Max over pixels of the 3x3-smoothed blue channel minus itself rotated about the brightest pixel. */
    private static double blueAsymmetry(BufferedImage image) {
        int size = image.getWidth();
        double[] blue = new double[size * size];
        for (int p = 0; p < blue.length; p++) {
            blue[p] = image.getRGB(p % size, p / size) & 0xff;
        }
        double[] smooth = new double[blue.length];
        for (int y = 1; y < size - 1; y++) {
            for (int x = 1; x < size - 1; x++) {
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        smooth[y * size + x] += blue[(y + dy) * size + x + dx] / 9;
                    }
                }
            }
        }
        int centre = 0;
        for (int p = 0; p < smooth.length; p++) {
            centre = smooth[p] > smooth[centre] ? p : centre;
        }
        int cx = centre % size, cy = centre / size;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rx = 2 * cx - x, ry = 2 * cy - y;
                if (rx >= 0 && ry >= 0 && rx < size && ry < size) {
                    max = Math.max(max, smooth[y * size + x] - smooth[ry * size + rx]);
                }
            }
        }
        return max;
    }
}
