package org.lumen.nn.explain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NoisyLinearImputerTest {
    /** A 2-channel 4 x 5 image: channel 0 is 0..19, channel 1 is (20..39)^2 / 10. */
    private static float[] image() {
        float[] v = new float[40];
        for (int i = 0; i < 20; i++) {
            v[i] = i;
            v[20 + i] = (20 + i) * (20 + i) / 10f;
        }
        return v;
    }

    /** Removed: (0,4), (1,1), (1,2), (2,2), (3,0), row-major (y, x). */
    private static boolean[] mask() {
        boolean[] m = new boolean[20];
        m[4] = m[6] = m[7] = m[12] = m[15] = true;
        return m;
    }

    /**
     * Corner pixel (0,4) alone by hand: its in-image neighbours are (0,3) = 3 and (1,4) = 9 with weight 1/6 and
     * (1,3) = 8 with 1/12, so x = (3/6 + 9/6 + 8/12) / (5/12) = 6.4. The rest couple; the reference values are
     * pytorch-grad-cam's {@code NoisyLinearImputer} system solved by {@code scipy.sparse.linalg.spsolve} with
     * noise 0 (scipy 1.17).
     */
    @Test
    void matchesTheSparseSolveOfPytorchGradCam() {
        float[] out = new NoisyLinearImputer(0).impute(image(), 2, 4, 5, mask(), new Random(0));
        int[] removed = {4, 6, 7, 12, 15};
        double[] ch0 = {6.4, 6, 7, 12, 12.6};
        double[] ch1 = {70.48, 69.9483870968, 75.4161290323, 104.7483870968, 107.06};
        for (int k = 0; k < removed.length; k++) {
            assertEquals(ch0[k], out[removed[k]], 1e-5);
            assertEquals(ch1[k], out[20 + removed[k]], 1e-4);
        }
        float[] in = image();
        for (int p = 0; p < 20; p++) {
            if (!mask()[p]) {
                assertEquals(in[p], out[p]);
                assertEquals(in[20 + p], out[20 + p]);
            }
        }
    }

    /** A linear ramp is its own neighbour average (the weights are symmetric), so a hole in it fills exactly. */
    @Test
    void fillsALinearRampExactly() {
        int h = 12;
        int w = 12;
        float[] ramp = new float[h * w];
        boolean[] hole = new boolean[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ramp[y * w + x] = 0.5f * x - 0.25f * y;
                hole[y * w + x] = x >= 3 && x < 9 && y >= 2 && y < 10;
            }
        }
        assertArrayEquals(ramp, new NoisyLinearImputer(0).impute(ramp, 1, h, w, hole, new Random(0)), 1e-5f);
    }

    /** The noise has the stated standard deviation, and a fully removed image is 0 plus noise. */
    @Test
    void noiseAndTheFullyRemovedImage() {
        int n = 64 * 64;
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        float[] img = new float[n];
        java.util.Arrays.fill(img, 7);
        float[] out = new NoisyLinearImputer(0.01).impute(img, 1, 64, 64, all, new Random(1));
        double mean = 0;
        double sq = 0;
        for (float v : out) {
            mean += v / n;
            sq += v * v / n;
        }
        assertEquals(0, mean, 1e-3);
        assertEquals(0.01, Math.sqrt(sq - mean * mean), 1e-3);
        assertArrayEquals(img, new NoisyLinearImputer().impute(img, 1, 64, 64, new boolean[n], new Random(1)));
    }
}
