package org.lumen.nn.train;

import java.util.SplittableRandom;
import org.lumen.core.LumenException;

/**
 * Augmentations that keep a science image's meaning: flips and 90-degree rotations (a galaxy or a cell has no
 * "up"), a random crop re-padded by reflection (position jitter), brightness and contrast jitter, and Gaussian
 * noise. Each works on one square image, float32 CHW with values in [0, 1] before normalisation, and draws
 * only from the generator it is given, so a seeded epoch is reproducible.
 *
 * @param flip probability of each of a horizontal and a vertical flip
 * @param rotate90 whether to rotate by a random multiple of 90 degrees
 * @param shiftFraction largest shift of the crop, as a fraction of the side (0 turns it off)
 * @param brightness largest additive change, as a fraction of the range
 * @param contrast largest relative change of contrast about the image mean
 * @param noise standard deviation of added Gaussian noise
 */
public record Augment(double flip, boolean rotate90, double shiftFraction, double brightness, double contrast,
        double noise) {
    public static final Augment NONE = new Augment(0, false, 0, 0, 0, 0);
    /** The default for survey cut-outs and medical images. */
    public static final Augment SCIENCE = new Augment(0.5, true, 0.0625, 0.1, 0.1, 0.01);

    public Augment {
        if (flip < 0 || flip > 1 || shiftFraction < 0 || shiftFraction >= 0.5 || brightness < 0 || contrast < 0
                || contrast >= 1 || noise < 0) {
            throw LumenException.setting("augment", "values out of range: flip in [0,1], shift in [0,0.5), contrast in [0,1), others >= 0");
        }
    }

    /** Augments {@code img} ({@code c x s x s}) in place. */
    public void apply(float[] img, int c, int s, SplittableRandom rnd) {
        apply(img, c, s, rnd, null);
    }

    /**
     * Augments {@code img} in place and moves {@code mask} ({@code s x s} class indices, or null) with it: the
     * flips, rotations and shift apply to both, brightness, contrast and noise to the image only. With a null
     * mask it draws exactly what {@link #apply(float[], int, int, SplittableRandom)} draws.
     */
    public void apply(float[] img, int c, int s, SplittableRandom rnd, float[] mask) {
        if (rnd.nextDouble() < flip) {
            flipHorizontal(img, c, s);
            if (mask != null) {
                flipHorizontal(mask, 1, s);
            }
        }
        if (rnd.nextDouble() < flip) {
            flipVertical(img, c, s);
            if (mask != null) {
                flipVertical(mask, 1, s);
            }
        }
        if (rotate90) {
            int k = rnd.nextInt(4);
            for (int i = 0; i < k; i++) {
                rotate90(img, c, s);
                if (mask != null) {
                    rotate90(mask, 1, s);
                }
            }
        }
        int maxShift = (int) Math.floor(shiftFraction * s);
        if (maxShift > 0) {
            int dx = rnd.nextInt(-maxShift, maxShift + 1);
            int dy = rnd.nextInt(-maxShift, maxShift + 1);
            shift(img, c, s, dx, dy);
            if (mask != null) {
                shift(mask, 1, s, dx, dy);
            }
        }
        if (brightness > 0 || contrast > 0) {
            double b = brightness * (2 * rnd.nextDouble() - 1);
            double k = 1 + contrast * (2 * rnd.nextDouble() - 1);
            jitter(img, b, k);
        }
        if (noise > 0) {
            for (int i = 0; i < img.length; i++) {
                img[i] += (float) (noise * gaussian(rnd));
            }
        }
    }

    static void flipHorizontal(float[] img, int c, int s) {
        for (int row = 0; row < c * s; row++) {
            int base = row * s;
            for (int x = 0, y = s - 1; x < y; x++, y--) {
                float t = img[base + x];
                img[base + x] = img[base + y];
                img[base + y] = t;
            }
        }
    }

    static void flipVertical(float[] img, int c, int s) {
        float[] line = new float[s];
        for (int ch = 0; ch < c; ch++) {
            for (int a = 0, b = s - 1; a < b; a++, b--) {
                int ia = (ch * s + a) * s;
                int ib = (ch * s + b) * s;
                System.arraycopy(img, ia, line, 0, s);
                System.arraycopy(img, ib, img, ia, s);
                System.arraycopy(line, 0, img, ib, s);
            }
        }
    }

    /** Rotates 90 degrees counter-clockwise, as {@code torch.rot90(x, 1, (1, 2))}: out[y][x] = in[x][s-1-y]. */
    static void rotate90(float[] img, int c, int s) {
        float[] plane = new float[s * s];
        for (int ch = 0; ch < c; ch++) {
            int off = ch * s * s;
            System.arraycopy(img, off, plane, 0, s * s);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    img[off + y * s + x] = plane[x * s + (s - 1 - y)];
                }
            }
        }
    }

    /** Shifts by (dx, dy) pixels, filling the uncovered border by reflection (no artificial edges). */
    static void shift(float[] img, int c, int s, int dx, int dy) {
        float[] plane = new float[s * s];
        for (int ch = 0; ch < c; ch++) {
            int off = ch * s * s;
            System.arraycopy(img, off, plane, 0, s * s);
            for (int y = 0; y < s; y++) {
                int sy = reflect(y - dy, s);
                for (int x = 0; x < s; x++) {
                    img[off + y * s + x] = plane[sy * s + reflect(x - dx, s)];
                }
            }
        }
    }

    static int reflect(int i, int s) {
        if (i < 0) {
            return -i;
        }
        return i >= s ? 2 * (s - 1) - i : i;
    }

    private static void jitter(float[] img, double b, double k) {
        double mean = 0;
        for (float v : img) {
            mean += v;
        }
        mean /= img.length;
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) ((img[i] - mean) * k + mean + b);
        }
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
