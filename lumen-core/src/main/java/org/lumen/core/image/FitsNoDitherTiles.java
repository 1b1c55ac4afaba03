package org.lumen.core.image;

import nom.tam.fits.BinaryTable;
import nom.tam.fits.Header;

/**
 * Dequantises floating-point tiles stored with {@code ZQUANTIZ = 'NO_DITHER'} (astropy's default for
 * {@code CompImageHDU} of float data) the way CFITSIO and astropy do: {@code value = stored * ZSCALE + ZZERO}
 * per tile, in double precision, then rounded to float; a stored value equal to the tile's ZBLANK (column)
 * or the header's ZBLANK is a null pixel, NaN.
 *
 * <p>nom-tam-fits 1.20.2 adds half a quantisation step to every such value (its decoder assumes a dither
 * offset that NO_DITHER files do not have), so {@link #prepare} rewrites the header to make nom-tam-fits
 * hand back the stored integers (ZBITPIX 32, the ZSCALE/ZZERO/ZBLANK columns renamed so it does not apply
 * them) and this class applies the scale itself. Dithered files (SUBTRACTIVE_DITHER_1/2) are left to
 * nom-tam-fits, whose values agree with astropy's to a float's last bit.
 */
final class FitsNoDitherTiles {
    private static final String RENAMED = "LUMEN_";

    private final int scaleColumn;
    private final int zeroColumn;
    private final int blankColumn;
    private final boolean hasBlankKey;
    private final long blankKey;
    private final int[] tile;

    private FitsNoDitherTiles(Header header, int scaleColumn, int zeroColumn, int blankColumn) {
        this.scaleColumn = scaleColumn;
        this.zeroColumn = zeroColumn;
        this.blankColumn = blankColumn;
        this.hasBlankKey = header.containsKey("ZBLANK");
        this.blankKey = hasBlankKey ? header.getLongValue("ZBLANK") : 0;
        int naxis = header.getIntValue("ZNAXIS", 0);
        tile = new int[3];
        for (int n = 1; n <= 3; n++) {
            int size = n <= naxis ? header.getIntValue("ZNAXIS" + n, 1) : 1;
            // ZTILE1 defaults to the row, the other tile axes to 1 (the FITS tiled-image convention)
            int dflt = n == 1 ? size : 1;
            tile[n - 1] = Math.max(1, Math.min(size, header.getIntValue("ZTILE" + n, dflt)));
        }
    }

    /**
     * For a NO_DITHER quantised float image, rewrites {@code header} (before its data is manufactured) so
     * nom-tam-fits decodes the stored integers, and returns the dequantiser; otherwise returns null and
     * leaves the header as it is.
     */
    static FitsNoDitherTiles prepare(Header header) {
        int scale = column(header, "ZSCALE");
        int zero = column(header, "ZZERO");
        String method = header.getStringValue("ZQUANTIZ");
        boolean dithered = method != null && method.trim().startsWith("SUBTRACTIVE_DITHER");
        if (header.getIntValue("ZBITPIX", 0) >= 0 || scale < 0 || zero < 0 || dithered) {
            return null;
        }
        int blank = column(header, "ZBLANK");
        FitsNoDitherTiles tiles = new FitsNoDitherTiles(header, scale, zero, blank);
        for (int c : new int[] {scale, zero, blank}) {
            if (c >= 0) {
                header.addValue("TTYPE" + (c + 1), RENAMED + header.getStringValue("TTYPE" + (c + 1)), "");
            }
        }
        header.addValue("ZBITPIX", 32, "");
        header.deleteKey("ZQUANTIZ");
        header.deleteKey("ZBLANK");
        return tiles;
    }

    /** The zero-based index of the table column named {@code name}, or -1. */
    static int column(Header header, String name) {
        int fields = header.getIntValue("TFIELDS", 0);
        for (int i = 1; i <= fields; i++) {
            String type = header.getStringValue("TTYPE" + i);
            if (type != null && name.equals(type.trim())) {
                return i - 1;
            }
        }
        return -1;
    }

    /**
     * Physical values of the stored integers {@code stored} (bands x height x width, row-major), each scaled
     * with the ZSCALE/ZZERO of the tile (table row) it lies in; tiles are numbered along axis 1 first.
     */
    float[] dequantise(BinaryTable table, int[] stored, int width, int height, int bands) {
        int tilesX = (width + tile[0] - 1) / tile[0];
        int tilesY = (height + tile[1] - 1) / tile[1];
        int rows = table.getNRows();
        double[] scales = new double[rows];
        double[] zeros = new double[rows];
        long[] blanks = new long[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = table.getDouble(r, scaleColumn);
            zeros[r] = table.getDouble(r, zeroColumn);
            blanks[r] = blankColumn >= 0 ? table.getLong(r, blankColumn) : blankKey;
        }
        boolean hasBlank = blankColumn >= 0 || hasBlankKey;
        float[] out = new float[stored.length];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < height; y++) {
                int rowBase = ((b / tile[2]) * tilesY + y / tile[1]) * tilesX;
                for (int x = 0; x < width; x++) {
                    int row = rowBase + x / tile[0];
                    int i = (b * height + y) * width + x;
                    out[i] = hasBlank && stored[i] == blanks[row] ? Float.NaN
                            : (float) (stored[i] * scales[row] + zeros[row]);
                }
            }
        }
        return out;
    }
}
