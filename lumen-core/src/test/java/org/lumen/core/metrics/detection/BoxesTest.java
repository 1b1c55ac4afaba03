package org.lumen.core.metrics.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BoxesTest {
    @Test
    void aboveKeepsTheDetectionsAtOrOverTheScoreInTheirOrderWithTheirBoxesAndLabels() {
        Boxes b = new Boxes(new double[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7},
                new int[] {3, 1, 2, 0}, new double[] {0.9, 0.2, 0.5, 0.49});
        Boxes kept = b.above(0.5);
        assertEquals(2, kept.size());
        assertArrayEquals(new double[] {0, 0, 1, 1, 4, 4, 5, 5}, kept.xyxy());
        assertArrayEquals(new int[] {3, 2}, kept.labels());
        assertArrayEquals(new double[] {0.9, 0.5}, kept.scores());
        assertEquals(0, b.above(0.95).size());
        assertEquals(4, b.above(0).size());
    }
}
