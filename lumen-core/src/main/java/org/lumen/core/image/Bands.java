package org.lumen.core.image;

import java.nio.file.Path;
import java.util.Arrays;
import org.lumen.core.LumenException;

/**
 * Which planes of a multi-band image (a FITS cube, a many-sample TIFF) {@link ImageDecoder#read(Path)} keeps,
 * process-wide: a command sets it once, before it reads any image, from the user's choice.
 *
 * <p>Planes are numbered from 0 in file order: plane {@code k} of a FITS cube is astropy's {@code data[k]}
 * (FITS's {@code NAXIS3} index {@code k + 1}); of a TIFF, sample {@code k} of each pixel.
 *
 * <p>By default (as a library) every plane is kept and nothing is refused. With {@link #configure} a caller
 * that knows how many channels its model takes makes an unselected image with more than {@value #MAX_PLANES}
 * planes and not exactly that many a {@link TooManyPlanesException}: a bad-input error naming the file,
 * instead of a failure deep in channel conversion. Reads with an explicit pixel limit
 * ({@link ImageDecoder#read(Path, long)}: masks, regions) never select planes.
 */
public final class Bands {
    /** The most planes an image may have and still be converted to 1 or 3 channels: RGBA. */
    public static final int MAX_PLANES = 4;

    private static volatile int[] selection;
    private static volatile int modelChannels;
    private static volatile String howToChoose = "";

    private Bands() {}

    /** A bad-input error: the image has more planes than the model takes and none were chosen. */
    public static final class TooManyPlanesException extends LumenException {
        private static final long serialVersionUID = 1L;
        private final int planes;

        TooManyPlanesException(Path file, int planes, int channels, String howToChoose) {
            super(file, "has " + planes + " planes and the model takes " + channels + " channel"
                    + (channels == 1 ? "" : "s") + "; choose " + (channels == 1 || channels == 3 ? "3 (or 1)" : channels)
                    + " of them" + (howToChoose.isEmpty() ? "" : " " + howToChoose));
            this.planes = planes;
        }

        /** How many planes the image has. */
        public int planes() {
            return planes;
        }
    }

    /**
     * Sets what later reads keep and refuse, for the whole process.
     *
     * @param planes 0-based plane indices to keep, in that order (repeats allowed); null to keep every plane
     * @param channels the channels the model takes, so that an unselected image of more than
     *     {@value #MAX_PLANES} planes other than that many is refused; 0 to refuse nothing
     * @param howToChoose appended to the refusal's message (the caller's way to choose planes); may be empty
     * @throws IllegalArgumentException if {@code planes} is empty or holds a negative index, or {@code channels < 0}
     */
    public static void configure(int[] planes, int channels, String howToChoose) {
        if (planes != null && (planes.length == 0 || Arrays.stream(planes).anyMatch(p -> p < 0))) {
            throw new IllegalArgumentException("plane indices must be non-negative and at least one: "
                    + Arrays.toString(planes));
        }
        if (channels < 0) {
            throw new IllegalArgumentException("channels must be >= 0, got " + channels);
        }
        selection = planes == null ? null : planes.clone();
        modelChannels = channels;
        Bands.howToChoose = howToChoose == null ? "" : howToChoose;
    }

    /** Back to the library default: every plane kept, nothing refused. */
    public static void reset() {
        configure(null, 0, "");
    }

    /** The current selection (a copy), or null when every plane is kept. */
    public static int[] selection() {
        int[] s = selection;
        return s == null ? null : s.clone();
    }

    /**
     * {@code image} reduced to the selected planes, or as it is when none are selected.
     *
     * @throws LumenException naming {@code file} if a selected index is not a plane of the image, or (when so
     *     configured) the image has too many planes for the model and none are selected
     */
    static Image apply(Path file, Image image) {
        int[] s = selection;
        int planes = image.channels();
        if (s == null) {
            int channels = modelChannels;
            if (channels > 0 && planes > MAX_PLANES && planes != channels) {
                throw new TooManyPlanesException(file, planes, channels, howToChoose);
            }
            return image;
        }
        int plane = image.height() * image.width();
        float[] out = new float[s.length * plane];
        for (int i = 0; i < s.length; i++) {
            if (s[i] >= planes) {
                throw new LumenException(file, "has " + planes + " plane" + (planes == 1 ? " (0)" : "s (0-" + (planes - 1) + ")")
                        + "; plane " + s[i] + " was chosen");
            }
            System.arraycopy(image.data(), s[i] * plane, out, i * plane, plane);
        }
        return image.withData(s.length, image.height(), image.width(), out);
    }
}
