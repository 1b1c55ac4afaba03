package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;

/** Boxes and masks of the original image mapped to the model's input (an 8x4 image stretched to 4x4). */
class RegionsTest {
    @Test
    void boxesAreCheckedAndScaled() {
        assertTrue(Regions.isBox(new double[] {1, 2, 3, 4}));
        assertFalse(Regions.isBox(new double[] {3, 2, 1, 4}));
        assertFalse(Regions.isBox(new double[] {1, 2, 3}));
        assertFalse(Regions.isBox(null));
        assertArrayEquals(new double[] {0.5, 2, 1.5, 4}, Regions.scaleBox(new double[] {1, 2, 3, 4}, 8, 4, 4), 1e-12);
    }

    @Test
    void aBoxCoversTheInputPixelsItTouches() {
        // x 1..3 of 8 -> 0.5..1.5 of 4: columns 0 and 1; y 1..2 of 4 -> row 1; x 6..9 -> 3..4.5: column 3, clipped
        float[] m = Regions.boxMask(new double[] {1, 1, 3, 2}, 8, 4, 4);
        float[] want = new float[16];
        want[4] = 1;
        want[5] = 1;
        assertArrayEquals(want, m);
        float[] edge = Regions.boxMask(new double[] {6, 0, 9, 1}, 8, 4, 4);
        assertEquals(1f, edge[3]);
        float sum = 0;
        for (float v : edge) {
            sum += v;
        }
        assertEquals(1f, sum);
    }

    @Test
    void aMaskImageKeepsItsNonZeroPixelsNearestNeighbour() {
        float[] data = new float[4 * 8];
        data[2 * 8 + 6] = 1; // row 2, column 6 -> input (2, 3)
        Image mask = new Image(1, 4, 8, data, 8, Image.Scale.NORMALISED);
        float[] m = Regions.mask(mask, 8, 4, 4, "mask.png");
        float[] want = new float[16];
        want[2 * 4 + 3] = 1;
        assertArrayEquals(want, m);
        LumenException size = assertThrows(LumenException.class, () -> Regions.mask(mask, 8, 5, 4, "mask.png"));
        assertEquals("mask.png: the region mask is 8x4 but the image is 8x5", size.line());
        data[2 * 8 + 6] = 0;
        data[2 * 8 + 7] = 1; // column 7 is never sampled at 4 wide (sources 0, 2, 4, 6)
        LumenException none = assertThrows(LumenException.class, () -> Regions.mask(mask, 8, 4, 4, "mask.png"));
        assertFalse(none.isSetting());
        assertTrue(none.getMessage().contains("no non-zero pixel"), none.getMessage());
    }
}
