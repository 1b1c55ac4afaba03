package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.nn.testing.Parity;

/**
 * {@link BoxCoder} against torchvision 0.14's {@code BoxCoder.encode_single/decode_single} with the RoI heads'
 * (10, 10, 5, 5) and the RPN's (1, 1, 1, 1) weights: per-class codes, and codes far past the clamp.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoxCoderParityTest {
    private static final Path DIR = Paths.get("target", "parity", "ops-box-coder");

    @BeforeAll
    void reference() {
        Parity.run(DIR, """
                import os
                from torchvision.models.detection._utils import BoxCoder
                out = sys.argv[1]
                g = torch.Generator().manual_seed(0)
                def boxes(n):
                    xy = torch.rand(n, 2, generator=g) * 600
                    return torch.cat([xy, xy + 1 + torch.rand(n, 2, generator=g) * 200], 1)
                proposals, gt = boxes(300), boxes(300)
                codes = torch.randn(300, 12, generator=g) * 3
                codes[:7, 2::4] = 80.0                       # past the clamp, times any weight
                t = {"proposals": proposals, "gt": gt, "codes": codes}
                for name, w in (("heads", (10.0, 10.0, 5.0, 5.0)), ("rpn", (1.0, 1.0, 1.0, 1.0))):
                    c = BoxCoder(w)
                    t[name + ".encoded"] = c.encode_single(gt, proposals)
                    t[name + ".decoded"] = c.decode_single(codes, proposals)
                save_safetensors(os.path.join(out, "box_coder.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
    }

    /**
     * max |a - b| over the largest |b| of the box (at least 1): x1 = cx - w/2 cancels, so one ulp of libtorch's
     * {@code exp} (2.7.1 here, 1.13 there) in w becomes many ulps of a small x1; relative to the box's own
     * coordinates it stays an ulp or two.
     */
    private static double maxRowRelDiff(NDArray a, NDArray b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i += 4) {
            double scale = 1;
            for (int c = 0; c < 4; c++) {
                scale = Math.max(scale, Math.abs(y[i + c]));
            }
            for (int c = 0; c < 4; c++) {
                m = Math.max(m, Math.abs((double) x[i + c] - y[i + c]) / scale);
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heads", "rpn"})
    void encodeAndDecodeEqualTorchvision(String name) {
        BoxCoder coder = name.equals("heads") ? BoxCoder.roiHeads() : BoxCoder.rpn();
        try (NDManager m = NDManager.newBaseManager();
                Reference ref = new Reference(DIR.resolve("box_coder.safetensors"), m)) {
            NDArray proposals = ref.get("proposals");
            double enc = Reference.maxRelDiff(coder.encode(ref.get("gt"), proposals), ref.get(name + ".encoded"));
            double dec = maxRowRelDiff(coder.decode(ref.get("codes"), proposals), ref.get(name + ".decoded"));
            System.out.printf("box coder %s: encode %.2g, decode %.2g%n", name, enc, dec);
            assertTrue(enc <= 1e-6, name + " encode differs by " + enc);
            assertTrue(dec <= 1e-6, name + " decode differs by " + dec);
        }
    }
}
