package org.lumen.core.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Builders for test images with known samples, and float32 files shared with the Python references. */
final class TestImages {
    private TestImages() {}

    /**
     * A grey (1 band) or RGB (3 bands) image of 8- or 16-bit samples drawn over the full range from
     * {@code seed}; {@code samples[(b * height + y) * width + x]} receives each sample.
     */
    static BufferedImage randomImage(int bands, int bits, int height, int width, long seed, int[] samples) {
        ColorSpace space = ColorSpace.getInstance(bands == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        int type = bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT;
        ComponentColorModel model = new ComponentColorModel(space, false, false, Transparency.OPAQUE, type);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        Random random = new Random(seed);
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int v = random.nextInt(1 << bits);
                    raster.setSample(x, y, b, v);
                    samples[(b * height + y) * width + x] = v;
                }
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** Uniform random values in [0, 1), CHW. */
    static Image randomUnitImage(int channels, int height, int width, long seed) {
        Random random = new Random(seed);
        float[] data = new float[channels * height * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return new Image(channels, height, width, data, 8, Image.Scale.NORMALISED);
    }

    static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        Files.write(file, buffer.array());
    }

    /** Reads a little-endian float32 file, as NumPy's {@code astype("<f4").tofile(...)} writes it. */
    static float[] readFloats(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }

    static float maxAbsDifference(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("lengths differ: " + expected.length + " vs " + actual.length);
        }
        float max = 0f;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }
}
