package org.lumen.core.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Segmentation masks drawn over their image, for people: each predicted non-background class tints its pixels
 * ({@code 0.55 image + 0.45 colour}), and the true mask's class boundaries are drawn in white on top, so a
 * glance shows where prediction and truth part. Class colours: 1 orange, 2 cyan, 3 magenta, 4 green, then
 * repeating.
 */
public final class MaskOverlay {
    private static final int[] COLOURS = {0xFF8C00, 0x00D0FF, 0xFF00C0, 0x40FF40, 0xFFFF00, 0x8080FF};
    private static final float ALPHA = 0.45f;

    private MaskOverlay() {}

    public static int colour(int cls) {
        return COLOURS[(cls - 1) % COLOURS.length];
    }

    /**
     * @param image values in [0, 1], any channel count
     * @param predicted class per pixel, row-major at the image's size
     * @param truth class per pixel, or null
     * @param scale integer magnification (nearest), for small images
     */
    public static BufferedImage render(Image image, byte[] predicted, byte[] truth, int scale) {
        int w = image.width(), h = image.height();
        if (predicted.length != w * h || (truth != null && truth.length != w * h)) {
            throw new IllegalArgumentException("mask size differs from the " + w + "x" + h + " image");
        }
        BufferedImage base = ImageOps.toRgb8(image);
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int rgb = base.getRGB(x, y) & 0xFFFFFF;
                if (predicted[p] != 0) {
                    rgb = blend(rgb, colour(predicted[p]));
                }
                if (truth != null && isBoundary(truth, w, h, x, y)) {
                    rgb = 0xFFFFFF;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return out;
    }

    /** Tiles in rows of {@code columns}, with a 4-pixel grey gap; tiles must share one size. */
    public static BufferedImage grid(List<BufferedImage> tiles, int columns) {
        int tw = tiles.get(0).getWidth(), th = tiles.get(0).getHeight(), gap = 4;
        int cols = Math.min(columns, tiles.size());
        int rows = (tiles.size() + cols - 1) / cols;
        BufferedImage out = new BufferedImage(cols * (tw + gap) + gap, rows * (th + gap) + gap,
                BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.DARK_GRAY);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            for (int i = 0; i < tiles.size(); i++) {
                g.drawImage(tiles.get(i), gap + (i % cols) * (tw + gap), gap + (i / cols) * (th + gap), null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static boolean isBoundary(byte[] m, int w, int h, int x, int y) {
        byte c = m[y * w + x];
        return c != 0 && ((x > 0 && m[y * w + x - 1] != c) || (x < w - 1 && m[y * w + x + 1] != c)
                || (y > 0 && m[(y - 1) * w + x] != c) || (y < h - 1 && m[(y + 1) * w + x] != c));
    }

    private static int blend(int a, int b) {
        int r = (int) ((1 - ALPHA) * ((a >> 16) & 255) + ALPHA * ((b >> 16) & 255));
        int g = (int) ((1 - ALPHA) * ((a >> 8) & 255) + ALPHA * ((b >> 8) & 255));
        int bl = (int) ((1 - ALPHA) * (a & 255) + ALPHA * (b & 255));
        return (r << 16) | (g << 8) | bl;
    }
}
