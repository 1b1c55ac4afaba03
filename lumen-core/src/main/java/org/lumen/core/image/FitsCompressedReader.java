package org.lumen.core.image;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.ImageHDU;
import nom.tam.image.compression.hdu.CompressedImageData;
import nom.tam.image.compression.hdu.CompressedImageHDU;
import nom.tam.util.ArrayDataInput;
import org.lumen.core.LumenException;

/**
 * Decodes a tile-compressed image HDU (the FITS tiled-image convention that fpack's {@code .fits.fz} files
 * and astropy's {@code CompImageHDU} write: a binary table with {@code ZIMAGE = T}) with nom-tam-fits,
 * which supports RICE_1, GZIP_1, GZIP_2, HCOMPRESS_1, PLIO_1 and NOCOMPRESS tiles.
 *
 * <p>Values are what astropy's {@code fits.open(f)[i].data} gives: integer images are scaled by the
 * BSCALE/BZERO of the uncompressed image header (BLANK becomes NaN), and quantised floating-point images
 * are dequantised per tile with the table's ZSCALE/ZZERO (and the subtractive dither when ZQUANTIZ names
 * one, or as CFITSIO does for NO_DITHER: see {@link FitsNoDitherTiles}), null pixels becoming NaN. Lossless
 * floating-point tiles (GZIP without ZSCALE) are read as stored. The dimensions come from ZNAXISn and are checked against the pixel limit
 * before any tile is decompressed.
 */
final class FitsCompressedReader {
    private FitsCompressedReader() {}

    /** True for the header of a tile-compressed image with two or three axes. */
    static boolean isCompressedImage(Header header) {
        int naxis = header.getIntValue("ZNAXIS", 0);
        return CompressedImageHDU.isHeader(header) && (naxis == 2 || naxis == 3);
    }

    /**
     * Reads the table that follows {@code header} in {@code in} (its length already checked against the
     * file) and decompresses it into a PHYSICAL image of {@code ZNAXIS3} channels (1 for a 2-D image).
     */
    static Image read(Path file, ArrayDataInput in, Header header, PixelLimit limit) throws IOException {
        long width = axis(file, header, 1);
        long height = axis(file, header, 2);
        long bands = header.getIntValue("ZNAXIS", 0) == 3 ? axis(file, header, 3) : 1;
        limit.check(width, height, bands);
        int zbitpix = header.getIntValue("ZBITPIX", 0);
        if (zbitpix < 0 && FitsNoDitherTiles.column(header, "ZSCALE") < 0) {
            // lossless floats: nom-tam-fits 1.20.2 would take ZQUANTIZ alone as a sign of quantised tiles
            header.deleteKey("ZQUANTIZ");
        }
        FitsNoDitherTiles noDither = FitsNoDitherTiles.prepare(header);
        ImageHDU image;
        Object kernel;
        CompressedImageData data;
        try {
            data = CompressedImageHDU.manufactureData(header);
            data.read(in);
            image = new CompressedImageHDU(header, data).asImageHDU();
            kernel = image.getKernel();
        } catch (RuntimeException e) {
            throw new LumenException(file, "cannot decompress the tile-compressed image ("
                    + header.getStringValue("ZCMPTYPE") + "): " + message(e));
        }
        Header imageHeader = image.getHeader();
        double scale = imageHeader.getDoubleValue("BSCALE", 1.0);
        double zero = imageHeader.getDoubleValue("BZERO", 0.0);
        boolean hasBlank = zbitpix > 0 && imageHeader.containsKey("BLANK");
        long blank = hasBlank ? imageHeader.getLongValue("BLANK") : 0;
        int w = (int) width;
        float[] out = new float[(int) (width * height * bands)];
        int filled = flatten(kernel, out, 0, scale, zero, hasBlank, blank);
        if (noDither != null && filled == out.length) {
            int[] stored = new int[out.length];
            flattenInts(kernel, stored, 0);
            out = noDither.dequantise(data, stored, w, (int) height, (int) bands);
        }
        if (filled != out.length) {
            throw new LumenException(file, "corrupt tile-compressed image: " + filled
                    + " pixels decompressed, ZNAXISn promise " + out.length);
        }
        return new Image((int) bands, (int) height, w, out, Math.abs(zbitpix), Image.Scale.PHYSICAL);
    }

    /** Copies the rows of a (possibly nested) primitive array into {@code out} from {@code pos}; returns the end. */
    private static int flatten(Object array, float[] out, int pos, double scale, double zero,
            boolean hasBlank, long blank) {
        if (array instanceof Object[] nested) {
            for (Object row : nested) {
                pos = flatten(row, out, pos, scale, zero, hasBlank, blank);
            }
            return pos;
        }
        int n = Array.getLength(array);
        if (pos + n > out.length) {
            return pos + n;
        }
        if (array instanceof float[] f) {
            for (int x = 0; x < n; x++) {
                out[pos + x] = (float) (zero + scale * f[x]);
            }
        } else if (array instanceof double[] d) {
            for (int x = 0; x < n; x++) {
                out[pos + x] = (float) (zero + scale * d[x]);
            }
        } else {
            for (int x = 0; x < n; x++) {
                long stored = integerAt(array, x);
                out[pos + x] = hasBlank && stored == blank ? Float.NaN : (float) (zero + scale * stored);
            }
        }
        return pos + n;
    }

    private static int flattenInts(Object array, int[] out, int pos) {
        if (array instanceof Object[] nested) {
            for (Object row : nested) {
                pos = flattenInts(row, out, pos);
            }
            return pos;
        }
        int[] row = (int[]) array;
        System.arraycopy(row, 0, out, pos, row.length);
        return pos + row.length;
    }

    private static long integerAt(Object array, int x) {
        if (array instanceof byte[] b) {
            return b[x] & 0xff;
        }
        if (array instanceof short[] s) {
            return s[x];
        }
        if (array instanceof int[] i) {
            return i[x];
        }
        return ((long[]) array)[x];
    }

    private static long axis(Path file, Header header, int n) {
        long size = header.getLongValue("ZNAXIS" + n, -1);
        if (size <= 0) {
            throw new LumenException(file, "corrupt FITS header: ZNAXIS" + n + " is missing or not a positive integer");
        }
        return size;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
