package org.lumen.nn.explain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deletion, insertion, ROAD and confidence change on {@link RegionMeanModel} (score = mean of the 2 x 2 region R
 * of a 4 x 4 image), where every answer can be worked out by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaithfulnessMetricsTest {
    private static final double EPS = 1e-6;
    private NDManager manager;
    private final RegionMeanModel model = new RegionMeanModel();

    @BeforeAll
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    void close() {
        manager.close();
    }

    private NDArray images(float[]... images) {
        float[] flat = new float[images.length * 16];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, flat, i * 16, 16);
        }
        return manager.create(flat, new Shape(images.length, 1, 4, 4));
    }

    private static float[] ones() {
        float[] v = new float[16];
        Arrays.fill(v, 1);
        return v;
    }

    private FaithfulnessMetrics.Builder logits() {
        return FaithfulnessMetrics.builder().setModel(model).optScore(Score.LOGIT).optSteps(16)
                .optInsertionBaseline(FaithfulnessMetrics.Baseline.ZERO).optBatchSize(7);
    }

    /**
     * All-ones image, one pixel per step (17 points, fractions k/16). The perfect map deletes R first: scores
     * 1, .75, .5, .25, then 0 for the remaining 12 steps; the trapezoid is (1/16)(1/2 + .75 + .5 + .25) = 0.125,
     * half of R's share 4/16. Insertion from zeros mirrors it: 1 - 0.125 = 0.875. The worst map deletes R last:
     * 1 for k = 0..12, then .75, .5, .25, 0: (1/16)(1/2 + 12 + 1.5) = 0.875; its insertion is 0.125.
     */
    @Test
    void perfectAndWorstMapsGiveHandDerivedAreas() {
        FaithfulnessMetrics m = logits().build();
        NDArray x = images(ones(), ones());
        float[][] maps = {RegionMeanModel.perfect(), RegionMeanModel.worst()};
        int[] targets = {0, 0};
        List<PerturbationCurve> del = m.deletion(x, maps, targets);
        List<PerturbationCurve> ins = m.insertion(x, maps, targets);
        assertEquals(17, del.get(0).fractions().length);
        assertArrayEquals(new double[] {1, .75, .5, .25, 0}, Arrays.copyOf(del.get(0).scores(), 5), EPS);
        assertEquals(0.0625, del.get(0).fractions()[1], EPS);
        assertEquals(0.125, del.get(0).auc(), EPS);
        assertEquals(0.875, ins.get(0).auc(), EPS);
        assertEquals(0.875, del.get(1).auc(), EPS);
        assertEquals(0.125, ins.get(1).auc(), EPS);
    }

    /** 5 steps over 16 pixels: ceil(16/5) = 4 pixels a step, 4 steps. Perfect deletion is 1, 0, 0, 0, 0: 0.125. */
    @Test
    void stepsThatDoNotDivideThePixelsRoundUp() {
        PerturbationCurve c = logits().optSteps(5).build().deletion(images(ones()),
                new float[][] {RegionMeanModel.perfect()}, new int[] {0}).get(0);
        assertArrayEquals(new double[] {0, .25, .5, .75, 1}, c.fractions(), EPS);
        assertArrayEquals(new double[] {1, 0, 0, 0, 0}, c.scores(), EPS);
        assertEquals(0.125, c.auc(), EPS);
    }

    /** The probability of class 0 is softmax([m, 0])[0] = 1 / (1 + e^-m): sigmoid(1) unmodified, 1/2 once R is gone. */
    @Test
    void probabilityScoreIsTheSoftmax() {
        PerturbationCurve c = logits().optSteps(4).optScore(Score.PROBABILITY).build().deletion(images(ones()),
                new float[][] {RegionMeanModel.perfect()}, new int[] {0}).get(0);
        double s1 = 1 / (1 + Math.exp(-1));
        assertArrayEquals(new double[] {s1, .5, .5, .5, .5}, c.scores(), EPS);
        assertEquals(.25 * (s1 + .5) / 2 + .75 * .5, c.auc(), EPS);
    }

    /**
     * Insertion from the blur starts at the region mean of the blurred image. With zero padding, pixel (y, x) of a
     * blurred all-ones 4 x 4 image is r(y) r(x), r(i) = the kernel's weights landing inside the image; R is rows
     * and columns 0-1, so the mean over R is ((r(0) + r(1)) / 2)^2.
     */
    @Test
    void insertionStartsFromTheBlurredImage() {
        double[] k = GaussianBlur.kernel();
        double[] r = new double[2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                r[i] += k[j - i + 5];
            }
        }
        double expected = Math.pow((r[0] + r[1]) / 2, 2);
        PerturbationCurve c = logits().optInsertionBaseline(FaithfulnessMetrics.Baseline.BLUR).build()
                .insertion(images(ones()), new float[][] {RegionMeanModel.perfect()}, new int[] {0}).get(0);
        assertEquals(expected, c.scores()[0], 1e-5);
        assertEquals(1, c.scores()[16], EPS);
    }

    /** Any ordering keeps at least as much of R at every step as the perfect one: random maps never beat it. */
    @Test
    void randomMapsScoreNoBetterThanThePerfectOne() {
        Random random = new Random(3);
        float[][] maps = new float[8][16];
        for (float[] m : maps) {
            for (int p = 0; p < 16; p++) {
                m[p] = random.nextFloat();
            }
        }
        float[][] all = Arrays.copyOf(maps, 9);
        all[8] = RegionMeanModel.perfect();
        float[][] imgs = new float[9][];
        Arrays.fill(imgs, ones());
        int[] targets = new int[9];
        FaithfulnessMetrics m = logits().build();
        List<PerturbationCurve> del = m.deletion(images(imgs), all, targets);
        List<PerturbationCurve> ins = m.insertion(images(imgs), all, targets);
        for (int i = 0; i < 8; i++) {
            assertTrue(del.get(i).auc() >= del.get(8).auc() - EPS);
            assertTrue(ins.get(i).auc() <= ins.get(8).auc() + EPS);
        }
        double meanRandom = del.subList(0, 8).stream().mapToDouble(PerturbationCurve::auc).average().orElseThrow();
        assertTrue(meanRandom > del.get(8).auc() + 0.1, "random maps' mean deletion AUC " + meanRandom);
    }

    /**
     * Image 1 on R and 0 elsewhere, noise 0, ROAD at 25%. MoRF with the perfect map removes R (4 pixels); they are
     * imputed from their known neighbours, all 0, so the score drops from 1 to 0: -1. LeRF removes the last 4 of
     * the ranking (pixels 15, 14, 11, 10, outside R): R is untouched, change 0. Combined = (0 - (-1)) / 2 = 0.5.
     */
    @Test
    void roadOnARegionImage() {
        float[] img = RegionMeanModel.perfect();
        Road r = logits().optRoadPercentiles(25).optNoise(0).build()
                .road(images(img), new float[][] {RegionMeanModel.perfect()}, new int[] {0}).get(0);
        assertEquals(1, r.original(), EPS);
        assertArrayEquals(new double[] {-1}, r.morf(), EPS);
        assertArrayEquals(new double[] {0}, r.lerf(), EPS);
        assertEquals(0.5, r.combined(), EPS);
        // the worst map swaps the roles
        Road w = logits().optRoadPercentiles(25).optNoise(0).build()
                .road(images(img), new float[][] {RegionMeanModel.worst()}, new int[] {0}).get(0);
        assertEquals(-0.5, w.combined(), EPS);
    }

    /**
     * All-ones image times the perfect map keeps R: score 1, change 0, no increase. Times a map of 0.5
     * everywhere: score 0.5, a drop of 0.5 (relative 0.5). Times 2 on R (not a heatmap, but the arithmetic
     * holds): an increase.
     */
    @Test
    void confidenceChangeMultipliesTheImageByTheMap() {
        float[] half = new float[16];
        Arrays.fill(half, .5f);
        float[] twice = RegionMeanModel.perfect();
        for (int p = 0; p < 16; p++) {
            twice[p] *= 2;
        }
        List<ConfidenceChange> c = logits().build().confidenceChange(images(ones(), ones(), ones()),
                new float[][] {RegionMeanModel.perfect(), half, twice}, new int[] {0, 0, 0});
        assertEquals(0, c.get(0).change(), EPS);
        assertFalse(c.get(0).increase());
        assertEquals(0.5, c.get(1).drop(), EPS);
        assertEquals(0.5, c.get(1).relativeDrop(), EPS);
        assertTrue(c.get(2).increase());
        assertEquals(0, c.get(2).drop(), EPS);
    }

    /** An image's results are the same alone and in a batch with others, noise included. */
    @Test
    void batchEqualsPerImage() {
        Random random = new Random(5);
        float[][] imgs = new float[3][16];
        float[][] maps = new float[3][16];
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < 16; p++) {
                imgs[i][p] = random.nextFloat();
                maps[i][p] = random.nextFloat();
            }
        }
        FaithfulnessMetrics m = FaithfulnessMetrics.builder().setModel(model).optSteps(8).optRoadPercentiles(20, 60)
                .optBatchSize(5).optSeed(9).build();
        int[] t = {0, 1, 0};
        List<PerturbationCurve> del = m.deletion(images(imgs), maps, t);
        List<PerturbationCurve> ins = m.insertion(images(imgs), maps, t);
        List<Road> road = m.road(images(imgs), maps, t);
        for (int i = 0; i < 3; i++) {
            int[] ti = {t[i]};
            float[][] mi = {maps[i]};
            assertArrayEquals(del.get(i).scores(), m.deletion(images(imgs[i]), mi, ti).get(0).scores(), 1e-6);
            assertArrayEquals(ins.get(i).scores(), m.insertion(images(imgs[i]), mi, ti).get(0).scores(), 1e-6);
            assertArrayEquals(road.get(i).morf(), m.road(images(imgs[i]), mi, ti).get(0).morf(), 1e-6);
            assertArrayEquals(road.get(i).lerf(), m.road(images(imgs[i]), mi, ti).get(0).lerf(), 1e-6);
        }
    }

    @Test
    void refusesMismatchedInputs() {
        FaithfulnessMetrics m = logits().build();
        assertThrows(IllegalArgumentException.class, () -> m.deletion(images(ones()), new float[][] {new float[9]},
                new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> m.deletion(images(ones()),
                new float[][] {RegionMeanModel.perfect()}, new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> FaithfulnessMetrics.builder().optRoadPercentiles(100));
        assertThrows(IllegalStateException.class, () -> FaithfulnessMetrics.builder().build());
    }
}
