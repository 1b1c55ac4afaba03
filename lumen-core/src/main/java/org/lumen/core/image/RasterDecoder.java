package org.lumen.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.lumen.core.LumenException;

/**
 * Decodes PNG, JPEG and TIFF (the first image of a multi-page file) through ImageIO and the TwelveMonkeys
 * plugins, reading raster samples directly so 16-bit data keeps its full precision.
 *
 * <p>No colour management: embedded ICC profiles are not applied, as in PIL (see
 * {@link #embeddedRgbProfile}). Palette images expand to RGB, or RGBA when the palette has transparency;
 * palettes that are all grey and opaque (1-, 2- and 4-bit grey PNGs) become one channel. Unsigned integer
 * samples are divided by {@code 2^bits - 1}; float and signed samples are kept as stored
 * ({@link Image.Scale#PHYSICAL}).
 */
final class RasterDecoder {
    private RasterDecoder() {}

    static Image read(Path file, ImageFormat format, PixelLimit limit) throws IOException {
        ImageReader reader = readerFor(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            // the header alone gives the size: refuse before any pixel is allocated
            ImageTypeSpecifier rawType = reader.getRawImageType(0); // null when the reader cannot tell
            limit.check(reader.getWidth(0), reader.getHeight(0), rawType == null ? 1 : rawType.getNumBands());
            if (format == ImageFormat.PNG) {
                PngChunks.verify(file);
            }
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            ImageReadParam param = reader.getDefaultReadParam();
            if (format == ImageFormat.JPEG) {
                embeddedRgbProfile(reader).ifPresent(param::setDestinationType);
            }
            if (rawType != null && isPhysical(rawType.getSampleModel().getDataType()) && reader.canReadRaster()) {
                // float and signed samples are data, not colours: read() would clip them to the colour
                // space's [0, 1] (TwelveMonkeys does for float TIFF), readRaster() returns them as stored
                return toImage(reader.readRaster(0, param), null);
            }
            BufferedImage decoded = reader.read(0, param);
            if (format == ImageFormat.JPEG) {
                failOnJpegWarnings(file, warnings);
            }
            return toImage(decoded.getRaster(), decoded.getColorModel());
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.displayName.toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format.displayName + " on the class path");
        }
        return readers.next();
    }

    /** Float and signed integer samples hold physical values; unsigned ones are normalised. */
    private static boolean isPhysical(int dataType) {
        return dataType != DataBuffer.TYPE_BYTE && dataType != DataBuffer.TYPE_USHORT;
    }

    /**
     * The destination type in a JPEG's own embedded RGB ICC profile, if it has one that is not sRGB.
     * PIL, and so every PyTorch pipeline, ignores embedded profiles; decoding into the profile's own colour
     * space skips the conversion to sRGB the readers would otherwise apply, so the pixels equal PIL's and
     * a model sees what it was trained on. (CMYK JPEGs are still converted to RGB.)
     */
    private static Optional<ImageTypeSpecifier> embeddedRgbProfile(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        while (types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            ColorSpace space = type.getColorModel().getColorSpace();
            if (space.getType() == ColorSpace.TYPE_RGB && !space.isCS_sRGB()) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * libjpeg reports a truncated or damaged stream as a warning and fills the missing part with grey;
     * a model must never train on that, so the warning becomes an error.
     */
    private static void failOnJpegWarnings(Path file, List<String> warnings) {
        for (String warning : warnings) {
            if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                throw new LumenException(file, "truncated JPEG data (" + warning + ")");
            }
            if (warning.contains("Corrupt JPEG data")) {
                throw new LumenException(file, "corrupt JPEG data (" + warning + ")");
            }
        }
    }

    /** The raster's samples as an {@link Image}; a palette {@code colours} model expands the indices. */
    private static Image toImage(Raster raster, ColorModel colours) {
        if (colours instanceof IndexColorModel palette) {
            return expandPalette(raster, palette);
        }
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bands = raster.getNumBands();
        boolean unsigned = !isPhysical(raster.getSampleModel().getDataType());
        int bits = raster.getSampleModel().getSampleSize(0);
        float max = (float) ((1L << bits) - 1);
        float[] data = new float[bands * height * width];
        float[] row = new float[width];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, b, row);
                int offset = (b * height + y) * width;
                if (unsigned) {
                    for (int x = 0; x < width; x++) {
                        data[offset + x] = row[x] / max;
                    }
                } else {
                    System.arraycopy(row, 0, data, offset, width);
                }
            }
        }
        return new Image(bands, height, width, data, bits, unsigned ? Image.Scale.NORMALISED : Image.Scale.PHYSICAL);
    }

    private static Image expandPalette(Raster raster, IndexColorModel palette) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int entries = palette.getMapSize();
        boolean grey = !palette.hasAlpha();
        for (int i = 0; i < entries && grey; i++) {
            grey = palette.getRed(i) == palette.getGreen(i) && palette.getGreen(i) == palette.getBlue(i);
        }
        int channels = grey ? 1 : palette.hasAlpha() ? 4 : 3;
        float[] data = new float[channels * height * width];
        int plane = height * width;
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int index = row[x];
                data[i] = palette.getRed(index) / 255f;
                if (!grey) {
                    data[plane + i] = palette.getGreen(index) / 255f;
                    data[2 * plane + i] = palette.getBlue(index) / 255f;
                    if (channels == 4) {
                        data[3 * plane + i] = palette.getAlpha(index) / 255f;
                    }
                }
            }
        }
        return new Image(channels, height, width, data, palette.getPixelSize(), Image.Scale.NORMALISED);
    }
}
