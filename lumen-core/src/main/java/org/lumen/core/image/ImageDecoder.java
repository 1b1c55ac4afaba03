package org.lumen.core.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import nom.tam.fits.TruncatedFileException;
import org.lumen.core.LumenException;

/**
 * Reads PNG, JPEG, TIFF and FITS files into {@link Image}s, safely: the format is recognised by the file's
 * first bytes (never its name), the header's dimensions are checked against a pixel limit before any pixel
 * is allocated, and every fault in the file surfaces as a {@link LumenException} that names it.
 *
 * <p>What each format gives:
 * <ul>
 *   <li>PNG: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels, 1- to 16-bit, divided by
 *       {@code 2^bits - 1}; palettes expand to RGB (RGBA if the palette has transparency). Chunk CRCs are
 *       checked.</li>
 *   <li>JPEG: 1 or 3 channels, 8-bit; a truncated or damaged stream is an error, not a grey-filled image.</li>
 *   <li>TIFF: the first page; any number of samples per pixel; unsigned integers normalised, float and
 *       signed samples physical.</li>
 *   <li>FITS: the first HDU with a 2-D image or 3-D cube (NAXIS3 = channels), physical values
 *       ({@code BZERO + BSCALE * stored}), BLANK and NaN pixels as NaN; see {@link FitsDecoder}.</li>
 * </ul>
 */
public final class ImageDecoder {
    /** The default pixel limit: 100 megapixels ({@code width * height}). */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    private static volatile java.util.function.Consumer<Path> beforeRead = file -> {};

    private ImageDecoder() {}

    /**
     * Sets what is told each file's path just before it is read, for the whole process (the command line records
     * which input it was on, so that a crash of the native engine can be reported naming it). Must be cheap.
     */
    public static void beforeEachRead(java.util.function.Consumer<Path> listener) {
        beforeRead = listener == null ? file -> {} : listener;
    }

    /**
     * Reads {@code file} with the default limit of {@value #DEFAULT_MAX_PIXELS} pixels, keeping the planes
     * {@link Bands} selects (all of them unless the command line chose some).
     */
    public static Image read(Path file) {
        return Bands.apply(file, read(file, DEFAULT_MAX_PIXELS));
    }

    /**
     * Reads {@code file}, refusing images of more than {@code maxPixels} pixels ({@code width * height}) or,
     * for multi-band images, more than {@code 4 * maxPixels} samples.
     *
     * @throws LumenException if the file is missing, empty, not one of the four formats, truncated, corrupt,
     *     or too large; the message names the fault (for example {@code truncated PNG data: ...})
     * @throws IllegalArgumentException if {@code maxPixels <= 0}
     */
    public static Image read(Path file, long maxPixels) {
        beforeRead.accept(file);
        PixelLimit limit = new PixelLimit(file, maxPixels);
        ImageFormat format = detect(file);
        try {
            return format == ImageFormat.FITS
                    ? FitsDecoder.read(file, limit)
                    : RasterDecoder.read(file, format, limit);
        } catch (LumenException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // codecs signal bad data with many exception types (IIOException, EOFException, ZipException,
            // IndexOutOfBounds, IllegalArgument...): all of them mean the file, not Lumen, is at fault
            throw new LumenException(file, describe(format, e), e);
        }
    }

    private static ImageFormat detect(Path file) {
        if (Files.isDirectory(file)) {
            throw new LumenException(file, "is a folder, not an image file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ImageFormat.SIGNATURE_LENGTH);
        } catch (NoSuchFileException e) {
            throw new LumenException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new LumenException(file, "permission denied", e);
        } catch (IOException e) {
            throw new LumenException(file, "cannot read the file: " + e.getMessage(), e);
        }
        if (head.length == 0) {
            throw new LumenException(file, "empty file");
        }
        ImageFormat format = ImageFormat.detect(head, head.length);
        if (format == null) {
            throw new LumenException(file, "not a PNG, JPEG, TIFF or FITS file");
        }
        return format;
    }

    /**
     * "truncated X data" when the codec ran out of bytes (a cut file, or offsets in the header that point
     * past its end), else "corrupt X data: what the codec said". Codecs also fail on malformed data with
     * programming-error exceptions (a TIFF tag read past the end becomes a ClassCastException); their
     * messages describe the codec's internals, not the file, so only their type is named.
     */
    private static String describe(ImageFormat format, Throwable error) {
        StringBuilder said = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EOFException || t instanceof TruncatedFileException) {
                return "truncated " + format.displayName + " data: the file ends before the data its header points to";
            }
            String message = t.getMessage();
            if (!isCodecInternal(t) && message != null && !message.isBlank() && said.indexOf(message) < 0) {
                said.append(said.length() == 0 ? "" : ": ").append(message.strip());
            }
        }
        return "corrupt " + format.displayName + " data: " + (said.length() > 0 ? said
                : "the decoder failed on malformed data (" + error.getClass().getSimpleName() + ")");
    }

    private static boolean isCodecInternal(Throwable t) {
        return t instanceof ClassCastException || t instanceof NullPointerException
                || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException
                || t instanceof NegativeArraySizeException || t instanceof ArrayStoreException;
    }
}
