package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.testing.Python;

/**
 * Real files shipped with scikit-image, decoded by Lumen and by PIL (the decoder torchvision and
 * scikit-image use): lossless formats must agree exactly, JPEG within what different IDCTs allow.
 */
class DecoderParityTest {
    private static final Path DATA = Path.of("/usr/lib/python3/dist-packages/skimage/data");

    /** Decodes each {@code file:MODE} argument with PIL to CHW float32 in {@code <n>.f32}, divided by the type max. */
    private static final String REFERENCE = String.join("\n",
            "import sys, numpy as np",
            "from PIL import Image",
            "for i, arg in enumerate(sys.argv[1:]):",
            "    path, mode = arg.rsplit(':', 1)",
            "    im = Image.open(path)",
            "    a = np.asarray(im if mode == 'I;16' else im.convert(mode))",
            "    a = a.astype(np.float64) / (65535.0 if mode == 'I;16' else 255.0)",
            "    a = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)",
            "    np.ascontiguousarray(a).astype('<f4').tofile(f'{i}.f32')");

    /** File and the PIL mode Lumen's channels correspond to. */
    private static final String[] FILES = {
        "chelsea.png:RGB", "camera.png:L", "logo.png:RGBA", "palette_color.png:RGB", "palette_gray.png:L",
        "foo3x5x4indexed.png:RGBA", "chessboard_GRAY_U16.tif:I;16", "chessboard_GRAY_U16B.tif:I;16",
        "rocket.jpg:RGB", "hubble_deep_field.jpg:RGB"};

    @TempDir
    static Path dir;

    @BeforeAll
    static void decodeWithPil() {
        String[] args = new String[FILES.length];
        for (int i = 0; i < FILES.length; i++) {
            args[i] = DATA.resolve(FILES[i]).toString();
        }
        Python.run(dir, REFERENCE, args);
    }

    @Test
    void losslessFilesDecodeExactlyAsPil() throws Exception {
        for (int i = 0; i < FILES.length; i++) {
            if (!FILES[i].contains(".jpg")) {
                assertArrayEquals(pil(i), lumen(i).data(), 0f, FILES[i]);
            }
        }
    }

    @Test
    void sixteenBitTiffKeepsFullPrecision() throws Exception {
        Image image = lumen(indexOf("chessboard_GRAY_U16B.tif:I;16"));
        assertEquals(16, image.bitsPerSample());
        assertEquals(1, image.channels());
    }

    /**
     * The JDK's libjpeg and PIL's libjpeg-turbo both use the exact integer IDCT and fancy upsampling, so
     * they agree to a level or two at most; rocket.jpg embeds a non-sRGB ICC profile, which PIL ignores and
     * so must Lumen (converting it would shift colours by up to 55 levels).
     */
    @Test
    void jpegAgreesWithPilWithinDecoderDifferences() throws Exception {
        for (int i = 0; i < FILES.length; i++) {
            if (FILES[i].contains(".jpg")) {
                float[] expected = pil(i);
                float[] actual = lumen(i).data();
                double sum = 0;
                for (int j = 0; j < expected.length; j++) {
                    sum += Math.abs(expected[j] - actual[j]);
                }
                float max = TestImages.maxAbsDifference(expected, actual);
                assertTrue(max <= 2 / 255f + 1e-6f, FILES[i] + ": max difference " + max * 255 + " levels");
                assertTrue(sum / expected.length <= 0.25 / 255, FILES[i] + ": mean difference "
                        + sum / expected.length * 255 + " levels");
            }
        }
    }

    private static int indexOf(String file) {
        return Arrays.asList(FILES).indexOf(file);
    }

    private static Image lumen(int i) {
        return ImageDecoder.read(DATA.resolve(FILES[i].substring(0, FILES[i].lastIndexOf(':'))));
    }

    private static float[] pil(int i) throws IOException {
        return TestImages.readFloats(dir.resolve(i + ".f32"));
    }
}
