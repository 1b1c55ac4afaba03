package org.lumen.core.metrics.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.lumen.core.metrics.Curve;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {
    /*
     * Image 0: truths A = [0,0,10,10] (class 0), B = [20,20,30,30] (class 0), C = [40,40,50,50] (class 1).
     *   d0 = [0,0,10,10]  class 0, score 0.9: IoU 1 with A -> TP (takes A)
     *   d1 = [1,0,11,10]  class 0, score 0.8: IoU with A = 90/110 = 0.818, but A is taken -> FP (a duplicate)
     *   d2 = [40,40,50,50] class 0, score 0.7: C has class 1 -> FP when class-aware, TP when agnostic
     *   d3 = [20,20,30,35] class 0, score 0.3: IoU with B = 100/150 = 0.667 -> TP
     * Image 1: no truth; d4 = [0,0,5,5] class 1, score 0.6 -> FP.
     */
    private static final List<Boxes> TRUTH = List.of(
            Boxes.truth(new double[] {0, 0, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50}, new int[] {0, 0, 1}),
            Boxes.empty(false));
    private static final List<Boxes> DETS = List.of(
            new Boxes(new double[] {0, 0, 10, 10, 1, 0, 11, 10, 40, 40, 50, 50, 20, 20, 30, 35},
                    new int[] {0, 0, 0, 0}, new double[] {0.9, 0.8, 0.7, 0.3}),
            new Boxes(new double[] {0, 0, 5, 5}, new int[] {1}, new double[] {0.6}));

    @Test
    void completenessAndPurityByHand() {
        DetectionMetrics m = DetectionMetrics.evaluate(TRUTH, DETS, 2, 0.5, 0.5, false);
        // score >= 0.5: d0 (TP), d1 (FP), d2 (FP), d4 (FP); 3 truths
        assertEquals(1.0 / 3, m.completeness(), 1e-15);
        assertEquals(1.0 / 4, m.purity(), 1e-15);
        // score >= 0: d3 joins as TP
        assertEquals(2.0 / 3, m.completeness(-1, 0), 1e-15);
        assertEquals(2.0 / 5, m.purity(-1, 0), 1e-15);
        // class 0: truths A, B; detections d0..d3
        assertEquals(1.0, m.completeness(0, 0), 1e-15);
        assertEquals(0.5, m.purity(0, 0), 1e-15);
        // class 1: truth C never found; d4 is FP
        assertEquals(0.0, m.completeness(1, 0), 1e-15);
        assertEquals(0.0, m.purity(1, 0), 1e-15);
        assertEquals(2 * 0.25 * (1.0 / 3) / (0.25 + 1.0 / 3), m.f1(-1, 0.5), 1e-15);
    }

    @Test
    void classAgnosticMatchingCountsObjects() {
        DetectionMetrics m = DetectionMetrics.evaluate(TRUTH, DETS, 2, 0.5, 0.5, true);
        // d2 now takes C: score >= 0.5 -> d0, d2 TP; d1, d4 FP
        assertEquals(2.0 / 3, m.completeness(), 1e-15);
        assertEquals(2.0 / 4, m.purity(), 1e-15);
        assertEquals(1.0, m.completeness(-1, 0), 1e-15);
        assertEquals(3.0 / 5, m.purity(-1, 0), 1e-15);
    }

    @Test
    void precisionRecallCurveHasOnePointPerScore() {
        DetectionMetrics m = DetectionMetrics.evaluate(TRUTH, DETS, 2, 0.5, 0.5, false);
        Curve pr = m.precisionRecall(-1);
        // pooled scores 0.9 (TP), 0.8 (FP), 0.7 (FP), 0.6 (FP), 0.3 (TP)
        assertArrayEquals(new double[] {0.9, 0.8, 0.7, 0.6, 0.3}, pr.thresholds(), 0);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 2 / 3.0}, pr.x(), 1e-15);
        assertArrayEquals(new double[] {1, 0.5, 1 / 3.0, 0.25, 0.4}, pr.y(), 1e-15);
        Curve f1 = m.f1Confidence(-1, 11);
        assertEquals(0.5, f1.x()[5], 1e-15);
        assertEquals(m.f1(-1, 0.5), f1.y()[5], 1e-15);
        assertEquals(0.0, f1.y()[10], 1e-15); // nothing scores 1.0
    }

    @Test
    void confusionMatrixWithBackground() {
        // conf 0.5 (strict >): d0, d1, d2, d4 kept. IoU > 0.5 pairs: A-d0 (1.0), A-d1 (0.818), C-d2 (1.0).
        // Pairs by IoU: A-d0, C-d2 taken; A-d1 dropped (A used). B has no pair -> (background, 0).
        // d1 and d4 unpaired -> (their class, background).
        DetectionMetrics m = DetectionMetrics.evaluate(TRUTH, DETS, 2, 0.5, 0.5, false);
        long[][] c = m.confusion();
        long[][] want = {
            {1, 1, 1}, // predicted 0: true A; C (predicted as class 0); d1 as background
            {0, 0, 1}, // predicted 1: d4 on background
            {1, 0, 0}, // background: B missed
        };
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(want[i], c[i], "row " + i);
        }
    }

    @Test
    void rejectsLabelsOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionMetrics.evaluate(TRUTH, DETS, 1, 0.5, 0.5, false));
        assertEquals("label 1 in image 0 is outside [0, 1)", e.getMessage());
    }
}
