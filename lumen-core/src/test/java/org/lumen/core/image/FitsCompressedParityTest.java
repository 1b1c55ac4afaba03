package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.testing.Python;

/**
 * Tile-compressed FITS images (fpack's {@code .fits.fz} layout) decoded by Lumen and by astropy
 * ({@code fits.open(f)[i].data}, which runs CFITSIO's decompression): astropy's own test files and images
 * the reference script compresses with {@code CompImageHDU}, one per algorithm and quantisation method.
 * Integer and lossless images agree exactly, quantised NO_DITHER floats too; dithered floats to the last
 * bit of a float (nom-tam-fits and CFITSIO round the dither offset differently).
 */
class FitsCompressedParityTest {
    private static final Path ASTROPY_DATA = Path.of("/usr/lib/python3/dist-packages/astropy/io/fits/tests/data");

    /** Writes the compressed images, then dumps each argument's first 2-D/3-D data as float32 and its shape. */
    private static final String REFERENCE = String.join("\n",
            "import sys, json, numpy as np",
            "from astropy.io import fits",
            "rng = np.random.default_rng(7)",
            "def write(name, data, **kw):",
            "    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, **kw)]).writeto(name, overwrite=True)",
            "f = rng.normal(100, 5, (37, 53)).astype(np.float32)",
            "write('rice_float.fits', f, compression_type='RICE_1')",
            "write('rice_float_dither1.fits', f, compression_type='RICE_1', quantize_method=1)",
            "write('rice_float_dither2.fits', f, compression_type='RICE_1', quantize_method=2)",
            "write('gzip1_float_lossless.fits', f, compression_type='GZIP_1', quantize_level=0.0)",
            "write('rice_float_cube_tiles.fits', rng.normal(10, 2, (3, 20, 25)).astype(np.float32),",
            "      compression_type='RICE_1', tile_size=[10, 8, 1])",
            "write('rice_int.fits', rng.integers(-40000, 40000, (30, 41)).astype(np.int32), compression_type='RICE_1')",
            "write('gzip2_int16_cube.fits', rng.integers(-3000, 3000, (2, 20, 25)).astype(np.int16), compression_type='GZIP_2')",
            "write('hcompress_int.fits', rng.integers(0, 1000, (32, 32)).astype(np.int32), compression_type='HCOMPRESS_1')",
            "write('plio_int.fits', rng.integers(0, 5000, (24, 30)).astype(np.int32), compression_type='PLIO_1')",
            "shapes = []",
            "for i, arg in enumerate(sys.argv[1:]):",
            "    with fits.open(arg) as h:",
            "        hdu = next(x for x in h if x.data is not None and x.data.ndim in (2, 3))",
            "        assert isinstance(hdu, fits.CompImageHDU), arg",
            "        np.asarray(hdu.data, dtype=np.float64).astype('<f4').tofile(f'{i}.f32')",
            "        shapes.append(list(hdu.data.shape))",
            "print(json.dumps(shapes))");

    /** Astropy's files, then the ones the script writes into the work folder. */
    private static final String[] FILES = {
        ASTROPY_DATA.resolve("comp.fits").toString(),
        ASTROPY_DATA.resolve("compressed_image.fits").toString(),
        ASTROPY_DATA.resolve("double_ext.fits").toString(), // uint16 (BZERO = 32768)
        "rice_float.fits", "rice_float_dither1.fits", "rice_float_dither2.fits", "gzip1_float_lossless.fits",
        "rice_float_cube_tiles.fits", "rice_int.fits", "gzip2_int16_cube.fits", "hcompress_int.fits", "plio_int.fits"};

    @TempDir
    static Path dir;

    private static List<int[]> shapes;

    @BeforeAll
    static void decodeWithAstropy() {
        String json = Python.run(dir, REFERENCE, FILES).trim();
        shapes = new ArrayList<>();
        for (String shape : json.substring(2, json.length() - 2).split("\\], \\[")) {
            String[] parts = shape.split(", ");
            int[] dims = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Integer.parseInt(parts[i]);
            }
            shapes.add(dims);
        }
    }

    @Test
    void everyAlgorithmDecodesAsAstropy() throws Exception {
        for (int i = 0; i < FILES.length; i++) {
            String name = Path.of(FILES[i]).getFileName().toString();
            Image image = ImageDecoder.read(dir.resolve(FILES[i]));
            int[] shape = shapes.get(i);
            assertEquals(shape.length == 3 ? shape[0] : 1, image.channels(), name);
            assertEquals(shape[shape.length - 2], image.height(), name);
            assertEquals(shape[shape.length - 1], image.width(), name);
            assertEquals(Image.Scale.PHYSICAL, image.scale(), name);
            float[] expected = astropy(i);
            float[] actual = image.data();
            assertEquals(expected.length, actual.length, name);
            boolean dithered = name.contains("dither");
            for (int j = 0; j < expected.length; j++) {
                float tolerance = dithered ? Math.ulp(expected[j]) : 0f;
                if (Math.abs(expected[j] - actual[j]) > tolerance) {
                    throw new AssertionError(name + ": pixel " + j + " is " + actual[j] + ", astropy gives " + expected[j]);
                }
            }
        }
    }

    @Test
    void depthsAndValuesAreTheSourceOnes() throws Exception {
        assertEquals(16, ImageDecoder.read(Path.of(FILES[2])).bitsPerSample());
        Image floats = ImageDecoder.read(dir.resolve("rice_float.fits"));
        assertEquals(32, floats.bitsPerSample());
        // quantised, not normalised: values near the mean of 100 the script drew them from
        double sum = 0;
        for (float v : floats.data()) {
            sum += v;
        }
        double mean = sum / floats.data().length;
        assertTrue(Math.abs(mean - 100) < 1, "mean " + mean);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : ImageDecoder.read(Path.of(FILES[0])).data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(max - min > 100, "comp.fits is a real exposure, not a constant: " + min + ".." + max);
    }

    private static float[] astropy(int i) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(i + ".f32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
