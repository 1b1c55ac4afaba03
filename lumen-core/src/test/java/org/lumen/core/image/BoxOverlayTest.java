package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;

class BoxOverlayTest {
    @Test
    void masksAreTintedInTheirClassColourAndNothingElseIs() {
        // a 64 x 64 mid-grey image (drawn 4x enlarged), one class-1 detection whose mask is pixel (40, 50)
        float[] grey = new float[3 * 64 * 64];
        Arrays.fill(grey, 0.5f);
        Image image = new Image(3, 64, 64, grey, 8, Image.Scale.NORMALISED);
        byte[] m = new byte[64 * 64];
        m[50 * 64 + 40] = 1;
        Boxes det = new Boxes(new double[] {0, 0, 2, 2}, new int[] {1}, new double[] {0.9});
        BufferedImage out = BoxOverlay.render(image, det, null, List.of("a", "b"), List.of(Rle.encode(m, 64, 64)));
        assertEquals(256, out.getWidth());
        int v = ImageOps.toRgb8(image).getRGB(0, 0) & 255; // the grey level as drawn
        // class 1's colour is 0x3cb44b: 0.55 grey + 0.45 colour per channel, over the 4x4 block of that pixel
        int want = (int) Math.round(0.55 * v + 0.45 * 0x3c) << 16 | (int) Math.round(0.55 * v + 0.45 * 0xb4) << 8
                | (int) Math.round(0.55 * v + 0.45 * 0x4b);
        assertEquals(want, out.getRGB(4 * 40 + 1, 4 * 50 + 2) & 0xffffff);
        assertEquals(v << 16 | v << 8 | v, out.getRGB(4 * 41 + 1, 4 * 50 + 2) & 0xffffff);
        Rle small = Rle.encode(new byte[16], 4, 4);
        assertThrows(IllegalArgumentException.class, () -> BoxOverlay.render(image, det, null, List.of("a", "b"),
                List.of(small)));
    }

    /**
     * A detection exactly on a true box (the demo's best case) used to hide the truth: the 2-pixel detection line was
     * drawn over the 1-pixel white one. Now on every edge of the box both white truth pixels and red detection pixels
     * show, along the edge line itself, and the line just outside it stays the detection's colour.
     */
    @Test
    void truthStaysVisibleWhereADetectionCoincidesWithIt() {
        float[] grey = new float[3 * 64 * 64];
        Arrays.fill(grey, 0.5f);
        Image image = new Image(3, 64, 64, grey, 8, Image.Scale.NORMALISED);
        Boxes box = new Boxes(new double[] {10, 10, 30, 30}, new int[] {0}, new double[] {0.9});
        Boxes truth = new Boxes(new double[] {10, 10, 30, 30}, new int[] {0}, null);
        BufferedImage out = BoxOverlay.render(image, box, truth, List.of("clump"));
        assertEquals(256, out.getWidth());
        assertEquals(256, out.getHeight());
        // the box is drawn 4x enlarged: edges at 40 and 120; corners and dash phase aside, sample 48..112
        int[][] edges = {{40, -1}, {120, -1}, {-1, 40}, {-1, 120}}; // {x, -1}: a column; {-1, y}: a row
        for (int[] e : edges) {
            int white = 0;
            int red = 0;
            for (int t = 48; t < 112; t++) {
                int rgb = e[0] >= 0 ? out.getRGB(e[0], t) : out.getRGB(t, e[1]);
                if ((rgb & 0xffffff) == 0xffffff) {
                    white++;
                } else if (isRed(rgb)) {
                    red++;
                }
            }
            String where = e[0] >= 0 ? "column " + e[0] : "row " + e[1];
            // dashes of 4 on, 4 off over 64 pixels: 32 white, the gaps the detection's red
            assertTrue(white >= 28 && white <= 36, where + ": " + white + " white truth pixels of 64");
            assertTrue(red >= 24, where + ": " + red + " red detection pixels of 64");
            assertEquals(64, white + red, where + ": only truth and detection colours on the edge");
        }
    }

    /** Red-dominant: the palette's first colour 0xe6194b, possibly anti-aliased against grey. */
    private static boolean isRed(int rgb) {
        int r = (rgb >> 16) & 255;
        int g = (rgb >> 8) & 255;
        int b = rgb & 255;
        return r > 180 && g < 90 && b < 120;
    }
}
