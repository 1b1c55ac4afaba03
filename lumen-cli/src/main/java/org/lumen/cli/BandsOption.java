package org.lumen.cli;

import org.lumen.core.LumenException;
import org.lumen.core.image.Bands;
import picocli.CommandLine.Option;

/**
 * {@code --bands I,J,K}: which planes of a multi-band image (a FITS cube, a many-sample TIFF) a command reads, as
 * {@link Bands} selects them: 0-based, in file order, plane {@code k} being astropy's {@code data[k]}. Without it an
 * image of more than 4 planes is refused (naming this option) unless the model takes exactly that many channels.
 */
final class BandsOption {
    /** What the refusal of a many-plane image tells the user to do. */
    static final String HOW_TO_CHOOSE = "with --bands i,j,k (0-based plane indices, as astropy's data[i]; e.g. --bands 0,1,2)";

    @Option(names = "--bands", paramLabel = "I,J,K", description = "Planes of a multi-band image (FITS cube, many-sample TIFF) to read,"
            + " 0-based as astropy's data[i], e.g. 2,1,0 or 4; one per model channel (1 or 3 for a 1- or 3-channel model)."
            + " Default: all planes; more than 4 are refused unless the model takes that many.")
    String bands;

    /** Configures {@link Bands} for a model of {@code channels} input channels, checking {@code --bands} against it. */
    void use(int channels) {
        int[] planes = parse(bands);
        if (planes != null && !fits(planes.length, channels)) {
            throw new LumenException("--bands", "selects " + planes.length + " plane" + (planes.length == 1 ? "" : "s")
                    + " but the model takes " + channels + " channel" + (channels == 1 ? "" : "s") + "; choose "
                    + (channels == 1 || channels == 3 ? "1 or 3" : String.valueOf(channels)));
        }
        Bands.configure(planes, channels, HOW_TO_CHOOSE);
    }

    /** {@link #use(int)} for the model that {@code options} name (its model.json, or {@code --channels}). */
    void use(ModelOptions options) {
        use(options.channels());
    }

    /** 1 and 3 convert to each other (replicate, luma); any other count must equal the model's. */
    private static boolean fits(int selected, int channels) {
        return selected == channels || ((selected == 1 || selected == 3) && (channels == 1 || channels == 3));
    }

    /** The 0-based indices of {@code text}, or null when it is null. */
    static int[] parse(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",", -1);
        if (parts.length > 64) {
            throw new LumenException("--bands", "at most 64 planes, got " + parts.length);
        }
        int[] planes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            try {
                planes[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new LumenException("--bands", "must be comma-separated 0-based plane indices such as 0,1,2, got '"
                        + text + "'");
            }
            if (planes[i] < 0) {
                throw new LumenException("--bands", "plane indices are 0-based and not negative, got " + planes[i]);
            }
        }
        return planes;
    }
}
