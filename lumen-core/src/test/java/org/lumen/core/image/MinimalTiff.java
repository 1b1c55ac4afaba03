package org.lumen.core.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes the smallest valid TIFF for cases ImageIO's writers cannot produce: any number of samples per
 * pixel (grey plus unspecified extra samples) and IEEE float samples. Little-endian, uncompressed, one
 * strip, interleaved samples.
 */
final class MinimalTiff {
    private static final short SHORT = 3;
    private static final short LONG = 4;

    private MinimalTiff() {}

    /** {@code samples} is CHW; {@code bits} is 8 or 16 (unsigned integers) or 32 (IEEE floats). */
    static byte[] write(int channels, int height, int width, int bits, float[] samples) {
        int entries = channels > 1 ? 12 : 11;
        int ifd = 8;
        int arrays = ifd + 2 + 12 * entries + 4; // SHORT arrays too long for an entry's 4-byte value field
        int data = arrays + 3 * 2 * channels;
        int dataBytes = channels * height * width * bits / 8;
        ByteBuffer out = ByteBuffer.allocate(data + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        out.putShort((short) entries);
        longValue(out, 256, width); // ImageWidth
        longValue(out, 257, height); // ImageLength
        shorts(out, 258, filled(channels, bits), arrays); // BitsPerSample
        shorts(out, 259, new short[] {1}, 0); // Compression: none
        shorts(out, 262, new short[] {1}, 0); // PhotometricInterpretation: black is zero
        longValue(out, 273, data); // StripOffsets
        shorts(out, 277, new short[] {(short) channels}, 0); // SamplesPerPixel
        longValue(out, 278, height); // RowsPerStrip
        longValue(out, 279, dataBytes); // StripByteCounts
        shorts(out, 284, new short[] {1}, 0); // PlanarConfiguration: interleaved
        if (channels > 1) {
            shorts(out, 338, filled(channels - 1, 0), arrays + 2 * channels); // ExtraSamples: unspecified
        }
        shorts(out, 339, filled(channels, bits == 32 ? 3 : 1), arrays + 4 * channels); // SampleFormat
        out.putInt(0); // no next IFD
        out.position(data);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    float v = samples[(c * height + y) * width + x];
                    switch (bits) {
                        case 8 -> out.put((byte) v);
                        case 16 -> out.putShort((short) v);
                        default -> out.putFloat(v);
                    }
                }
            }
        }
        return out.array();
    }

    private static short[] filled(int count, int value) {
        short[] values = new short[count];
        Arrays.fill(values, (short) value);
        return values;
    }

    private static void longValue(ByteBuffer out, int tag, int value) {
        out.putShort((short) tag).putShort(LONG).putInt(1).putInt(value);
    }

    /** A SHORT entry: up to two values inline, more written at {@code overflowOffset}. */
    private static void shorts(ByteBuffer out, int tag, short[] values, int overflowOffset) {
        out.putShort((short) tag).putShort(SHORT).putInt(values.length);
        if (values.length <= 2) {
            out.putShort(values[0]).putShort(values.length == 2 ? values[1] : 0);
        } else {
            out.putInt(overflowOffset);
            for (int i = 0; i < values.length; i++) {
                out.putShort(overflowOffset + 2 * i, values[i]);
            }
        }
    }
}
