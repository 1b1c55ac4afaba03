package org.lumen.nn.explain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GaussianBlurTest {
    /**
     * RISE's {@code gkern(11, 5)} is the outer product of scipy's {@code gaussian_filter1d} of an 11-sample unit
     * impulse (sigma 5, reflect mode); this row was printed by scipy 1.17. Its weights sum to 1.
     */
    @Test
    void kernelIsRises() {
        double[] scipy = {0.0879581458, 0.0888961198, 0.0904741965, 0.0921911178, 0.0934893884, 0.0939820633,
            0.0934893884, 0.0921911178, 0.0904741965, 0.0888961198, 0.0879581458};
        assertArrayEquals(scipy, GaussianBlur.kernel(), 1e-9);
        double sum = 0;
        for (double k : GaussianBlur.kernel()) {
            sum += k;
        }
        assertEquals(1, sum, 1e-12);
    }

    /** A unit impulse far from the edges spreads into the kernel itself (outer product); channels stay apart. */
    @Test
    void blurOfAnImpulseIsTheKernel() {
        int s = 21;
        float[] img = new float[2 * s * s];
        img[10 * s + 10] = 1;
        float[] out = GaussianBlur.blur(img, 2, s, s);
        double[] k = GaussianBlur.kernel();
        for (int y = 5; y <= 15; y++) {
            for (int x = 5; x <= 15; x++) {
                assertEquals(k[y - 5] * k[x - 5], out[y * s + x], 1e-7);
            }
        }
        assertEquals(0, out[0]);
        for (int p = s * s; p < out.length; p++) {
            assertEquals(0, out[p]);
        }
    }
}
