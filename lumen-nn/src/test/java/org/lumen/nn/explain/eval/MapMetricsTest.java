package org.lumen.nn.explain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics that need no model: pointing game, rank correlation, localisation box. */
class MapMetricsTest {
    /** A 10 x 10 map with its maximum at column 7, row 2 (centre (7.5, 2.5)). */
    private static float[] peak() {
        float[] m = new float[100];
        m[2 * 10 + 7] = 1;
        m[5 * 10 + 5] = 0.5f;
        return m;
    }

    /**
     * Box [0, 0, 5, 5]: the centre (7.5, 2.5) is 2.5 px right of it, a miss at tolerance 2 and a hit at 2.5.
     * Box [8, 4, 10, 10]: 0.5 right and 1.5 below, distance sqrt(2.5) = 1.58: a hit at 1.6, a miss at 1.5.
     */
    @Test
    void pointingGameAgainstBoxes() {
        PointingGame.Result r = PointingGame.boxes(peak(), 10, 10, List.of(new double[] {0, 0, 5, 5}), 2);
        assertEquals(7, r.x());
        assertEquals(2, r.y());
        assertFalse(r.hit());
        assertTrue(PointingGame.boxes(peak(), 10, 10, List.of(new double[] {0, 0, 5, 5}), 2.5).hit());
        assertTrue(PointingGame.boxes(peak(), 10, 10, List.of(new double[] {8, 4, 10, 10}), 1.6).hit());
        assertFalse(PointingGame.boxes(peak(), 10, 10, List.of(new double[] {8, 4, 10, 10}), 1.5).hit());
        assertTrue(PointingGame.boxes(peak(), 10, 10, List.of(new double[] {0, 0, 1, 1}, new double[] {7, 2, 8, 3}),
                0).hit());
        assertFalse(PointingGame.boxes(peak(), 10, 10, List.of(), 15).hit());
    }

    /** Mask pixel (9, 4) is 2 columns right and 2 rows down of the peak (7, 2): distance sqrt(8) = 2.83. */
    @Test
    void pointingGameAgainstMasks() {
        boolean[] mask = new boolean[100];
        mask[4 * 10 + 9] = true;
        assertFalse(PointingGame.mask(peak(), 10, 10, mask, 2.8).hit());
        assertTrue(PointingGame.mask(peak(), 10, 10, mask, 2.9).hit());
        mask[2 * 10 + 7] = true;
        assertTrue(PointingGame.mask(peak(), 10, 10, mask, 0).hit());
    }

    /**
     * a = [1, 2, 2, 3, 5] ranks [1, 2.5, 2.5, 4, 5]; b = [2, 1, 4, 4, 3] ranks [2, 1, 4.5, 4.5, 3]. Centred:
     * [-2, -.5, -.5, 1, 2] and [-1, -2, 1.5, 1.5, 0]; products sum to 3.75, squares to 9.5 each: rho = 3.75 / 9.5
     * (scipy's spearmanr: 0.39473684).
     */
    @Test
    void spearmanWithTies() {
        float[] a = {1, 2, 2, 3, 5};
        float[] b = {2, 1, 4, 4, 3};
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4, 5}, RankCorrelation.ranks(a), 0);
        assertEquals(3.75 / 9.5, RankCorrelation.spearman(a, b), 1e-12);
        assertEquals(1, RankCorrelation.spearman(a, new float[] {10, 20, 20, 30, 500}), 1e-12);
        assertEquals(-1, RankCorrelation.spearman(new float[] {1, 2, 3}, new float[] {3, 2, 1}), 1e-12);
        assertTrue(Double.isNaN(RankCorrelation.spearman(a, new float[5])));
    }

    /**
     * Two blobs on a 6 x 8 map: A = 3 pixels at rows 0-1 (one joined only diagonally: 8-connectivity keeps it),
     * B = 4 pixels in a row at row 4, columns 3-6, with the highest value 1. At 15% of 1 both count; B is larger,
     * so the box is [3, 4, 7, 5]. Then B shrinks to a tie with A, and at 70% only B's 1 and 0.9 remain.
     */
    @Test
    void localisationBoxIsTheLargestConnectedRegion() {
        float[] m = new float[48];
        m[0] = 0.5f;
        m[1] = 0.5f;
        m[8 + 2] = 0.5f; // (row 1, column 2): touches (0, 1) diagonally
        m[4 * 8 + 3] = 0.6f;
        m[4 * 8 + 4] = 1;
        m[4 * 8 + 5] = 0.9f;
        m[4 * 8 + 6] = 0.8f;
        m[2 * 8 + 7] = 0.1f; // below 15%: not part of anything
        LocalisationBox b = LocalisationBox.of(m, 6, 8, LocalisationBox.DEFAULT_FRACTION);
        assertArrayEquals(new double[] {3, 4, 7, 5}, b.xyxy(), 0);
        assertEquals(4, b.pixels());
        assertEquals(0.15, b.threshold(), 1e-7);
        m[4 * 8 + 3] = 0;
        m[4 * 8 + 6] = 0;
        m[3 * 8 + 4] = 0.2f;
        // now A and B (1, 0.9 and the 0.2 above them) have 3 pixels each: the tie goes to the first met, A
        LocalisationBox a = LocalisationBox.of(m, 6, 8, 0.15);
        assertArrayEquals(new double[] {0, 0, 3, 2}, a.xyxy(), 0);
        assertArrayEquals(new double[] {0, 0, 1.5, 1}, a.scaled(0.5, 0.5), 0);
        assertArrayEquals(new double[] {4, 4, 6, 5}, LocalisationBox.of(m, 6, 8, 0.7).xyxy(), 0);
        assertNull(LocalisationBox.of(new float[48], 6, 8, 0.15));
    }
}
