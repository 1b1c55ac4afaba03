package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lumen.nn.testing.Parity;

/**
 * {@link Functional#resizeBilinear} against {@code F.interpolate(mode="bilinear", align_corners=False)} (torch's
 * default, no antialiasing) when enlarging, shrinking, and enlarging one axis while shrinking the other (Mask
 * R-CNN pastes a 30x30 map into boxes of any shape). DJL's own interpolate antialiases when shrinking: 30 to 3
 * columns would give 5.46 where torch gives 4.5 for the first pixel of an arange map.
 */
class ResizeParityTest {
    private static final Path DIR = Paths.get("target", "parity", "ops-resize");
    private static final int[][] SIZES = {{45, 61}, {7, 11}, {200, 3}, {3, 200}, {30, 17}};

    @Test
    void resizeEqualsTorchInterpolate() {
        Parity.run(DIR, """
                import os
                import torch.nn.functional as F
                out = sys.argv[1]
                g = torch.Generator().manual_seed(0)
                x = torch.randn(2, 3, 30, 30, generator=g)
                t = {"x": x}
                for h, w in [(45, 61), (7, 11), (200, 3), (3, 200), (30, 17)]:
                    t[f"y_{h}_{w}"] = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
                save_safetensors(os.path.join(out, "ref.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(ref.get("x"), new Shape(2, 3, 30, 30));
            for (int[] s : SIZES) {
                float[] want = ref.get("y_" + s[0] + "_" + s[1]);
                float[] got = Functional.resizeBilinear(x, s[0], s[1]).toFloatArray();
                double d = Parity.maxAbsDiff(got, want);
                System.out.printf("resize 30x30 -> %dx%d: max |diff| %.2g%n", s[0], s[1], d);
                assertTrue(d <= 1e-5, s[0] + "x" + s[1] + ": " + d);
            }
        }
    }
}
