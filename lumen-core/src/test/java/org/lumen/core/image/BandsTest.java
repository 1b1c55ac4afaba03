package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.testing.Python;

/**
 * Plane selection on astropy's 7-plane cube {@code arange.fits} ({@code np.arange(770).reshape(7, 10, 11)},
 * int32): the planes kept are astropy's {@code data[i]}, in the order chosen; an unselected cube of more planes
 * than a model takes is refused naming the file; an index past the last plane is refused naming the file.
 */
class BandsTest {
    static final Path ARANGE = Path.of("/usr/lib/python3/dist-packages/astropy/io/fits/tests/data/arange.fits");

    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        Bands.reset();
    }

    @Test
    void selectedPlanesAreAstropysDataIInTheChosenOrder() throws Exception {
        Python.run(dir, String.join("\n",
                "import sys, numpy as np",
                "from astropy.io import fits",
                "d = fits.getdata(sys.argv[1])",
                "np.asarray(d[[6, 2, 0]], dtype=np.float64).astype('<f4').tofile('sel.f32')",
                "print(d.shape)"), ARANGE.toString());
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("sel.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = new float[raw.remaining() / 4];
        raw.asFloatBuffer().get(expected);

        Bands.configure(new int[] {6, 2, 0}, 3, "");
        Image image = ImageDecoder.read(ARANGE);
        assertEquals(3, image.channels());
        assertEquals(10, image.height());
        assertEquals(11, image.width());
        assertEquals(3 * 110, expected.length);
        assertArrayEquals(expected, image.data());
        // and by hand: arange's data[k, y, x] = 110 k + 11 y + x
        assertEquals(6 * 110 + 3 * 11 + 4, image.data()[3 * 11 + 4]);
        assertEquals(2 * 110 + 9 * 11 + 10, image.data()[110 + 9 * 11 + 10]);
        assertEquals(0f, image.data()[2 * 110]);
    }

    @Test
    void anUnselectedCubeOfMorePlanesThanTheModelTakesIsRefusedNamingTheFile() {
        Bands.configure(null, 3, "(how to choose)");
        LumenException e = assertThrows(Bands.TooManyPlanesException.class, () -> ImageDecoder.read(ARANGE));
        assertEquals(ARANGE.toString(), e.source());
        assertEquals("has 7 planes and the model takes 3 channels; choose 3 (or 1) of them (how to choose)", e.getMessage());
        // a model of exactly 7 channels takes the cube as it is, and the library default refuses nothing
        Bands.configure(null, 7, "");
        assertEquals(7, ImageDecoder.read(ARANGE).channels());
        Bands.reset();
        assertEquals(7, ImageDecoder.read(ARANGE).channels());
    }

    @Test
    void aPlanePastTheLastIsRefusedNamingTheFileAndExplicitLimitReadsIgnoreTheSelection() {
        Bands.configure(new int[] {0, 7}, 3, "");
        LumenException e = assertThrows(LumenException.class, () -> ImageDecoder.read(ARANGE));
        assertEquals(ARANGE.toString(), e.source());
        assertTrue(e.getMessage().equals("has 7 planes (0-6); plane 7 was chosen"), e.getMessage());
        assertEquals(7, ImageDecoder.read(ARANGE, ImageDecoder.DEFAULT_MAX_PIXELS).channels());
        assertThrows(IllegalArgumentException.class, () -> Bands.configure(new int[] {-1}, 3, ""));
        assertThrows(IllegalArgumentException.class, () -> Bands.configure(new int[0], 3, ""));
    }
}
