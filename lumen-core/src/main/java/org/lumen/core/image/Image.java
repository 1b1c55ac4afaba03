package org.lumen.core.image;

import java.util.Objects;

/**
 * A decoded image in one layout for every file format: planar float32, channels x height x width.
 *
 * <p>{@link #data()} holds {@code channels * height * width} samples, channel-major then row-major:
 * the sample of channel {@code c} at row {@code y}, column {@code x} is
 * {@code data[(c * height + y) * width + x]} (the CHW layout of a PyTorch tensor).
 *
 * <p>What a sample means is told by {@link #scale()}:
 * <ul>
 *   <li>{@link Scale#NORMALISED}: integer sources divided by their maximum ({@code 2^bits - 1}: 255, 65535),
 *       so values lie in [0, 1] and round-trip exactly ({@code value * max} is the stored integer);</li>
 *   <li>{@link Scale#PHYSICAL}: floating-point and signed sources (FITS, float TIFF) as stored, with FITS
 *       BSCALE/BZERO applied; any range, and NaN marks a blank pixel.</li>
 * </ul>
 *
 * <p>An {@code Image} owns its array and never changes it; {@link #data()} returns that array without
 * copying (images are large and read on every training step), so callers must treat it as read-only.
 */
public final class Image {
    /** How sample values relate to the stored file values. */
    public enum Scale {
        /** Integer samples divided by their maximum: values in [0, 1]. */
        NORMALISED,
        /** Physical values (float or signed sources, FITS after BSCALE/BZERO); NaN is a blank pixel. */
        PHYSICAL
    }

    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;
    private final int bitsPerSample;
    private final Scale scale;

    /**
     * Wraps {@code data} (not copied: the caller hands it over and must not change it afterwards).
     *
     * @param bitsPerSample bits of one sample in the source file (8, 16, 32, 64, or 1..16 for packed integers)
     * @throws IllegalArgumentException if a dimension is not positive or {@code data.length != c * h * w}
     */
    public Image(int channels, int height, int width, float[] data, int bitsPerSample, Scale scale) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + channels + " x " + height + " x " + width);
        }
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException("data holds " + data.length + " samples, expected "
                    + channels + " x " + height + " x " + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
        this.bitsPerSample = bitsPerSample;
        this.scale = Objects.requireNonNull(scale, "scale");
    }

    /** An image with this one's source depth and scale, and new dimensions and data (not copied). */
    Image withData(int channels, int height, int width, float[] data) {
        return new Image(channels, height, width, data, bitsPerSample, scale);
    }

    /** A {@link Scale#NORMALISED} image of this one's shape and source depth holding {@code data} (not copied). */
    Image normalisedWith(float[] data) {
        return new Image(channels, height, width, data, bitsPerSample, Scale.NORMALISED);
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The samples in CHW order; the image's own array, to be read and not written. */
    public float[] data() {
        return data;
    }

    /** Bits per sample in the source file: 8 for most PNG/JPEG, 16 for 16-bit PNG/TIFF, 32 for FITS BITPIX -32. */
    public int bitsPerSample() {
        return bitsPerSample;
    }

    public Scale scale() {
        return scale;
    }

    /** The sample of channel {@code c} at row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return data[(c * height + y) * width + x];
    }

    @Override
    public String toString() {
        return "Image[" + channels + " x " + height + " x " + width + ", " + bitsPerSample + "-bit source, " + scale + "]";
    }
}
