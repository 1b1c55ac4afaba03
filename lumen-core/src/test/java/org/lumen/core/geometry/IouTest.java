package org.lumen.core.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IouTest {
    /** [0,0,2,2] and [1,1,2,2] share one unit square: 1 / (4 + 4 - 1); against a crowd, 1 / 4 (the detection's area). */
    @Test
    void boxesByHand() {
        assertEquals(1.0 / 7, Iou.box(0, 0, 2, 2, 1, 1, 2, 2, false), 0);
        assertEquals(1.0 / 4, Iou.box(0, 0, 2, 2, 1, 1, 2, 2, true), 0);
        assertEquals(0, Iou.box(0, 0, 1, 1, 1, 0, 1, 1, false), 0); // touching edges
        assertEquals(1, Iou.box(3, 4, 5, 6, 3, 4, 5, 6, false), 0);
        // a detection inside a large crowd region overlaps it fully
        assertEquals(1, Iou.box(10, 10, 5, 5, 0, 0, 100, 100, true), 0);
    }

    @Test
    void boxMatrixIsOneRowPerDetection() {
        double[] dt = {0, 0, 2, 2, 5, 5, 1, 1};
        double[] gt = {1, 1, 2, 2, 0, 0, 2, 2, 9, 9, 1, 1};
        double[] out = new double[6];
        Iou.boxes(dt, 0, 2, gt, 0, 3, new boolean[] {false, false, false}, out);
        assertArrayEquals(new double[] {1.0 / 7, 1, 0, 0, 0, 0}, out, 0);
    }

    /** The same boxes as masks: 4-pixel squares sharing pixel (1,1). */
    @Test
    void masksByHand() {
        Rle a = Rle.fromBox(0, 0, 2, 2, 4, 4), b = Rle.fromBox(1, 1, 2, 2, 4, 4);
        assertEquals(1.0 / 7, Iou.mask(a, b, false), 0);
        assertEquals(1.0 / 4, Iou.mask(a, b, true), 0);
        assertEquals(0, Iou.mask(a, Rle.fromBox(2, 2, 2, 2, 4, 4), false), 0);
        // overlapping boxes but different image sizes: -1, so they can never match (as pycocotools)
        assertEquals(-1, Iou.mask(a, Rle.fromBox(1, 1, 2, 2, 5, 5), false), 0);
    }
}
