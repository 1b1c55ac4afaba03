package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Geometry by hand on small images, and reproducibility from the generator. */
class AugmentTest {
    // one channel, 3x3:  1 2 3 / 4 5 6 / 7 8 9
    private static float[] image() {
        return new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
    }

    @Test
    void flipsMirrorRowsAndColumns() {
        float[] h = image();
        Augment.flipHorizontal(h, 1, 3);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7}, h);
        float[] v = image();
        Augment.flipVertical(v, 1, 3);
        assertArrayEquals(new float[] {7, 8, 9, 4, 5, 6, 1, 2, 3}, v);
    }

    @Test
    void rotationIsTorchRot90CounterClockwise() {
        // torch.rot90(x, 1, (1, 2)) of the image above is 3 6 9 / 2 5 8 / 1 4 7
        float[] r = image();
        Augment.rotate90(r, 1, 3);
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, r);
        for (int i = 0; i < 3; i++) {
            Augment.rotate90(r, 1, 3);
        }
        assertArrayEquals(image(), r, "four quarter turns are the identity");
    }

    @Test
    void shiftReflectsAtTheBorder() {
        // shift right by one: column x takes column x-1, and column 0 takes reflect(-1) = column 1
        float[] s = image();
        Augment.shift(s, 1, 3, 1, 0);
        assertArrayEquals(new float[] {2, 1, 2, 5, 4, 5, 8, 7, 8}, s);
    }

    @Test
    void sameGeneratorSameResultAndChannelsMoveTogether() {
        float[] a = new float[2 * 16 * 16];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 256 / 255f;
        }
        float[] b = a.clone();
        Augment.SCIENCE.apply(a, 2, 16, new SplittableRandom(3));
        Augment.SCIENCE.apply(b, 2, 16, new SplittableRandom(3));
        assertArrayEquals(a, b);
        float[] c = b.clone();
        Augment.SCIENCE.apply(c, 2, 16, new SplittableRandom(4));
        assertNotEquals(java.util.Arrays.hashCode(b), java.util.Arrays.hashCode(c));
        float[] none = image();
        Augment.NONE.apply(none, 1, 3, new SplittableRandom(1));
        assertArrayEquals(image(), none);
    }

    @Test
    void cosineScheduleWarmsUpThenDecays() {
        LrSchedule s = LrSchedule.cosine(1.0, 1);
        assertEquals(0.1, s.at(0, 11), 1e-12); // warm-up starts at 10%
        assertEquals(1.0, s.at(1, 11), 1e-12); // peak after the warm-up epoch
        assertEquals(0.01 + 0.99 * 0.5, s.at(6, 11), 1e-12); // half-way through the decay: cos(pi/2) = 0
        assertEquals(0.01, s.at(11, 11), 1e-12);
        LrSchedule step = LrSchedule.step(1.0, 0, 3, 0.1);
        assertEquals(1.0, step.at(2.9, 9), 1e-12);
        assertEquals(0.1, step.at(3, 9), 1e-12);
        assertEquals(0.01, step.at(6.5, 9), 1e-12);
    }

    @Test
    void aMaskMovesWithItsImageAndDrawsNothingExtra() {
        // the image's first channel equals the mask; geometry must keep them equal, photometry touches only the image
        Augment geometric = new Augment(0.5, true, 0.2, 0, 0, 0);
        for (int seed = 0; seed < 20; seed++) {
            float[] img = new float[2 * 8 * 8];
            float[] mask = new float[8 * 8];
            for (int p = 0; p < 64; p++) {
                mask[p] = (p * 7) % 3;
                img[p] = mask[p];
                img[64 + p] = p;
            }
            geometric.apply(img, 2, 8, new SplittableRandom(seed), mask);
            assertArrayEquals(java.util.Arrays.copyOf(img, 64), mask, "seed " + seed);
        }
        // with a mask or without, the image gets the same augmentation (classification stays reproducible)
        float[] a = new float[3 * 16 * 16];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 97 / 96f;
        }
        float[] b = a.clone();
        SplittableRandom r1 = new SplittableRandom(11);
        SplittableRandom r2 = new SplittableRandom(11);
        Augment.SCIENCE.apply(a, 3, 16, r1);
        Augment.SCIENCE.apply(b, 3, 16, r2, new float[16 * 16]);
        assertArrayEquals(a, b);
        assertEquals(r1.nextLong(), r2.nextLong());
    }
}
