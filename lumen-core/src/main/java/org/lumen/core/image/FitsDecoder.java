package org.lumen.core.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import nom.tam.fits.Header;
import nom.tam.util.FitsFile;
import org.lumen.core.LumenException;

/**
 * Decodes the first HDU of a FITS file that holds a 2-D image or a 3-D cube (NAXIS3 = bands): the primary
 * HDU, an IMAGE extension, or a tile-compressed image ({@code .fits.fz}, read by {@link FitsCompressedReader}).
 *
 * <p>Headers are parsed with nom-tam-fits and checked against the pixel limit and the file length before
 * the data is read, row by row, straight into the float array. Values are physical:
 * {@code BZERO + BSCALE * stored}. A stored integer equal to {@code BLANK} becomes NaN, and NaN in float
 * data stays NaN: the decoder never invents a value for a missing pixel ({@link Stretch} maps NaN to 0
 * for display). Rows are kept in file order, so row 0 is FITS's first row ({@code y = 1}, the bottom of
 * the sky image), as in astropy's arrays.
 */
final class FitsDecoder {
    /**
     * nom-tam-fits logs warnings, with stack traces, about the same damage this decoder reports as a
     * {@link LumenException}; the command line must print exactly one error line, so only SEVERE records
     * pass. Kept in a field because java.util.logging holds loggers weakly and would forget the level.
     */
    private static final Logger NOM_TAM_LOG = Logger.getLogger("nom.tam");

    static {
        NOM_TAM_LOG.setLevel(Level.SEVERE);
    }

    private FitsDecoder() {}

    static Image read(Path file, PixelLimit limit) throws IOException {
        try (FitsFile in = new FitsFile(file.toFile(), "r")) {
            long fileLength = in.length();
            for (int hdu = 0; in.getFilePointer() < fileLength; hdu++) {
                Header header = Header.readHeader(in);
                if (header == null) {
                    break;
                }
                long dataBytes = header.getDataSize();
                if (isImage(header, hdu)) {
                    return readImage(file, in, header, limit, fileLength);
                }
                if (in.getFilePointer() + dataBytes > fileLength) {
                    throw truncated(file, hdu, dataBytes, fileLength - in.getFilePointer());
                }
                if (FitsCompressedReader.isCompressedImage(header)) {
                    return FitsCompressedReader.read(file, in, header, limit);
                }
                in.skipAllBytes(dataBytes);
            }
        }
        throw new LumenException(file, "no 2-D or 3-D image HDU (plain or tile-compressed) in this FITS file");
    }

    /** The primary HDU or an IMAGE extension with two or three axes (tables and empty HDUs are skipped). */
    private static boolean isImage(Header header, int hdu) {
        int naxis = header.getIntValue("NAXIS", 0);
        boolean imageHdu = hdu == 0 || "IMAGE".equals(header.getStringValue("XTENSION"));
        return imageHdu && (naxis == 2 || naxis == 3);
    }

    private static Image readImage(Path file, FitsFile in, Header header, PixelLimit limit, long fileLength)
            throws IOException {
        long width = axis(file, header, 1);
        long height = axis(file, header, 2);
        long bands = header.getIntValue("NAXIS", 0) == 3 ? axis(file, header, 3) : 1;
        limit.check(width, height, bands);
        int bitpix = header.getIntValue("BITPIX", 0);
        FitsRowReader rowReader = FitsRowReader.of(bitpix, (int) width);
        if (rowReader == null) {
            throw new LumenException(file, "corrupt FITS header: BITPIX = " + bitpix
                    + " (expected 8, 16, 32, 64, -32 or -64)");
        }
        long needed = width * height * bands * Math.abs(bitpix) / 8;
        long available = fileLength - in.getFilePointer();
        if (needed > available) {
            throw truncated(file, -1, needed, available);
        }
        double scale = header.getDoubleValue("BSCALE", 1.0);
        double zero = header.getDoubleValue("BZERO", 0.0);
        boolean hasBlank = bitpix > 0 && header.containsKey("BLANK");
        long blank = hasBlank ? header.getLongValue("BLANK") : 0;
        int w = (int) width;
        int rows = (int) (height * bands);
        float[] data = new float[rows * w];
        double[] row = new double[w];
        for (int r = 0; r < rows; r++) {
            rowReader.readRow(in, row, hasBlank, blank);
            for (int x = 0; x < w; x++) {
                data[r * w + x] = (float) (zero + scale * row[x]);
            }
        }
        return new Image((int) bands, (int) height, w, data, Math.abs(bitpix), Image.Scale.PHYSICAL);
    }

    private static long axis(Path file, Header header, int n) {
        long size = header.getLongValue("NAXIS" + n, -1);
        if (size <= 0) {
            throw new LumenException(file, "corrupt FITS header: NAXIS" + n + " is missing or not a positive integer");
        }
        return size;
    }

    private static LumenException truncated(Path file, int hdu, long needed, long available) {
        String which = hdu < 0 ? "the image" : "HDU " + hdu;
        return new LumenException(file, "truncated FITS data: " + which + " needs " + needed
                + " bytes of data, the file holds " + Math.max(0, available) + " more");
    }
}
