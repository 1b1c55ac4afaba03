package org.lumen.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThresholdSweepTest {
    /*
     * Scores 0.9 (pos), 0.5 (pos), 0.5 (neg), 0.1 (neg). Thresholds 0.9, 0.5, 0.1 give (TP, FP) = (1, 0),
     * (2, 1), (2, 2). ROC AUC = fraction of (pos, neg) pairs ranked right, ties half:
     * 0.9>0.5, 0.9>0.1, 0.5=0.5 (half), 0.5>0.1 -> 3.5 / 4 = 0.875.
     * AP = recall gained x precision: 0.5 x 1 (at 0.9) + 0.5 x 2/3 (at 0.5) = 5/6.
     */
    @Test
    void tiedScoresEnterTogether() {
        ThresholdSweep sweep = ThresholdSweep.of(new double[] {0.5, 0.5, 0.9, 0.1}, new boolean[] {true, false, true, false});
        assertEquals(0.875, sweep.rocAuc(), 1e-15);
        assertEquals(5.0 / 6, sweep.averagePrecision(), 1e-15);
        Curve pr = sweep.precisionRecallCurve().orElseThrow();
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, pr.x());
        assertArrayEquals(new double[] {1, 1, 2.0 / 3, 0.5}, pr.y());
        Curve roc = sweep.rocCurve().orElseThrow();
        assertArrayEquals(new double[] {0, 0, 0.5, 1}, roc.x());
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, roc.y());
        assertArrayEquals(new double[] {1.9, 0.9, 0.5, 0.1}, roc.thresholds());
    }

    @Test
    void negativeZeroTiesWithZero() {
        ThresholdSweep sweep = ThresholdSweep.of(new double[] {-0.0, 0.0}, new boolean[] {true, false});
        assertEquals(0.5, sweep.rocAuc());
    }

    @Test
    void undefinedWithoutPositivesOrNegatives() {
        ThresholdSweep allNegative = ThresholdSweep.of(new double[] {0.2, 0.7}, new boolean[] {false, false});
        assertTrue(Double.isNaN(allNegative.rocAuc()));
        assertTrue(Double.isNaN(allNegative.averagePrecision()));
        assertTrue(allNegative.rocCurve().isEmpty());
        assertTrue(allNegative.precisionRecallCurve().isEmpty());

        ThresholdSweep allPositive = ThresholdSweep.of(new double[] {0.2, 0.7}, new boolean[] {true, true});
        assertTrue(Double.isNaN(allPositive.rocAuc()));
        assertEquals(1.0, allPositive.averagePrecision()); // precision is 1 at every threshold
    }

    @Test
    void refusesNonFiniteScores() {
        assertThrows(IllegalArgumentException.class,
                () -> ThresholdSweep.of(new double[] {Double.NaN}, new boolean[] {true}));
    }
}
