package org.lumen.core.synth;

import java.awt.image.BufferedImage;

/**
 * The colour-preserving asinh stretch of Lupton et al. (2004, PASP 116, 133), as astropy's
 * {@code make_lupton_rgb}: all three channels are scaled by {@code asinh(Q I / stretch) / (Q I)} of
 * their mean intensity {@code I}, so faint light is lifted without changing hue, and a pixel that would
 * saturate is scaled down as a whole rather than clipped channel by channel.
 *
 * @param stretch linear range in counts before the asinh softening starts
 * @param q       asinh softening parameter
 * @param weights multipliers on (g, r, i) to balance the colours before mapping i, r, g to red, green, blue
 */
public record LuptonRgb(double stretch, double q, Galaxy.Bands weights) {

    /** The stretch used for the survey: sky noise just visible, bright bulges not saturated. */
    public static final LuptonRgb SURVEY = new LuptonRgb(60, 8, new Galaxy.Bands(1.6, 1.2, 0.9));

    /** An 8-bit RGB image of the sky-subtracted {@code bands} (g, r, i), each {@code size x size}. */
    public BufferedImage toImage(double[][] bands, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        double[] channel = new double[3];
        for (int p = 0; p < size * size; p++) {
            double red = Math.max(0, bands[GalaxyRenderer.I][p] * weights.i());
            double green = Math.max(0, bands[GalaxyRenderer.R][p] * weights.r());
            double blue = Math.max(0, bands[GalaxyRenderer.G][p] * weights.g());
            double intensity = (red + green + blue) / 3;
            double factor = intensity > 0 ? Math.log(q * intensity / stretch + Math.sqrt(1 + sq(q * intensity / stretch)))
                    / (q * intensity) : 0;
            channel[0] = red * factor;
            channel[1] = green * factor;
            channel[2] = blue * factor;
            double max = Math.max(channel[0], Math.max(channel[1], channel[2]));
            double scale = max > 1 ? 1 / max : 1;
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                rgb = rgb << 8 | (int) Math.round(channel[c] * scale * 255);
            }
            image.setRGB(p % size, p / size, rgb);
        }
        return image;
    }

    private static double sq(double x) {
        return x * x;
    }
}
