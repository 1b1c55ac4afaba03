package org.lumen.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-made 4x4 masks with values worked out on paper. */
class SegmentationMetricsTest {
    /** Class 1 in the first {@code cols} columns of a 4x4 image. */
    static byte[] columns(int cols) {
        byte[] m = new byte[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < cols; x++) {
                m[y * 4 + x] = 1;
            }
        }
        return m;
    }

    @Test
    void diceIouAndPixelAccuracyFromTheConfusionMatrix() {
        SegmentationMetrics m = new SegmentationMetrics(3, 1);
        m.add(columns(2), columns(3), 4, 4); // TP 8, FP 4, FN 0 for class 1
        assertEquals(16.0 / 20, m.dice(1), 1e-12);
        assertEquals(8.0 / 12, m.iou(1), 1e-12);
        assertEquals(8.0 / 12, m.dice(0), 1e-12); // background TP 4, FN 4
        assertEquals(0.5, m.iou(0), 1e-12);
        assertEquals(0.75, m.pixelAccuracy(), 1e-12);
        assertTrue(Double.isNaN(m.dice(2)), "a class in neither mask is NaN");
        assertEquals(0.8, m.diceMean(), 1e-12); // over non-background classes, NaN skipped
        assertEquals(0.8, m.foregroundDice(), 1e-12);
    }

    @Test
    void foregroundMergesTheNonBackgroundClasses() {
        byte[] truth = columns(2);
        byte[] pred = columns(2);
        for (int y = 0; y < 4; y++) {
            pred[y * 4] = 2; // right place, wrong foreground class
        }
        SegmentationMetrics m = new SegmentationMetrics(3, 1);
        m.add(truth, pred, 4, 4);
        assertEquals(1.0, m.foregroundDice(), 1e-12);
        assertEquals(2.0 * 4 / (8 + 4), m.dice(1), 1e-12); // TP 4, FN 4
        assertEquals(0.0, m.dice(2), 1e-12);
    }

    @Test
    void boundaryF1WithinTheTolerance() {
        // truth boundary is column 1, prediction boundary column 2: one pixel apart
        assertEquals(0.0, SegmentationMetrics.boundaryF1(columns(2), columns(3), 4, 4, 1, 0), 1e-12);
        assertEquals(1.0, SegmentationMetrics.boundaryF1(columns(2), columns(3), 4, 4, 1, 1), 1e-12);
        // diagonal neighbours count at tolerance sqrt(2), not at 1.4
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        a[0] = 1; // boundary pixel (0,0)
        b[5] = 1; // boundary pixel (1,1)
        assertEquals(0.0, SegmentationMetrics.boundaryF1(a, b, 4, 4, 1, 1.4), 1e-12);
        assertEquals(1.0, SegmentationMetrics.boundaryF1(a, b, 4, 4, 1, Math.sqrt(2)), 1e-12);
        // precision 1, recall 1/2: truth boundary {(0,0), (3,3)}, prediction {(0,0)}
        byte[] t = new byte[16];
        t[0] = 1;
        t[15] = 1;
        assertEquals(2 * 0.5 / 1.5, SegmentationMetrics.boundaryF1(t, a, 4, 4, 1, 1), 1e-12);
        assertTrue(Double.isNaN(SegmentationMetrics.boundaryF1(new byte[16], new byte[16], 4, 4, 1, 1)));
        assertEquals(0.0, SegmentationMetrics.boundaryF1(a, new byte[16], 4, 4, 1, 1), 1e-12);
    }

    @Test
    void boundaryF1MeanSkipsImagesWhereTheClassIsAbsent() {
        SegmentationMetrics m = new SegmentationMetrics(2, 0);
        m.add(columns(2), columns(2), 4, 4); // 1
        m.add(columns(2), columns(3), 4, 4); // 0 at tolerance 0
        m.add(new byte[16], new byte[16], 4, 4); // no class-1 boundary anywhere: does not count
        assertEquals(0.5, m.boundaryF1(1), 1e-12);
        assertEquals(3, m.images());
    }
}
