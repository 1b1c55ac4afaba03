package org.lumen.core.image;

import java.math.BigDecimal;
import java.nio.file.Path;
import org.lumen.core.LumenException;

/**
 * The size check every decoder runs on the header's dimensions before it allocates pixels, so a small
 * file that claims a huge image is refused instead of exhausting memory.
 *
 * <p>Two bounds: {@code width * height <= maxPixels}, and, for multi-band images (TIFF with many samples,
 * FITS cubes), {@code width * height * channels <= 4 * maxPixels}, the memory an RGBA image at the
 * pixel limit would need. Whatever the limit, an image cannot hold more samples than a Java array.
 */
record PixelLimit(Path file, long maxPixels) {
    static final int SAMPLES_PER_PIXEL_ALLOWED = 4;
    /** The most elements a Java array can hold; an {@link Image} keeps all samples in one array. */
    private static final long MAX_SAMPLES = Integer.MAX_VALUE - 8;

    PixelLimit {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("the pixel limit must be positive, got " + maxPixels);
        }
    }

    /** Refuses an image of these header dimensions with a {@link LumenException} naming sizes and limit. */
    void check(long width, long height, long channels) {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new LumenException(file, "header gives an empty or negative image size: "
                    + width + " x " + height + " with " + channels + " channels");
        }
        // dimensions come from 32-bit (PNG, TIFF) or 64-bit (FITS) header fields: compare as doubles to avoid overflow
        double pixels = (double) width * height;
        if (pixels > maxPixels) {
            throw new LumenException(file, "image is " + width + " x " + height + " (" + megapixels(pixels)
                    + " megapixels), above the limit of " + plain(maxPixels) + " megapixels");
        }
        double samples = pixels * channels;
        if (samples > (double) maxPixels * SAMPLES_PER_PIXEL_ALLOWED) {
            throw new LumenException(file, "image is " + width + " x " + height + " with " + channels + " channels ("
                    + megapixels(samples) + " million samples), above the limit of " + SAMPLES_PER_PIXEL_ALLOWED
                    + " samples per pixel of the " + plain(maxPixels) + "-megapixel limit");
        }
        if (samples > MAX_SAMPLES) {
            throw new LumenException(file, "image is " + width + " x " + height + " with " + channels + " channels ("
                    + megapixels(samples) + " million samples), more than one image can hold (" + MAX_SAMPLES + ")");
        }
    }

    /** Millions with at least one decimal, exact for small counts: "10000.0", "0.004096". */
    private static String megapixels(double count) {
        BigDecimal millions = BigDecimal.valueOf(count).movePointLeft(6).stripTrailingZeros();
        return millions.scale() < 1 ? millions.setScale(1).toPlainString() : millions.toPlainString();
    }

    /** Millions without trailing zeros: "100", "0.001". */
    private static String plain(long count) {
        return BigDecimal.valueOf(count).movePointLeft(6).stripTrailingZeros().toPlainString();
    }
}
