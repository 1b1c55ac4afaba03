package org.lumen.core.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RLE by hand on small masks, and properties on random ones. Masks are written row by row; RLE runs go down columns. */
class RleTest {
    @Test
    void placedInACanvasEqualsPastingTheDecodedMask() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            int h = r.nextInt(0, 9);
            int w = r.nextInt(0, 9);
            int canvasH = h + r.nextInt(0, 6);
            int canvasW = w + r.nextInt(0, 6);
            int x = r.nextInt(0, canvasW - w + 1);
            int y = r.nextInt(0, canvasH - h + 1);
            byte[] tile = new byte[h * w];
            double p = r.nextDouble(); // sparse to full
            for (int i = 0; i < tile.length; i++) {
                tile[i] = (byte) (r.nextDouble() < p ? 1 : 0);
            }
            byte[] canvas = new byte[canvasH * canvasW];
            for (int row = 0; row < h; row++) {
                System.arraycopy(tile, row * w, canvas, (y + row) * canvasW + x, w);
            }
            Rle placed = Rle.encode(tile, h, w).placedIn(canvasH, canvasW, x, y);
            assertEquals(Rle.encode(canvas, canvasH, canvasW), placed,
                    "trial " + trial + ": " + h + "x" + w + " at (" + x + ", " + y + ") in " + canvasH + "x" + canvasW);
        }
        // the one-pixel hand case: a set pixel at (1, 2) of a 3x4 canvas is column-major position 1 * 3 + 2 = 5
        assertArrayEquals(new int[] {5, 1, 6}, Rle.encode(new byte[] {1}, 1, 1).placedIn(3, 4, 1, 2).counts());
        Rle two = Rle.encode(new byte[] {1, 1, 1, 1}, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> two.placedIn(3, 3, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> two.placedIn(3, 3, 0, -1));
    }

    /**
     * <pre>
     *   . # # .      column-major: 0001 1100 1100 0000
     *   . # # .      runs: 3 zeros, 3 ones, 2 zeros, 2 ones, 6 zeros
     *   . . . .
     *   # . . .
     * </pre>
     */
    private static final byte[] SHAPE = {
        0, 1, 1, 0,
        0, 1, 1, 0,
        0, 0, 0, 0,
        1, 0, 0, 0};

    @Test
    void encodesDownColumns() {
        Rle rle = Rle.encode(SHAPE, 4, 4);
        assertArrayEquals(new int[] {3, 3, 2, 2, 6}, rle.counts());
        assertArrayEquals(SHAPE, rle.decode());
        assertEquals(5, rle.area());
        assertArrayEquals(new double[] {0, 0, 3, 4}, rle.bbox());
    }

    /** A set first pixel starts with an empty run of zeros; an empty mask is one run. */
    @Test
    void edgeRuns() {
        assertArrayEquals(new int[] {0, 1, 3}, Rle.encode(new byte[] {1, 0, 0, 0}, 2, 2).counts());
        Rle empty = Rle.encode(new byte[6], 2, 3);
        assertArrayEquals(new int[] {6}, empty.counts());
        assertEquals(0, empty.area());
        assertArrayEquals(new double[] {0, 0, 0, 0}, empty.bbox());
        assertArrayEquals(new int[] {0, 4}, Rle.encode(new byte[] {1, 1, 1, 1}, 2, 2).counts());
    }

    /**
     * Counts 3, 3, 2, 2, 6: the first three as themselves ('3' '3' '2'), then differences to the count two
     * before: 2 - 3 = -1 is 5 bits 11111 with the sign bit set and no continuation (48 + 31 = 'O'), 6 - 2 = 4 is '4'.
     */
    @Test
    void compressedStringByHand() {
        Rle rle = Rle.encode(SHAPE, 4, 4);
        assertEquals("332O4", rle.toCompressedString());
        assertEquals(rle, Rle.fromCompressedString("332O4", 4, 4));
        // 40 needs two characters: 40 = 0b01000_01000 -> low 5 bits 01000 with continuation (0x20): 48+8+32 = 'X',
        // then 00001 = '1'
        Rle tall = Rle.of(40, 1, new int[] {0, 40});
        assertEquals("0X1", tall.toCompressedString());
        assertEquals(tall, Rle.fromCompressedString("0X1", 40, 1));
    }

    /** A crowd region from the segm fixture, written by pycocotools: its area and box as pycocotools computed them. */
    @Test
    void pycocotoolsStringRoundTrips() {
        String counts = "Xcg07o53N1N3N1O1O1O1O12N2N2N2O0O2N1LiZ<";
        Rle rle = Rle.fromCompressedString(counts, 200, 200);
        assertEquals(209, rle.area());
        assertArrayEquals(new double[] {120, 158, 16, 20}, rle.bbox());
        assertEquals(counts, rle.toCompressedString());
    }

    @Test
    void malformedStringsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("332O4", 4, 5)); // sums to 16
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("3 3", 4, 4)); // ' ' < 48
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("X", 4, 4)); // ends mid-count
        assertThrows(IllegalArgumentException.class, () -> Rle.of(2, 2, new int[] {5, -1}));
    }

    /**
     * The box [1, 1, 2, 2] in a 5x5 image covers the pixels with centres (1,1), (2,1), (1,2), (2,2). Upsampled 5x
     * its outline crosses the column centres x = 1 and 2 (u = 7 and 12) at rows 1 and 3, giving the boundaries
     * x * 5 + y = 6, 8, 11, 13 and the end 25: runs 6, 2, 3, 2, 12.
     */
    @Test
    void boxAndPolygonByHand() {
        int[] expected = {6, 2, 3, 2, 12};
        assertArrayEquals(expected, Rle.fromBox(1, 1, 2, 2, 5, 5).counts());
        assertArrayEquals(expected, Rle.fromPolygon(new double[] {1, 1, 3, 1, 3, 3, 1, 3}, 5, 5).counts());
        assertArrayEquals(expected, Rle.fromPolygon(new double[] {1, 3, 3, 3, 3, 1, 1, 1}, 5, 5).counts());
        assertEquals(4, Rle.fromBox(1, 1, 2, 2, 5, 5).area());
    }

    /** Whole-pixel boxes have exactly w * h pixels; parts outside the image are cut off. */
    @Test
    void boxesCoverTheirPixels() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            int h = 1 + random.nextInt(30), w = 1 + random.nextInt(30);
            int x = random.nextInt(w), y = random.nextInt(h);
            int bw = 1 + random.nextInt(w - x), bh = 1 + random.nextInt(h - y);
            Rle box = Rle.fromBox(x, y, bw, bh, h, w);
            assertEquals((long) bw * bh, box.area());
            assertArrayEquals(new double[] {x, y, bw, bh}, box.bbox());
        }
        assertEquals(4, Rle.fromBox(-3, -3, 5, 5, 10, 10).area());
    }

    @Test
    void mergeByHand() {
        byte[] other = {
            0, 0, 1, 1,
            0, 0, 0, 0,
            0, 0, 0, 0,
            1, 0, 0, 0};
        Rle a = Rle.encode(SHAPE, 4, 4), b = Rle.encode(other, 4, 4);
        byte[] union = {
            0, 1, 1, 1,
            0, 1, 1, 0,
            0, 0, 0, 0,
            1, 0, 0, 0};
        byte[] intersection = {
            0, 0, 1, 0,
            0, 0, 0, 0,
            0, 0, 0, 0,
            1, 0, 0, 0};
        assertEquals(Rle.encode(union, 4, 4), Rle.merge(List.of(a, b), false));
        assertEquals(Rle.encode(intersection, 4, 4), Rle.merge(List.of(a, b), true));
        assertEquals(a, Rle.merge(List.of(a), false));
        assertEquals(0, Rle.merge(List.of(), false).height());
        assertThrows(IllegalArgumentException.class, () -> Rle.merge(List.of(a, Rle.encode(new byte[4], 2, 2)), false));
    }

    @Test
    void randomMasksAgreeWithPixels() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 300; i++) {
            int h = 1 + random.nextInt(12), w = 1 + random.nextInt(12);
            byte[] a = randomMask(random, h, w), b = randomMask(random, h, w);
            Rle ra = Rle.encode(a, h, w), rb = Rle.encode(b, h, w);
            assertArrayEquals(a, ra.decode());
            assertEquals(ra, Rle.fromCompressedString(ra.toCompressedString(), h, w));
            assertEquals(count(a), ra.area());
            byte[] or = new byte[a.length], and = new byte[a.length];
            for (int p = 0; p < a.length; p++) {
                or[p] = (byte) (a[p] | b[p]);
                and[p] = (byte) (a[p] & b[p]);
            }
            assertEquals(Rle.encode(or, h, w), Rle.merge(List.of(ra, rb), false));
            assertEquals(Rle.encode(and, h, w), Rle.merge(List.of(ra, rb), true));
            double expected = count(or) == 0 || count(and) == 0 ? 0 : (double) count(and) / count(or);
            boolean boxesApart = Iou.box(ra.bbox()[0], ra.bbox()[1], ra.bbox()[2], ra.bbox()[3],
                    rb.bbox()[0], rb.bbox()[1], rb.bbox()[2], rb.bbox()[3], false) <= 0;
            if (!boxesApart) {
                assertEquals(expected, Iou.mask(ra, rb, false), 0, "iou");
                assertEquals(count(and) == 0 ? 0 : (double) count(and) / count(a), Iou.mask(ra, rb, true), 0, "crowd");
            } else {
                assertEquals(0, count(and));
            }
        }
    }

    private static byte[] randomMask(SplittableRandom random, int h, int w) {
        byte[] mask = new byte[h * w];
        double density = random.nextDouble();
        for (int p = 0; p < mask.length; p++) {
            mask[p] = (byte) (random.nextDouble() < density ? 1 : 0);
        }
        return mask;
    }

    private static long count(byte[] mask) {
        long n = 0;
        for (byte b : mask) {
            n += b;
        }
        return n;
    }
}
