package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
