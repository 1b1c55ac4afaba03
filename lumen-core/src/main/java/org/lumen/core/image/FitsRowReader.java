package org.lumen.core.image;

import java.io.IOException;
import nom.tam.util.ArrayDataInput;

/**
 * Reads one row of FITS samples of a given BITPIX into doubles, marking integer BLANK values as NaN.
 * One row buffer is reused for the whole image, so reading needs no memory beyond the output array.
 */
record FitsRowReader(int bitpix, Object buffer, int width) {
    /** A reader for rows of {@code width} samples, or null if {@code bitpix} is not a FITS sample type. */
    static FitsRowReader of(int bitpix, int width) {
        Object buffer = switch (bitpix) {
            case 8 -> new byte[width];
            case 16 -> new short[width];
            case 32 -> new int[width];
            case 64 -> new long[width];
            case -32 -> new float[width];
            case -64 -> new double[width];
            default -> null;
        };
        return buffer == null ? null : new FitsRowReader(bitpix, buffer, width);
    }

    /**
     * Reads the next row into {@code row} (length {@code width}): stored values, not yet scaled, and NaN
     * where an integer sample equals {@code blank} (when {@code hasBlank}). FITS 8-bit samples are unsigned.
     */
    void readRow(ArrayDataInput in, double[] row, boolean hasBlank, long blank) throws IOException {
        in.readArrayFully(buffer);
        for (int x = 0; x < width; x++) {
            row[x] = switch (bitpix) {
                case -32 -> ((float[]) buffer)[x];
                case -64 -> ((double[]) buffer)[x];
                default -> {
                    long stored = integerAt(x);
                    yield hasBlank && stored == blank ? Double.NaN : stored;
                }
            };
        }
    }

    private long integerAt(int x) {
        return switch (bitpix) {
            case 8 -> ((byte[]) buffer)[x] & 0xff;
            case 16 -> ((short[]) buffer)[x];
            case 32 -> ((int[]) buffer)[x];
            default -> ((long[]) buffer)[x];
        };
    }
}
