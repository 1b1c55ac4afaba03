package org.lumen.core.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;

/**
 * Boxes drawn over their image, for people: one colour per class, a label {@code class 0.87} above each
 * detection, its mask (if given) tinted in the same colour. Ground truth (if given) is drawn last, on top of the
 * detections and their labels, as a crisp 1-pixel white line dashed {@value #TRUTH_DASH} on / {@value #TRUTH_DASH}
 * off: where a detection coincides with a true box, the truth's dashes and the detection's colour (in the gaps and
 * on the outer pixel of its 2-pixel line) both stay visible. Small images are drawn enlarged (to at least 256
 * pixels on the short side) so that labels stay legible.
 */
public final class BoxOverlay {
    private static final Color[] PALETTE = {new Color(0xe6194b), new Color(0x3cb44b), new Color(0xffe119),
        new Color(0x4363d8), new Color(0xf58231), new Color(0x911eb4), new Color(0x46f0f0), new Color(0xf032e6)};

    /** Length in output pixels of the truth line's dashes and of the gaps between them. */
    public static final int TRUTH_DASH = 4;
    /** The legend of {@link #render}'s colours, for captions. */
    public static final String LEGEND = "white dashed (drawn on top): truth; coloured with score: detections";

    private BoxOverlay() {}

    /**
     * @param image values in [0, 1] (see {@link ImageOps#toRgb8})
     * @param detections boxes in the image's pixels, with scores; labels index {@code classNames}
     * @param truth ground truth in the image's pixels, or null
     */
    public static BufferedImage render(Image image, Boxes detections, Boxes truth, List<String> classNames) {
        return render(image, detections, truth, classNames, null);
    }

    /**
     * {@link #render(Image, Boxes, Boxes, List)} with each detection's mask tinted in its class colour.
     *
     * @param masks per detection its mask at the image's size, or null for none
     */
    public static BufferedImage render(Image image, Boxes detections, Boxes truth, List<String> classNames,
            List<Rle> masks) {
        BufferedImage base = ImageOps.toRgb8(image);
        if (masks != null) {
            for (int i = 0; i < masks.size(); i++) {
                tint(base, masks.get(i), PALETTE[detections.labels()[i] % PALETTE.length]);
            }
        }
        double scale = Math.max(1, Math.ceil(256.0 / Math.min(image.width(), image.height())));
        int w = (int) (image.width() * scale);
        int h = (int) (image.height() * scale);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(base, 0, 0, w, h, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
            FontMetrics fm = g.getFontMetrics();
            g.setStroke(new BasicStroke(2f));
            for (int i = 0; i < detections.size(); i++) {
                Color c = PALETTE[detections.labels()[i] % PALETTE.length];
                g.setColor(c);
                rect(g, detections.xyxy(), i, scale);
                String name = detections.labels()[i] < classNames.size() ? classNames.get(detections.labels()[i])
                        : Integer.toString(detections.labels()[i]);
                String label = detections.scores() == null ? name
                        : String.format(Locale.ROOT, "%s %.2f", name, detections.scores()[i]);
                int x = (int) Math.round(detections.xyxy()[4 * i] * scale);
                int y = Math.max(fm.getAscent(), (int) Math.round(detections.xyxy()[4 * i + 1] * scale) - 2);
                g.fillRect(x, y - fm.getAscent(), fm.stringWidth(label) + 2, fm.getHeight());
                g.setColor(Color.BLACK);
                g.drawString(label, x + 1, y);
            }
            if (truth != null) {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
                g.setColor(Color.WHITE);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {TRUTH_DASH, TRUTH_DASH}, 0f));
                for (int i = 0; i < truth.size(); i++) {
                    rect(g, truth.xyxy(), i, scale);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Blends {@code c} at 45% into the pixels of {@code mask}. */
    private static void tint(BufferedImage img, Rle mask, Color c) {
        if (mask.height() != img.getHeight() || mask.width() != img.getWidth()) {
            throw new IllegalArgumentException("mask " + mask.width() + "x" + mask.height() + " on a "
                    + img.getWidth() + "x" + img.getHeight() + " image");
        }
        byte[] m = mask.decode();
        int w = img.getWidth();
        for (int p = 0; p < m.length; p++) {
            if (m[p] != 0) {
                int rgb = img.getRGB(p % w, p / w);
                int r = (int) Math.round(0.55 * ((rgb >> 16) & 255) + 0.45 * c.getRed());
                int g = (int) Math.round(0.55 * ((rgb >> 8) & 255) + 0.45 * c.getGreen());
                int b = (int) Math.round(0.55 * (rgb & 255) + 0.45 * c.getBlue());
                img.setRGB(p % w, p / w, (r << 16) | (g << 8) | b);
            }
        }
    }

    private static void rect(Graphics2D g, double[] b, int i, double scale) {
        int x1 = (int) Math.round(b[4 * i] * scale);
        int y1 = (int) Math.round(b[4 * i + 1] * scale);
        int x2 = (int) Math.round(b[4 * i + 2] * scale);
        int y2 = (int) Math.round(b[4 * i + 3] * scale);
        g.drawRect(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1));
    }
}
