package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.lumen.core.LumenException;

class SplitsTest {
    /** 3 classes of 17, 9 and 4 samples, interleaved. */
    private static final int[] LABELS = labels(17, 9, 4);

    @Test
    void kFoldPutsEverySampleInOneFoldWithClassCountsWithinOne() {
        int k = 5;
        int[] fold = Splits.kFold(LABELS, k, 11);
        int[][] perClass = new int[3][k];
        int[] sizes = new int[k];
        for (int i = 0; i < LABELS.length; i++) {
            assertTrue(fold[i] >= 0 && fold[i] < k);
            perClass[LABELS[i]][fold[i]]++;
            sizes[fold[i]]++;
        }
        int[] classSizes = {17, 9, 4};
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < k; f++) {
                assertTrue(Math.abs(perClass[c][f] - classSizes[c] / (double) k) < 1, "class " + c + " fold " + f);
            }
        }
        assertTrue(Arrays.stream(sizes).max().getAsInt() - Arrays.stream(sizes).min().getAsInt() <= 1);
    }

    @Test
    void kFoldIsSeeded() {
        assertArrayEquals(Splits.kFold(LABELS, 4, 1), Splits.kFold(LABELS, 4, 1));
        assertFalse(Arrays.equals(Splits.kFold(LABELS, 4, 1), Splits.kFold(LABELS, 4, 2)));
    }

    @Test
    void kFoldRefusesImpossibleK() {
        assertThrows(LumenException.class, () -> Splits.kFold(LABELS, 1, 0));
        assertThrows(LumenException.class, () -> Splits.kFold(new int[] {0, 1}, 3, 0));
    }

    @Test
    void stratifiedSplitHasTheFractionsOfEachClass() {
        int[] part = Splits.stratified(LABELS, new double[] {0.7, 0.15, 0.15}, 5);
        int[][] counts = new int[3][3];
        for (int i = 0; i < LABELS.length; i++) {
            counts[LABELS[i]][part[i]]++;
        }
        assertArrayEquals(new int[] {12, 3, 2}, counts[0]); // 11.9, 2.55, 2.55 by largest remainder
        assertArrayEquals(new int[] {6, 2, 1}, counts[1]);  // 6.3, 1.35, 1.35
        assertArrayEquals(new int[] {3, 1, 0}, counts[2]);  // 2.8, 0.6, 0.6
        assertArrayEquals(part, Splits.stratified(LABELS, new double[] {0.7, 0.15, 0.15}, 5));
    }

    @Test
    void trainValMarksTheValidationShare() {
        boolean[] val = Splits.trainVal(LABELS, 0.2, 3);
        int n = 0;
        for (boolean v : val) {
            n += v ? 1 : 0;
        }
        assertEquals(3 + 2 + 1, n); // 17 x 0.2 = 3.4 -> 3, 9 x 0.2 = 1.8 -> 2, 4 x 0.2 = 0.8 -> 1
    }

    @Test
    void apportionAddsUp() {
        assertArrayEquals(new int[] {21, 5, 4}, Splits.apportion(30, new double[] {0.7, 0.15, 0.15}));
        assertThrows(IllegalArgumentException.class, () -> Splits.stratified(LABELS, new double[] {0.5, 0.4}, 0));
    }

    private static int[] labels(int... sizes) {
        int total = Arrays.stream(sizes).sum();
        int[] labels = new int[total];
        int[] left = sizes.clone();
        for (int i = 0, c = 0; i < total; c = (c + 1) % sizes.length) {
            if (left[c] > 0) {
                labels[i++] = c;
                left[c]--;
            }
        }
        return labels;
    }
}
