package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Stretch values derived by hand from the definitions. */
class StretchTest {
    private static Image row(float... values) {
        return new Image(1, 1, values.length, values, 32, Image.Scale.PHYSICAL);
    }

    @Test
    void linearMapsMinToZeroMaxToOneAndClips() {
        Image stretched = Stretch.linear(row(5f, 10f, 12.5f, 20f, 30f, Float.NaN), 10f, 20f);

        // (x - 10) / 10: 5 -> -0.5 clipped to 0; 12.5 -> 0.25; 30 -> 2 clipped to 1; NaN -> 0
        assertArrayEquals(new float[] {0f, 0f, 0.25f, 1f, 1f, 0f}, stretched.data(), 0f);
        assertEquals(Image.Scale.NORMALISED, stretched.scale());
        assertEquals(32, stretched.bitsPerSample());
    }

    @Test
    void asinhFollowsLuptonsFormula() {
        float softening = 0.5f;
        float max = (float) (0.5 * Math.sinh(2.0)); // asinh(max / softening) = 2
        float halfway = (float) (0.5 * Math.sinh(1.0)); // asinh(x / softening) = 1, so 1 / 2
        float quarter = (float) (0.5 * Math.sinh(0.5)); // 0.5 / 2

        Image stretched = Stretch.asinh(row(-1f, 0f, quarter, halfway, max, 100f, Float.NaN), softening, max);

        assertArrayEquals(new float[] {0f, 0f, 0.25f, 0.5f, 1f, 1f, 0f}, stretched.data(), 1e-6f);
    }

    @Test
    void asinhIsAccurateForTinyValues() {
        // asinh(x) = x - x^3/6 + ...: for x = 1e-20 the naive log(x + sqrt(x^2 + 1)) = log(1.0) returns 0
        assertEquals(1e-20, Stretch.asinh(1e-20), 1e-34);
        assertEquals(-Stretch.asinh(3.0), Stretch.asinh(-3.0), 0.0);
        assertEquals(Math.log(3.0 + Math.sqrt(10.0)), Stretch.asinh(3.0), 1e-15);
    }

    @Test
    void percentileInterpolatesLikeNumpyAndIgnoresNaN() {
        // finite samples 0..9 (n = 10): the 25th percentile sits at position 0.25 * 9 = 2.25, value 2.25;
        // the 75th at 6.75, value 6.75; so x maps to (x - 2.25) / 4.5
        Image image = row(Float.NaN, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

        Image stretched = Stretch.percentile(image, 25, 75);

        float[] expected = {0f, 1f, 1f, 1f, 3.75f / 4.5f, 2.75f / 4.5f, 1.75f / 4.5f, 0.75f / 4.5f, 0f, 0f, 0f};
        assertArrayEquals(expected, stretched.data(), 1e-6f);
    }

    @Test
    void percentileOfConstantOrBlankImageIsZero() {
        assertArrayEquals(new float[3], Stretch.percentile(row(7f, 7f, 7f), 1, 99).data(), 0f);
        assertArrayEquals(new float[2], Stretch.percentile(row(Float.NaN, Float.NaN), 1, 99).data(), 0f);
    }

    @Test
    void oneMappingForAllChannels() {
        // two channels of one pixel each: the 0th and 100th percentiles are 2 and 4 over both channels
        Image image = new Image(2, 1, 1, new float[] {2f, 4f}, 32, Image.Scale.PHYSICAL);

        assertArrayEquals(new float[] {0f, 1f}, Stretch.percentile(image, 0, 100).data(), 0f);
    }

    @Test
    void invalidParametersAreRefused() {
        Image image = row(1f);
        assertThrows(IllegalArgumentException.class, () -> Stretch.linear(image, 2f, 2f));
        assertThrows(IllegalArgumentException.class, () -> Stretch.linear(image, 0f, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> Stretch.asinh(image, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> Stretch.percentile(image, 50, 50));
        assertThrows(IllegalArgumentException.class, () -> Stretch.percentile(image, -1, 50));
    }
}
