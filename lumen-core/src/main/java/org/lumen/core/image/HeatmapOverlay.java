package org.lumen.core.image;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A heatmap drawn over its image, for people: each pixel is {@code (1 - alpha) * image + alpha * colour(heat)}
 * (alpha 0.5, as pytorch-grad-cam's {@code show_cam_on_image}), with a vertical legend bar on the right from 0
 * (bottom) to 1 (top), labelled.
 */
public final class HeatmapOverlay {
    public static final float ALPHA = 0.5f;

    private HeatmapOverlay() {}

    /**
     * @param image the image the heatmap explains, values in [0, 1] (any channel count; see {@link ImageOps#toRgb8})
     * @param heat {@code float[height * width]} in [0, 1], row-major, at the image's size
     */
    public static BufferedImage render(Image image, float[] heat, Colormap colormap) {
        int w = image.width();
        int h = image.height();
        if (heat.length != w * h) {
            throw new IllegalArgumentException("heatmap has " + heat.length + " values for a " + w + "x" + h + " image");
        }
        BufferedImage base = ImageOps.toRgb8(image);
        int gap = Math.max(4, w / 32);
        int bar = Math.max(8, w / 16);
        int fontSize = Math.max(9, Math.min(16, h / 12));
        int labelWidth = 4 + fontSize * 2;
        BufferedImage out = new BufferedImage(w + gap + bar + labelWidth, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, blend(base.getRGB(x, y), colormap.rgb(heat[y * w + x])));
            }
        }
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(w, 0, gap + bar + labelWidth, h);
            for (int y = 0; y < h; y++) {
                g.setColor(new Color(colormap.rgb(h == 1 ? 1 : 1 - y / (float) (h - 1))));
                g.drawLine(w + gap, y, w + gap + bar - 1, y);
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            int x = w + gap + bar + 2;
            g.drawString("1", x, fm.getAscent());
            g.drawString("0", x, h - fm.getDescent());
        } finally {
            g.dispose();
        }
        return out;
    }

    private static int blend(int a, int b) {
        int r = mix(a >> 16, b >> 16);
        int gr = mix(a >> 8, b >> 8);
        int bl = mix(a, b);
        return (r << 16) | (gr << 8) | bl;
    }

    private static int mix(int a, int b) {
        return Math.round((1 - ALPHA) * (a & 0xff) + ALPHA * (b & 0xff));
    }
}
