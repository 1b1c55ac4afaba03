package org.lumen.core.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ContoursTest {
    private static byte[] mask(int h, int w, String... rows) {
        byte[] m = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m[y * w + x] = (byte) (rows[y].charAt(x) == '#' ? 1 : 0);
            }
        }
        return m;
    }

    @Test
    void componentsAreFourConnected() {
        byte[] m = mask(3, 4, "##..", "..#.", "..##");
        int[] labels = Contours.components(m, 3, 4, (byte) 1);
        assertEquals(2, labels[12]);
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0, 2, 0, 0, 0, 2, 2}, java.util.Arrays.copyOf(labels, 12));
    }

    @Test
    void anLShapeIsTracedClockwiseFromItsTopLeftCorner() {
        byte[] m = mask(3, 3, ".#.", ".##", "...");
        double[] xy = Contours.largestOutline(Rle.encode(m, 3, 3));
        assertArrayEquals(new double[] {1, 0, 2, 0, 2, 1, 3, 1, 3, 2, 1, 2}, xy, 0);
        assertEquals(3, Math.abs(Polygons.signedArea(xy)), 0);
        assertEquals(Rle.encode(m, 3, 3), Rle.fromPolygon(xy, 3, 3));
    }

    @Test
    void diagonalNeighboursAreApartAndTheLargestWins() {
        byte[] m = mask(4, 4, "#...", ".##.", ".##.", "....");
        assertArrayEquals(new double[] {1, 1, 3, 1, 3, 3, 1, 3}, Contours.largestOutline(Rle.encode(m, 4, 4)), 0);
        assertNull(Contours.largestOutline(Rle.encode(new byte[16], 4, 4)));
    }

    @Test
    void holesAreFilled() {
        byte[] m = mask(3, 3, "###", "#.#", "###");
        double[] xy = Contours.largestOutline(Rle.encode(m, 3, 3));
        assertArrayEquals(new double[] {0, 0, 3, 0, 3, 3, 0, 3}, xy, 0);
        assertEquals(9, Rle.fromPolygon(xy, 3, 3).area());
    }

    /** mask -> polygon -> mask: discs of radius 1.5 to 20 at off-grid centres come back pixel for pixel. */
    @Test
    void discsRoundTripExactly() {
        int h = 48, w = 50;
        double worst = 1;
        for (double r = 1.5; r < 20; r += 0.37) {
            byte[] m = new byte[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = x + 0.5 - 24.3, dy = y + 0.5 - 23.7;
                    m[y * w + x] = (byte) (dx * dx + dy * dy <= r * r ? 1 : 0);
                }
            }
            Rle rle = Rle.encode(m, h, w);
            double[] polygon = Contours.largestOutline(rle);
            assertNull(Polygons.fault(polygon));
            Rle back = Rle.fromPolygon(polygon, h, w);
            double iou = Iou.mask(rle, back, false);
            worst = Math.min(worst, iou);
        }
        assertEquals(1.0, worst, 0, "worst IoU of the disc round trips");
    }

    /** Random blobs (rectangles plus scattered pixels): the outline rasterises to the largest component, filled. */
    @Test
    void randomBlobsRoundTripToTheirLargestComponent() {
        Random random = new Random(7);
        for (int t = 0; t < 200; t++) {
            int h = 5 + random.nextInt(20), w = 5 + random.nextInt(20);
            byte[] m = new byte[h * w];
            for (int k = 0; k < 3; k++) {
                int x0 = random.nextInt(w), y0 = random.nextInt(h);
                for (int y = y0; y < Math.min(h, y0 + 1 + random.nextInt(6)); y++) {
                    for (int x = x0; x < Math.min(w, x0 + 1 + random.nextInt(6)); x++) {
                        m[y * w + x] = 1;
                    }
                }
            }
            for (int k = 0; k < h * w / 8; k++) {
                m[random.nextInt(h * w)] = 1;
            }
            int[] labels = Contours.components(m, h, w, (byte) 1);
            int[] sizes = new int[labels[h * w] + 1];
            for (int p = 0; p < h * w; p++) {
                sizes[labels[p]]++;
            }
            int largest = 1;
            for (int c = 2; c < sizes.length; c++) {
                largest = sizes[c] > sizes[largest] ? c : largest;
            }
            double[] polygon = Contours.largestOutline(Rle.encode(m, h, w));
            assertNull(Polygons.selfIntersection(polygon), "blob " + t);
            byte[] back = Rle.fromPolygon(polygon, h, w).decode();
            for (int p = 0; p < h * w; p++) {
                if (labels[p] == largest) {
                    assertEquals(1, back[p], "blob " + t + " pixel " + p);
                } else if (m[p] != 0) {
                    assertEquals(0, back[p], "blob " + t + " pixel " + p + " of another component");
                }
            }
            assertTrue(polygon.length >= 8);
        }
    }
}
