package org.lumen.core.image;

import java.util.Arrays;

/**
 * Explicit mappings of (typically physical, e.g. FITS) values to [0, 1] for display and for models trained
 * on normalised inputs. Every stretch applies one mapping to all channels (colours keep their balance),
 * clips the result to [0, 1], maps NaN (blank pixels) to 0, and returns a {@link Image.Scale#NORMALISED}
 * image of the same shape.
 */
public final class Stretch {
    private Stretch() {}

    /**
     * {@code (x - min) / (max - min)}, clipped to [0, 1].
     *
     * @throws IllegalArgumentException unless {@code min < max}, both finite
     */
    public static Image linear(Image image, float min, float max) {
        if (!(min < max) || Float.isInfinite(min) || Float.isInfinite(max)) {
            throw new IllegalArgumentException("linear stretch needs finite min < max, got " + min + ", " + max);
        }
        return mapLinear(image, min, max);
    }

    /**
     * Lupton-style arcsinh stretch: {@code asinh(x / softening) / asinh(max / softening)}, clipped to [0, 1]
     * (so values at or below 0 map to 0, values at or above {@code max} to 1). Near 0 it is linear with
     * slope {@code 1 / (softening * asinh(max / softening))}; far above {@code softening} it is logarithmic,
     * which shows faint structure and bright cores in one image.
     *
     * @throws IllegalArgumentException unless {@code softening > 0} and {@code max > 0}
     */
    public static Image asinh(Image image, float softening, float max) {
        if (!(softening > 0f) || !(max > 0f)) {
            throw new IllegalArgumentException("asinh stretch needs softening > 0 and max > 0, got "
                    + softening + ", " + max);
        }
        double norm = asinh((double) max / softening);
        float[] src = image.data();
        float[] dst = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = clip((float) (asinh((double) src[i] / softening) / norm));
        }
        return image.normalisedWith(dst);
    }

    /**
     * A linear stretch between the {@code lowPercent} and {@code highPercent} percentiles of all finite
     * samples (every channel together), the percentiles interpolated linearly between order statistics as
     * in NumPy's default {@code np.percentile}. An image with no finite sample maps to all 0; where both
     * percentiles are equal, samples above them map to 1 and the rest to 0.
     *
     * @throws IllegalArgumentException unless {@code 0 <= lowPercent < highPercent <= 100}
     */
    public static Image percentile(Image image, double lowPercent, double highPercent) {
        if (!(0 <= lowPercent && lowPercent < highPercent && highPercent <= 100)) {
            throw new IllegalArgumentException("percentile stretch needs 0 <= low < high <= 100, got "
                    + lowPercent + ", " + highPercent);
        }
        float[] finite = sortedFiniteSamples(image.data());
        if (finite.length == 0) {
            return image.normalisedWith(new float[image.data().length]);
        }
        return mapLinear(image, percentileOf(finite, lowPercent), percentileOf(finite, highPercent));
    }

    private static Image mapLinear(Image image, float min, float max) {
        float range = max - min;
        float[] src = image.data();
        float[] dst = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            float x = src[i];
            dst[i] = range > 0f ? clip((x - min) / range) : (x > min ? 1f : 0f);
        }
        return image.normalisedWith(dst);
    }

    private static float[] sortedFiniteSamples(float[] data) {
        float[] finite = new float[data.length];
        int n = 0;
        for (float v : data) {
            if (Float.isFinite(v)) {
                finite[n++] = v;
            }
        }
        float[] sorted = Arrays.copyOf(finite, n);
        Arrays.sort(sorted);
        return sorted;
    }

    /** NumPy's "linear" percentile of ascending {@code sorted}: position {@code p/100 * (n-1)}, interpolated. */
    static float percentileOf(float[] sorted, double percent) {
        double position = percent / 100.0 * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return (float) (sorted[below] + fraction * ((double) sorted[above] - sorted[below]));
    }

    /** Inverse hyperbolic sine, accurate near 0 (Java has none): sign(x) * log1p(|x| + x^2 / (1 + sqrt(1 + x^2))). */
    static double asinh(double x) {
        double a = Math.abs(x);
        double magnitude = Math.log1p(a + a * a / (1.0 + Math.sqrt(1.0 + a * a)));
        return Math.copySign(magnitude, x);
    }

    /** [0, 1], with NaN to 0 (the comparison fails for NaN). */
    private static float clip(float v) {
        return v > 0f ? Math.min(v, 1f) : 0f;
    }
}
