package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lumen.nn.testing.Parity;

/**
 * Box arithmetic against torchvision 0.14 on random boxes (some degenerate, some outside the image, integer
 * corners so that ratios come out exact): every result within 1e-6 (relative above 1), NaN where torchvision
 * has NaN.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoxesParityTest {
    private static final Path DIR = Paths.get("target", "parity", "ops-boxes");
    private static final String[] FORMATS = {"xyxy", "xywh", "cxcywh"};

    @BeforeAll
    void reference() {
        Parity.run(DIR, """
                import os
                from torchvision.ops import boxes as B
                out = sys.argv[1]
                g = torch.Generator().manual_seed(0)
                def rand_boxes(n, scale):
                    xy = torch.rand(n, 2, generator=g) * scale - 0.2 * scale
                    wh = torch.rand(n, 2, generator=g) * 0.5 * scale
                    return torch.cat([xy, xy + wh], 1)
                a = rand_boxes(37, 100.0)
                b = rand_boxes(23, 100.0)
                a[3, 2] = a[3, 0]                    # zero width
                b[5] = a[3]                          # degenerate twin: union 0 -> NaN
                ai = rand_boxes(30, 20.0).round()    # integer corners: exact ratios, duplicates
                t = {"a": a, "b": b, "ai": ai,
                     "area": B.box_area(a), "iou": B.box_iou(a, b), "giou": B.generalized_box_iou(a, b),
                     "iou_ai": B.box_iou(ai, ai), "giou_ai": B.generalized_box_iou(ai, ai),
                     "clip": B.clip_boxes_to_image(a, (50, 70)), "small": B.remove_small_boxes(a, 12.5)}
                for f in ("xyxy", "xywh", "cxcywh"):
                    for to in ("xyxy", "xywh", "cxcywh"):
                        t["conv_%s_%s" % (f, to)] = B.box_convert(a, f, to)
                save_safetensors(os.path.join(out, "boxes.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
    }

    @Test
    void areaIouGiouEqualTorchvision() {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            NDArray a = ref.get("a"), b = ref.get("b"), ai = ref.get("ai");
            close(Boxes.area(a), ref.get("area"), "area");
            close(Boxes.iou(a, b), ref.get("iou"), "iou");
            close(Boxes.generalizedIou(a, b), ref.get("giou"), "giou");
            close(Boxes.iou(ai, ai), ref.get("iou_ai"), "iou integer corners");
            close(Boxes.generalizedIou(ai, ai), ref.get("giou_ai"), "giou integer corners");
        }
    }

    @Test
    void conversionsClipAndSmallEqualTorchvision() {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            NDArray a = ref.get("a");
            for (String f : FORMATS) {
                for (String to : FORMATS) {
                    NDArray got = Boxes.convert(a, BoxFormat.valueOf(f.toUpperCase()), BoxFormat.valueOf(to.toUpperCase()));
                    close(got, ref.get("conv_" + f + "_" + to), f + " -> " + to);
                }
            }
            close(Boxes.clipToImage(a, 50, 70), ref.get("clip"), "clip");
            assertArrayEquals(ref.get("small").toLongArray(), Boxes.removeSmall(a, 12.5).toLongArray(), "small");
        }
    }

    private static void close(NDArray got, NDArray want, String what) {
        double d = Reference.maxRelDiff(got, want);
        assertTrue(d <= 1e-6, what + ": max relative difference " + d);
    }

    private static Reference ref(NDManager m) {
        return new Reference(DIR.resolve("boxes.safetensors"), m);
    }
}
