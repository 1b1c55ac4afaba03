package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.NullDataHDU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

/** FITS files written by nom-tam-fits read back exactly, with BSCALE/BZERO, BLANK, NaN and cubes. */
class FitsDecoderTest {
    @TempDir
    Path dir;

    @Test
    void scaledIntegersBecomePhysicalValuesAndBlankBecomesNaN() throws Exception {
        short[][] stored = {{-32768, -2, 0}, {1, 3, 32767}}; // 2 rows x 3 columns
        Path file = dir.resolve("scaled.fits");
        write(file, null, stored, hdu -> {
            hdu.addValue("BSCALE", 0.5, "");
            hdu.addValue("BZERO", 100.0, "");
            hdu.addValue("BLANK", -32768, "");
        });

        Image image = ImageDecoder.read(file);

        assertEquals(1, image.channels());
        assertEquals(2, image.height());
        assertEquals(3, image.width());
        assertEquals(16, image.bitsPerSample());
        assertEquals(Image.Scale.PHYSICAL, image.scale());
        // 100 + 0.5 * stored; the BLANK value -32768 is a missing pixel, NaN
        assertArrayEquals(new float[] {Float.NaN, 99f, 100f, 100.5f, 101.5f, 16483.5f}, image.data(), 0f);
    }

    @Test
    void cubeGivesOneChannelPerPlaneAndKeepsNaN() throws Exception {
        float[][][] cube = new float[3][4][5]; // NAXIS3 = 3 bands, NAXIS2 = 4 rows, NAXIS1 = 5 columns
        float[] expected = new float[3 * 4 * 5];
        for (int b = 0; b < 3; b++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    cube[b][y][x] = (b + 1) * 1e-3f * (y * 5 + x) - 0.0125f * b;
                    expected[(b * 4 + y) * 5 + x] = cube[b][y][x];
                }
            }
        }
        cube[1][2][3] = Float.NaN;
        expected[(4 + 2) * 5 + 3] = Float.NaN;
        Path file = dir.resolve("cube.fits");
        write(file, null, cube, hdu -> { });

        Image image = ImageDecoder.read(file);

        assertEquals(3, image.channels());
        assertEquals(4, image.height());
        assertEquals(5, image.width());
        assertEquals(32, image.bitsPerSample());
        assertArrayEquals(expected, image.data(), 0f);
    }

    @Test
    void imageInAnExtensionAfterAnEmptyPrimaryIsFound() throws Exception {
        byte[][] stored = {{0, 1}, {(byte) 200, (byte) 255}}; // FITS bytes are unsigned
        Path file = dir.resolve("extension.fits");
        write(file, new NullDataHDU(), stored, hdu -> { });

        assertArrayEquals(new float[] {0, 1, 200, 255}, ImageDecoder.read(file).data(), 0f);
    }

    @Test
    void cubeAbovePixelLimitIsRefusedFromTheHeader() throws Exception {
        Path file = dir.resolve("big.fits");
        write(file, null, new short[2][30][40], hdu -> { });

        LumenException refused = assertThrows(LumenException.class, () -> ImageDecoder.read(file, 1000));
        assertEquals("image is 40 x 30 (0.0012 megapixels), above the limit of 0.001 megapixels", refused.getMessage());
        // 40 x 30 = 1200 pixels fits a 1200 limit, and 2 bands are within 4 samples per pixel
        assertEquals(2, ImageDecoder.read(file, 1200).channels());
    }

    @Test
    void raisedLimitStillStopsAtWhatAnArrayHolds() throws Exception {
        // a header-only cube of 50000 x 50000 x 2 bands: 5e9 samples, past Java's 2^31 array bound
        Path file = dir.resolve("header-only.fits");
        Files.writeString(file, String.format("%-80s%-80s%-80s%-80s%-80s%-80s%-80s", "SIMPLE  =                    T",
                "BITPIX  =                  -32", "NAXIS   =                    3", "NAXIS1  =                50000",
                "NAXIS2  =                50000", "NAXIS3  =                    2", "END") + " ".repeat(2880 - 560));

        LumenException refused = assertThrows(LumenException.class, () -> ImageDecoder.read(file, 10_000_000_000L));
        assertTrue(refused.getMessage().contains("more than one image can hold"), refused.getMessage());
    }

    @Test
    void tableOnlyFileHasNoImage() throws Exception {
        Path file = dir.resolve("table.fits");
        try (Fits fits = new Fits()) {
            fits.addHDU(new NullDataHDU());
            fits.addHDU(Fits.makeHDU(new Object[] {new int[] {1, 2, 3}}));
            fits.write(file.toFile());
        }

        LumenException refused = assertThrows(LumenException.class, () -> ImageDecoder.read(file));
        assertTrue(refused.getMessage().contains("no 2-D or 3-D image"), refused.getMessage());
    }

    private interface HeaderEdit {
        void apply(BasicHDU<?> hdu) throws Exception;
    }

    private static void write(Path file, BasicHDU<?> primary, Object data, HeaderEdit edit) throws Exception {
        try (Fits fits = new Fits()) {
            if (primary != null) {
                fits.addHDU(primary);
            }
            BasicHDU<?> hdu = Fits.makeHDU(data);
            edit.apply(hdu);
            fits.addHDU(hdu);
            fits.write(file.toFile());
        }
    }
}
