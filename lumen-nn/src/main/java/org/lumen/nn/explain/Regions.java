package org.lumen.nn.explain;

import org.lumen.core.LumenException;
import org.lumen.core.image.Image;

/**
 * The regions detection and segmentation explanations are about, mapped from the pixels of the original image to
 * the model's {@code s x s} input (the image stretched to it): a box ({@code x1, y1, x2, y2}, pixel-edge
 * coordinates) or a mask image of the original's size. Masks are {@code 0/1}, row-major {@code [s * s]}.
 */
public final class Regions {
    private Regions() {}

    /** Whether {@code box} is {@code x1, y1, x2, y2} with {@code x2 > x1} and {@code y2 > y1}. */
    public static boolean isBox(double[] box) {
        return box != null && box.length == 4 && box[2] > box[0] && box[3] > box[1];
    }

    /** {@code box} (image pixels of a {@code width x height} image) in model-input pixels. */
    public static double[] scaleBox(double[] box, int width, int height, int s) {
        double fx = (double) s / width;
        double fy = (double) s / height;
        return new double[] {box[0] * fx, box[1] * fy, box[2] * fx, box[3] * fy};
    }

    /**
     * {@code box} (image pixels of a {@code width x height} image) as a mask of the model's input: every input pixel
     * the scaled box touches, clipped to the input.
     */
    public static float[] boxMask(double[] box, int width, int height, int s) {
        float[] mask = new float[s * s];
        double fx = (double) s / width;
        double fy = (double) s / height;
        for (int y = (int) Math.floor(box[1] * fy); y < Math.min(s, Math.ceil(box[3] * fy)); y++) {
            for (int x = (int) Math.floor(box[0] * fx); x < Math.min(s, Math.ceil(box[2] * fx)); x++) {
                if (y >= 0 && x >= 0) {
                    mask[y * s + x] = 1;
                }
            }
        }
        return mask;
    }

    /**
     * The non-zero pixels (in any channel) of {@code m}, a mask image of the explained image's
     * {@code width x height}, as a mask of the model's input (nearest-neighbour, as the image itself is stretched).
     *
     * @param source the mask's file (or name), the source of the faults
     * @throws LumenException when the mask's size is not the image's, or no pixel of it is kept at the input size
     */
    public static float[] mask(Image m, int width, int height, int s, String source) {
        if (m.height() != height || m.width() != width) {
            throw new LumenException(source, "the region mask is " + m.width() + "x" + m.height()
                    + " but the image is " + width + "x" + height);
        }
        float[] mask = new float[s * s];
        int kept = 0;
        for (int y = 0; y < s; y++) {
            int sy = (int) Math.floor(y * (double) m.height() / s);
            for (int x = 0; x < s; x++) {
                int sx = (int) Math.floor(x * (double) m.width() / s);
                for (int c = 0; c < m.channels(); c++) {
                    if (m.get(c, sy, sx) != 0) {
                        mask[y * s + x] = 1;
                        kept++;
                        break;
                    }
                }
            }
        }
        if (kept == 0) {
            throw new LumenException(source, "the region mask has no non-zero pixel at the model's input size");
        }
        return mask;
    }
}
