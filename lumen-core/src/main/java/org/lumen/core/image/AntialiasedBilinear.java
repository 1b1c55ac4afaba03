package org.lumen.core.image;

/**
 * Separable bilinear resampling with PyTorch's antialiasing: the same result as
 * {@code torch.nn.functional.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=True)},
 * which is what torchvision's {@code Resize(antialias=True)} runs on tensors.
 *
 * <p>Upscaling uses the triangle filter of plain bilinear interpolation; downscaling widens the triangle by
 * the scale factor, so every input pixel contributes (no aliasing). Width is resampled first, then height,
 * in float32, as PyTorch does ({@code aten/src/ATen/native/cpu/UpSampleKernel.cpp},
 * {@code _compute_indices_weights_aa}).
 */
public final class AntialiasedBilinear {
    private AntialiasedBilinear() {}

    /**
     * Resamples CHW planes {@code src} of {@code channels x inHeight x inWidth} to
     * {@code channels x outHeight x outWidth}; returns a new array (never {@code src}).
     */
    public static float[] resize(float[] src, int channels, int inHeight, int inWidth, int outHeight, int outWidth) {
        float[] rows = inWidth == outWidth
                ? src
                : resampleRows(src, channels * inHeight, inWidth, outWidth, Weights.of(inWidth, outWidth));
        if (inHeight == outHeight) {
            return rows == src ? src.clone() : rows;
        }
        return resampleColumns(rows, channels, inHeight, outHeight, outWidth, Weights.of(inHeight, outHeight));
    }

    /** Resamples each of {@code rowCount} rows from {@code inWidth} to {@code outWidth} samples. */
    private static float[] resampleRows(float[] src, int rowCount, int inWidth, int outWidth, Weights weights) {
        float[] dst = new float[rowCount * outWidth];
        for (int r = 0; r < rowCount; r++) {
            int in = r * inWidth;
            int out = r * outWidth;
            for (int x = 0; x < outWidth; x++) {
                int first = in + weights.start[x];
                int w = x * weights.taps;
                float sum = 0f;
                for (int k = 0; k < weights.count[x]; k++) {
                    sum += weights.values[w + k] * src[first + k];
                }
                dst[out + x] = sum;
            }
        }
        return dst;
    }

    /** Resamples every channel's rows from {@code inHeight} to {@code outHeight}, a whole row at a time. */
    private static float[] resampleColumns(float[] src, int channels, int inHeight, int outHeight, int width,
                                           Weights weights) {
        float[] dst = new float[channels * outHeight * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outHeight; y++) {
                int out = (c * outHeight + y) * width;
                int w = y * weights.taps;
                for (int k = 0; k < weights.count[y]; k++) {
                    float weight = weights.values[w + k];
                    int in = (c * inHeight + weights.start[y] + k) * width;
                    // row-at-a-time accumulation: contiguous loops the JIT vectorises
                    for (int x = 0; x < width; x++) {
                        dst[out + x] += weight * src[in + x];
                    }
                }
            }
        }
        return dst;
    }

    /** For each output index: the first input index, the number of taps, and their normalised weights. */
    private static final class Weights {
        final int[] start;
        final int[] count;
        /** {@code values[o * taps + k]}: weight of input {@code start[o] + k} in output {@code o}. */
        final float[] values;
        final int taps;

        private Weights(int[] start, int[] count, float[] values, int taps) {
            this.start = start;
            this.count = count;
            this.values = values;
            this.taps = taps;
        }

        static Weights of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            // the triangle filter spans +-1 input pixel; when shrinking it spans +-scale
            double support = scale >= 1.0 ? scale : 1.0;
            double invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            float[] values = new float[outSize * taps];
            for (int o = 0; o < outSize; o++) {
                double center = scale * (o + 0.5);
                // (long) truncates toward zero, as PyTorch's static_cast<int64_t> does
                int min = (int) Math.max((long) (center - support + 0.5), 0L);
                int n = (int) Math.min((long) (center + support + 0.5), inSize) - min;
                double total = 0;
                double[] w = new double[n];
                for (int k = 0; k < n; k++) {
                    w[k] = triangle((k + min - center + 0.5) * invScale);
                    total += w[k];
                }
                for (int k = 0; k < n; k++) {
                    values[o * taps + k] = (float) (total != 0 ? w[k] / total : w[k]);
                }
                start[o] = min;
                count[o] = n;
            }
            return new Weights(start, count, values, taps);
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }
}
