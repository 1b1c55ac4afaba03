package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lumen.core.LumenException;

/** Exact round trips through ImageIO-written files, palettes, format detection and the pixel limit. */
class ImageDecoderTest {
    private static final Path CHELSEA = Path.of("/usr/lib/python3/dist-packages/skimage/data/chelsea.png");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}-bit, {2} band(s)")
    @CsvSource({"png, 8, 1", "png, 8, 3", "png, 16, 1", "png, 16, 3",
                "tiff, 8, 1", "tiff, 8, 3", "tiff, 16, 1", "tiff, 16, 3"})
    void roundTripIsExact(String format, int bits, int bands) throws IOException {
        int height = 23;
        int width = 31; // odd, non-square: catches swapped axes and row padding
        int[] samples = new int[bands * height * width];
        BufferedImage written = TestImages.randomImage(bands, bits, height, width, 42 + bits + bands, samples);
        Path file = dir.resolve("image." + format);
        write(written, format, file);

        Image image = ImageDecoder.read(file);

        assertEquals(bands, image.channels());
        assertEquals(height, image.height());
        assertEquals(width, image.width());
        assertEquals(bits, image.bitsPerSample());
        assertEquals(Image.Scale.NORMALISED, image.scale());
        float max = (1 << bits) - 1;
        float[] expected = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            expected[i] = samples[i] / max;
        }
        assertArrayEquals(expected, image.data(), 0f);
    }

    /**
     * Writes with the JDK's own writer: TwelveMonkeys' TIFF writer has no 16-bit interleaved RGB, and
     * writing with one implementation and reading with another (TwelveMonkeys) is the stronger test.
     */
    private static void write(BufferedImage image, String format, Path file) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith("com.sun.")) {
                try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
                    writer.setOutput(out);
                    writer.write(image);
                } finally {
                    writer.dispose();
                }
                return;
            }
        }
        throw new AssertionError("no JDK writer for " + format);
    }

    @Test
    void colourPaletteExpandsToRgb() throws IOException {
        byte[] red = {(byte) 255, 0, 10};
        byte[] green = {0, (byte) 128, 20};
        byte[] blue = {0, 0, 30};
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(2, 3, red, green, blue));
        for (int x = 0; x < 3; x++) {
            indexed.getRaster().setSample(x, 0, 0, 2 - x);
        }
        Path file = dir.resolve("palette.png");
        ImageIO.write(indexed, "png", file.toFile());

        Image image = ImageDecoder.read(file);

        assertEquals(3, image.channels());
        // pixels use palette entries 2, 1, 0; plane R, then G, then B
        assertArrayEquals(new float[] {10 / 255f, 0, 1, 20 / 255f, 128 / 255f, 0, 30 / 255f, 0, 0}, image.data(), 0f);
    }

    @Test
    void oneBitGreyIsOneChannel() throws IOException {
        BufferedImage binary = new BufferedImage(9, 2, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setSample(8, 1, 0, 1);
        Path file = dir.resolve("binary.png");
        ImageIO.write(binary, "png", file.toFile());

        Image image = ImageDecoder.read(file);

        assertEquals(1, image.channels());
        assertEquals(1, image.bitsPerSample());
        assertEquals(1f, image.get(0, 1, 8));
        assertEquals(0f, image.get(0, 1, 7));
    }

    @Test
    void multiBandTiffKeepsEveryBand() throws IOException {
        float[] samples = new float[6 * 3 * 4]; // 6 bands of 3 x 4
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (i * 37) % 65536;
        }
        Path file = dir.resolve("bands.tif");
        Files.write(file, MinimalTiff.write(6, 3, 4, 16, samples));

        Image image = ImageDecoder.read(file);

        assertEquals(6, image.channels());
        assertEquals(16, image.bitsPerSample());
        float[] expected = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            expected[i] = samples[i] / 65535f;
        }
        assertArrayEquals(expected, image.data(), 0f);
    }

    @Test
    void floatTiffKeepsPhysicalValues() throws IOException {
        float[] samples = {-3.5f, 0f, 1e-7f, 12345.678f, Float.NaN, 2f};
        Path file = dir.resolve("float.tif");
        Files.write(file, MinimalTiff.write(1, 2, 3, 32, samples));

        Image image = ImageDecoder.read(file);

        assertEquals(Image.Scale.PHYSICAL, image.scale());
        assertEquals(32, image.bitsPerSample());
        assertArrayEquals(samples, image.data(), 0f);
    }

    @Test
    void formatComesFromTheBytesNotTheName() throws IOException {
        Path misnamed = dir.resolve("photo.jpg");
        Files.copy(CHELSEA, misnamed);

        Image image = ImageDecoder.read(misnamed);

        assertEquals(8, image.bitsPerSample());
        assertArrayEquals(ImageDecoder.read(CHELSEA).data(), image.data(), 0f); // lossless: PNG, not JPEG
    }

    @Test
    void configurablePixelLimitRefusesARealImage() {
        // chelsea.png is 451 x 300 = 135,300 pixels
        LumenException refused = assertThrows(LumenException.class, () -> ImageDecoder.read(CHELSEA, 100_000));
        assertEquals("image is 451 x 300 (0.1353 megapixels), above the limit of 0.1 megapixels", refused.getMessage());
        assertEquals(CHELSEA.toString(), refused.source());

        assertEquals(451, ImageDecoder.read(CHELSEA, 135_300).width(), "the limit is inclusive");
    }

    @Test
    void missingFileAndFolderAreUserErrors() {
        assertEquals("no such file",
                assertThrows(LumenException.class, () -> ImageDecoder.read(dir.resolve("absent.png"))).getMessage());
        assertEquals("is a folder, not an image file",
                assertThrows(LumenException.class, () -> ImageDecoder.read(dir)).getMessage());
    }

    @Test
    void nonPositiveLimitIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> ImageDecoder.read(CHELSEA, 0));
    }
}
