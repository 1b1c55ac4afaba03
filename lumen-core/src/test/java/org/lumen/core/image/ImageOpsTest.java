package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channel conversion, normalisation and 8-bit output against hand-computed pixels. */
class ImageOpsTest {
    @TempDir
    Path dir;

    /** One pixel per channel: {@code values[c]}. */
    private static Image pixel(float... values) {
        return new Image(values.length, 1, 1, values, 8, Image.Scale.NORMALISED);
    }

    @Test
    void greyIsReplicatedToRgb() {
        Image grey = new Image(1, 1, 2, new float[] {0.25f, 0.75f}, 16, Image.Scale.NORMALISED);

        Image rgb = ImageOps.toChannels(grey, 3);

        assertArrayEquals(new float[] {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f}, rgb.data(), 0f);
        assertEquals(16, rgb.bitsPerSample());
    }

    @Test
    void rgbToGreyUsesPilLumaWeights() {
        // 0.299 * 1 + 0.587 * 0.5 + 0.114 * 0.25 = 0.299 + 0.2935 + 0.0285 = 0.621
        assertEquals(0.621f, ImageOps.toChannels(pixel(1f, 0.5f, 0.25f), 1).data()[0], 1e-6f);
        // with alpha, which is dropped: 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6 = 0.0598 + 0.2348 + 0.0684
        assertEquals(0.363f, ImageOps.toChannels(pixel(0.2f, 0.4f, 0.6f, 0.1f), 1).data()[0], 1e-6f);
    }

    @Test
    void alphaIsDroppedNotComposited() {
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, ImageOps.toChannels(pixel(0.1f, 0.2f, 0.3f, 0f), 3).data(), 0f);
        assertArrayEquals(new float[] {0.4f}, ImageOps.toChannels(pixel(0.4f, 0.5f), 1).data(), 0f);
        assertArrayEquals(new float[] {0.4f, 0.4f, 0.4f}, ImageOps.toChannels(pixel(0.4f, 0.5f), 3).data(), 0f);
    }

    @Test
    void sameChannelCountIsTheSameImageAndOthersAreRefused() {
        Image rgb = pixel(0.1f, 0.2f, 0.3f);
        assertSame(rgb, ImageOps.toChannels(rgb, 3));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.toChannels(rgb, 4));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.toChannels(pixel(1, 2, 3, 4, 5), 3));
    }

    @Test
    void normalizeSubtractsMeanAndDividesByStdPerChannel() {
        Image image = new Image(2, 1, 2, new float[] {0f, 1f, 0.5f, 0.25f}, 8, Image.Scale.NORMALISED);

        float[] normalised = ImageOps.normalize(image, new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.125f});

        // channel 0: (0 - 0.5) / 0.5 = -1, (1 - 0.5) / 0.5 = 1; channel 1: (0.5 - 0.25) / 0.125 = 2, 0
        assertArrayEquals(new float[] {-1f, 1f, 2f, 0f}, normalised, 0f);
        assertArrayEquals(new float[] {0f, 1f, 0.5f, 0.25f}, image.data(), 0f, "input unchanged");
        assertThrows(IllegalArgumentException.class, () -> ImageOps.normalize(image, new float[3], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.normalize(image, new float[2], new float[] {1f, 0f}));
    }

    @Test
    void rgb8ClipsRoundsAndShowsNaNAsBlack() {
        float[] red = {-0.5f, 0f, 0.5f, 1f, 2f, Float.NaN};
        float[] data = new float[18];
        System.arraycopy(red, 0, data, 0, 6);
        data[6 + 2] = 1f / 255f; // green of pixel 2
        Image image = new Image(3, 1, 6, data, 8, Image.Scale.NORMALISED);

        BufferedImage rgb = ImageOps.toRgb8(image);

        int[] expectedRed = {0, 0, 128, 255, 255, 0}; // 0.5 * 255 = 127.5 rounds up to 128
        for (int x = 0; x < 6; x++) {
            int argb = rgb.getRGB(x, 0);
            assertEquals(expectedRed[x], (argb >> 16) & 0xff, "red at " + x);
            assertEquals(x == 2 ? 1 : 0, (argb >> 8) & 0xff, "green at " + x);
            assertEquals(0, argb & 0xff, "blue at " + x);
        }
    }

    @Test
    void writtenPngReadsBackExactlyAndLeavesNoTemporaryFile() throws IOException {
        Image image = TestImages.randomUnitImage(3, 7, 9, 5);
        // quantise to 8 bits first so the round trip can be exact
        float[] quantised = new float[image.data().length];
        for (int i = 0; i < quantised.length; i++) {
            quantised[i] = Math.round(image.data()[i] * 255f) / 255f;
        }
        Path file = dir.resolve("out/overlay.png");

        ImageOps.writePng(ImageOps.toRgb8(new Image(3, 7, 9, quantised, 8, Image.Scale.NORMALISED)), file);

        assertArrayEquals(quantised, ImageDecoder.read(file).data(), 0f);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "only the PNG itself is left in the folder");
        }
    }
}
