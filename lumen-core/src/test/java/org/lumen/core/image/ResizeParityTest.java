package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.testing.Python;

/** {@link ImageOps#resize} against PyTorch's antialiased bilinear interpolation (Debian's torch). */
class ResizeParityTest {
    /** Target sizes: up, down, mixed (taller and narrower), a large shrink, one pixel, unchanged height. */
    private static final int[][] SIZES = {{64, 80}, {17, 29}, {50, 20}, {5, 7}, {1, 1}, {37, 100}};

    private static final String REFERENCE = String.join("\n",
            "import sys, numpy as np, torch",
            "import torch.nn.functional as F",
            "c, h, w = (int(a) for a in sys.argv[1:4])",
            "x = torch.from_numpy(np.fromfile('input.f32', dtype='<f4').reshape(1, c, h, w))",
            "for i, size in enumerate(sys.argv[4:]):",
            "    oh, ow = (int(s) for s in size.split('x'))",
            "    y = F.interpolate(x, size=(oh, ow), mode='bilinear', align_corners=False, antialias=True)",
            "    y[0].numpy().astype('<f4').tofile(f'out{i}.f32')",
            "print(torch.__version__)");

    @TempDir
    Path dir;

    @Test
    void matchesTorchInterpolateWithAntialiasUpAndDown() throws Exception {
        Image image = TestImages.randomUnitImage(3, 37, 53, 7);
        TestImages.writeFloats(dir.resolve("input.f32"), image.data());
        String[] args = new String[3 + SIZES.length];
        args[0] = "3";
        args[1] = "37";
        args[2] = "53";
        for (int i = 0; i < SIZES.length; i++) {
            args[3 + i] = SIZES[i][0] + "x" + SIZES[i][1];
        }

        Python.run(dir, REFERENCE, args);

        for (int i = 0; i < SIZES.length; i++) {
            Image resized = ImageOps.resize(image, SIZES[i][0], SIZES[i][1]);
            float[] expected = TestImages.readFloats(dir.resolve("out" + i + ".f32"));
            float difference = TestImages.maxAbsDifference(expected, resized.data());
            assertTrue(difference <= 1e-4f, "to " + args[3 + i] + ": max |torch - lumen| = " + difference);
        }
    }

    @Test
    void sameSizeIsACopyAndConstantsStayConstant() {
        Image image = TestImages.randomUnitImage(2, 9, 11, 3);
        Image same = ImageOps.resize(image, 9, 11);
        assertArrayEquals(image.data(), same.data(), 0f);
        assertTrue(same.data() != image.data(), "a new array, never the input's");

        float[] flat = new float[2 * 9 * 11];
        java.util.Arrays.fill(flat, 0.3f);
        Image constant = new Image(2, 9, 11, flat, 8, Image.Scale.NORMALISED);
        for (int[] size : SIZES) {
            for (float v : ImageOps.resize(constant, size[0], size[1]).data()) {
                assertEquals(0.3f, v, 1e-6f, "weights sum to one at " + size[0] + "x" + size[1]);
            }
        }
    }
}
