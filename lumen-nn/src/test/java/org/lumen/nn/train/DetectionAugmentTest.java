package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectionAugmentTest {
    /** A 1-channel image that is 1 inside each box and 0 elsewhere: boxes and pixels must move together. */
    private static DetectionAugment.Sample painted(int h, int w, double[] boxes) {
        float[] img = new float[h * w];
        for (int i = 0; i < boxes.length / 4; i++) {
            for (int y = (int) boxes[4 * i + 1]; y < boxes[4 * i + 3]; y++) {
                for (int x = (int) boxes[4 * i]; x < boxes[4 * i + 2]; x++) {
                    img[y * w + x] = 1;
                }
            }
        }
        return new DetectionAugment.Sample(img, 1, h, w, boxes, new int[boxes.length / 4]);
    }

    /** Every box's interior is painted and the painted area equals the boxes' total area. */
    private static void assertBoxesOnPaint(DetectionAugment.Sample s) {
        double area = 0;
        for (int i = 0; i < s.count(); i++) {
            double[] b = s.boxes();
            for (int y = (int) Math.ceil(b[4 * i + 1]); y < Math.floor(b[4 * i + 3]); y++) {
                for (int x = (int) Math.ceil(b[4 * i]); x < Math.floor(b[4 * i + 2]); x++) {
                    assertEquals(1f, s.image()[y * s.width() + x], "pixel " + x + "," + y + " of box " + i);
                }
            }
            area += (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
        }
        double painted = 0;
        for (float v : s.image()) {
            painted += v;
        }
        assertEquals(area, painted, 1e-9);
    }

    @Test
    void flipsAndRotationsMoveBoxesWithPixels() {
        DetectionAugment.Sample s = painted(16, 16, new double[] {1, 2, 5, 9, 10, 12, 15, 16});
        assertBoxesOnPaint(DetectionAugment.flipHorizontal(s));
        assertBoxesOnPaint(DetectionAugment.flipVertical(s));
        DetectionAugment.Sample r = s;
        for (int k = 1; k <= 4; k++) {
            r = DetectionAugment.rotate90(r);
            assertBoxesOnPaint(r);
        }
        assertArrayEquals(s.image(), r.image()); // four quarter turns are the identity
        assertArrayEquals(s.boxes(), r.boxes(), 0);
        // hand-derived: box [1,2,5,9] in a 16-wide image flipped horizontally is [11,2,15,9]
        assertArrayEquals(new double[] {11, 2, 15, 9}, java.util.Arrays.copyOf(
                DetectionAugment.flipHorizontal(s).boxes(), 4), 0);
        // rotated counter-clockwise: (x, y) -> (y, 16 - x): [2, 11, 9, 15]
        assertArrayEquals(new double[] {2, 11, 9, 15}, java.util.Arrays.copyOf(
                DetectionAugment.rotate90(s).boxes(), 4), 0);
    }

    @Test
    void scaleByTwoCropsAndClipsBoxes() {
        DetectionAugment.Sample s = painted(16, 16, new double[] {2, 2, 6, 6, 12, 12, 16, 16});
        // f = 2, u = v = 0: the 32x32 scaled image is placed at offset (-16 * 0, ...) = (0, 0): top-left quarter kept
        DetectionAugment.Sample z = DetectionAugment.scale(s, 2, 0, 0);
        assertEquals(1, z.count()); // the second box went to [24, 24, 32, 32], off the canvas
        assertArrayEquals(new double[] {4, 4, 12, 12}, z.boxes(), 1e-12);
        // f = 0.5, u = v = 1: the 8x8 image at offset (8, 8)
        DetectionAugment.Sample o = DetectionAugment.scale(s, 0.5, 1, 1);
        assertArrayEquals(new double[] {9, 9, 11, 11, 14, 14, 16, 16}, o.boxes(), 1e-12);
        assertEquals(0f, o.image()[0]);
    }

    @Test
    void mosaicKeepsPaintAndBoxesTogether() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            List<DetectionAugment.Sample> four = List.of(
                    painted(16, 16, new double[] {0, 0, 4, 4}), painted(16, 16, new double[] {8, 8, 16, 16}),
                    painted(16, 16, new double[] {4, 10, 7, 14}), painted(16, 16, new double[] {12, 0, 16, 3}));
            DetectionAugment.Sample m = DetectionAugment.mosaic(four, rnd);
            assertEquals(16, m.height());
            // clipping may drop slivers whose paint stays; every kept box must be fully painted
            for (int i = 0; i < m.count(); i++) {
                double[] b = m.boxes();
                assertTrue(b[4 * i] >= 0 && b[4 * i + 2] <= 16 && b[4 * i + 2] - b[4 * i] >= 2);
            }
            DetectionAugment.Sample kept = new DetectionAugment.Sample(m.image(), 1, 16, 16, m.boxes(), m.labels());
            for (int i = 0; i < kept.count(); i++) {
                double[] b = kept.boxes();
                for (int y = (int) b[4 * i + 1]; y < b[4 * i + 3]; y++) {
                    for (int x = (int) b[4 * i]; x < b[4 * i + 2]; x++) {
                        assertEquals(1f, m.image()[y * 16 + x]);
                    }
                }
            }
        }
    }

    /** {@link #painted}, with each object's mask its own box painted (so the image is the union of the masks). */
    private static DetectionAugment.Sample masked(int h, int w, double[] boxes) {
        DetectionAugment.Sample s = painted(h, w, boxes);
        float[][] masks = new float[s.count()][];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = painted(h, w, java.util.Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4)).image();
        }
        return new DetectionAugment.Sample(s.image(), 1, h, w, boxes, s.labels(), masks);
    }

    /** Each mask's set pixels span exactly its (integer) box, and together the masks are the painted image's set part. */
    private static void assertMasksOnBoxes(DetectionAugment.Sample s) {
        assertEquals(s.count(), s.masks().length);
        float[] union = new float[s.height() * s.width()];
        for (int i = 0; i < s.count(); i++) {
            int x1 = Integer.MAX_VALUE;
            int y1 = Integer.MAX_VALUE;
            int x2 = -1;
            int y2 = -1;
            for (int p = 0; p < union.length; p++) {
                if (s.masks()[i][p] != 0) {
                    x1 = Math.min(x1, p % s.width());
                    x2 = Math.max(x2, p % s.width());
                    y1 = Math.min(y1, p / s.width());
                    y2 = Math.max(y2, p / s.width());
                    union[p] += s.masks()[i][p];
                }
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(s.boxes(), 4 * i, 4 * i + 4),
                    new double[] {x1, y1, x2 + 1, y2 + 1}, 0, "mask " + i);
        }
        float[] set = new float[union.length];
        for (int p = 0; p < set.length; p++) {
            set[p] = s.image()[p] >= 0.5f ? 1 : 0; // the image itself is resampled bilinearly when scaled
        }
        assertArrayEquals(set, union);
    }

    @Test
    void masksMoveWithTheirBoxes() {
        DetectionAugment.Sample s = masked(16, 16, new double[] {1, 2, 5, 9, 10, 12, 15, 16});
        assertMasksOnBoxes(DetectionAugment.flipHorizontal(s));
        assertMasksOnBoxes(DetectionAugment.flipVertical(s));
        DetectionAugment.Sample r = s;
        for (int k = 1; k <= 3; k++) {
            r = DetectionAugment.rotate90(r);
            assertMasksOnBoxes(r);
        }
        // scale by 2 from the top-left: the first box [2,4,10,18] is clipped to [2,4,10,16], the second dropped;
        // the mask is resampled as the image and cut at one half, so it is the image's set region
        DetectionAugment.Sample z = DetectionAugment.scale(s, 2, 0, 0);
        assertEquals(1, z.count());
        assertArrayEquals(new double[] {2, 4, 10, 16}, z.boxes(), 1e-12);
        assertMasksOnBoxes(z);
        SplittableRandom rnd = new SplittableRandom(3);
        int masks = 0;
        for (int trial = 0; trial < 20; trial++) {
            DetectionAugment.Sample m = DetectionAugment.mosaic(List.of(masked(16, 16, new double[] {0, 0, 4, 4}),
                    masked(16, 16, new double[] {8, 8, 16, 16}), masked(16, 16, new double[] {4, 10, 7, 14}),
                    masked(16, 16, new double[] {12, 0, 16, 3})), rnd);
            // boxes cut by the window keep their masks' cut parts; slivers dropped take their masks along
            for (int i = 0; i < m.count(); i++) {
                assertEquals(m.boxes()[4 * i + 2] - m.boxes()[4 * i], bboxWidth(m.masks()[i], 16), 0, "mask " + i);
            }
            masks += m.count();
            DetectionAugment.Sample plain = new DetectionAugment.Sample(m.image(), 1, 16, 16, m.boxes(), m.labels());
            assertEquals(m.count(), plain.count());
        }
        assertTrue(masks >= 10, "the mosaics kept " + masks + " objects");
        // a sample with masks and one without cannot share a mosaic
        assertThrows(IllegalArgumentException.class, () -> DetectionAugment.mosaic(List.of(
                masked(16, 16, new double[] {0, 0, 4, 4}), painted(16, 16, new double[] {0, 0, 4, 4}),
                painted(16, 16, new double[] {0, 0, 4, 4}), painted(16, 16, new double[] {0, 0, 4, 4})), rnd));
    }

    private static double bboxWidth(float[] mask, int w) {
        int x1 = Integer.MAX_VALUE;
        int x2 = -1;
        for (int p = 0; p < mask.length; p++) {
            if (mask[p] != 0) {
                x1 = Math.min(x1, p % w);
                x2 = Math.max(x2, p % w);
            }
        }
        return x2 + 1 - x1;
    }
}
