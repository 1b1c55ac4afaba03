package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.testing.Parity;

/**
 * {@link Nms} gives torchvision 0.14's kept indices, in its order, on sets built to find differences: 10,000
 * clustered boxes with scores rounded to two decimals (many ties, many overlaps), integer corners (IoUs exactly
 * equal to the threshold), all scores equal, an unrepresentable threshold (0.7), thresholds 0 and 1, boxes spread
 * thin over a survey tile; and the inputs the grid leaves to the full scan (a negative threshold, infinite and NaN
 * coordinates), malformed and empty boxes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NmsParityTest {
    private static final Path DIR = Paths.get("target", "parity", "ops-nms");

    static List<String> cases() {
        return List.of("clustered10k", "sparse10k", "integer", "equal", "thr07", "thr0", "thr1", "negative", "nonfinite",
                "malformed");
    }

    @BeforeAll
    void reference() {
        Parity.run(DIR, """
                import os
                from torchvision.ops import nms, batched_nms
                out = sys.argv[1]
                g = torch.Generator().manual_seed(0)
                def clustered(n, centres, scale):
                    c = torch.rand(centres, 2, generator=g) * scale
                    pick = torch.randint(0, centres, (n,), generator=g)
                    xy = c[pick] + torch.randn(n, 2, generator=g) * 8
                    wh = 10 + torch.rand(n, 2, generator=g) * 40
                    return torch.cat([xy, xy + wh], 1)
                def rounded(n, decimals):
                    return (torch.rand(n, generator=g) * 10 ** decimals).round() / 10 ** decimals
                cases = {}
                cases["clustered10k"] = (clustered(10000, 60, 800.0), rounded(10000, 2), 0.5)
                xy = torch.randint(0, 12, (2000, 2), generator=g).float()
                wh = torch.randint(1, 5, (2000, 2), generator=g).float()
                cases["integer"] = (torch.cat([xy, xy + wh], 1), rounded(2000, 1), 0.5)
                cases["equal"] = (clustered(500, 10, 200.0), torch.ones(500), 0.3)
                cases["thr07"] = (clustered(1000, 20, 300.0), torch.rand(1000, generator=g), 0.7)
                cases["thr0"] = (clustered(1000, 20, 300.0), rounded(1000, 1), 0.0)
                cases["thr1"] = (clustered(1000, 20, 300.0), rounded(1000, 1), 1.0)
                xy = torch.rand(10000, 2, generator=g) * 4000
                cases["sparse10k"] = (torch.cat([xy, xy + 5 + torch.rand(10000, 2, generator=g) * 30], 1),
                                      rounded(10000, 2), 0.5)
                # the full scan's cases: a negative threshold, infinite and NaN coordinates
                cases["negative"] = (clustered(300, 5, 100.0), rounded(300, 1), -0.1)
                b = clustered(1000, 20, 300.0)
                b[7, 2] = float("inf"); b[8, 0] = float("-inf"); b[9, 1] = float("nan")
                cases["nonfinite"] = (b, rounded(1000, 1), 0.5)
                b = clustered(1000, 20, 300.0)
                b[::3, 0], b[::3, 2] = b[::3, 2].clone(), b[::3, 0].clone()   # x2 < x1 for a third
                b[1::3, 3] = b[1::3, 1]                                         # zero height for a third
                cases["malformed"] = (b, rounded(1000, 1), 0.3)
                t = {}
                for name, (b, s, thr) in cases.items():
                    t[name + ".boxes"], t[name + ".scores"] = b, s
                    t[name + ".thr"] = torch.tensor([thr], dtype=torch.float64)
                    t[name + ".keep"] = nms(b, s, thr)
                # batched: up to 1000 boxes torchvision shifts coordinates per class; above, NMS per class
                for name, n, k in (("trick", 800, 5), ("vanilla", 5000, 20)):
                    b = clustered(n, 30, 500.0)
                    s = rounded(n, 2)
                    idx = torch.randint(0, k, (n,), generator=g)
                    t[name + ".boxes"], t[name + ".scores"], t[name + ".idxs"] = b, s, idx
                    t[name + ".keep"] = batched_nms(b, s, idx, 0.5)
                save_safetensors(os.path.join(out, "nms.safetensors"), t)
                """, DIR.toAbsolutePath().toString());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void keepsWhatTorchvisionKeeps(String name) {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            double thr = ref.get(name + ".thr").toDoubleArray()[0];
            long[] want = ref.get(name + ".keep").toLongArray();
            long[] got = Nms.nms(ref.get(name + ".boxes"), ref.get(name + ".scores"), thr).toLongArray();
            System.out.printf("nms %s: kept %d of %d%n", name, want.length, ref.get(name + ".scores").size());
            assertArrayEquals(want, got, name);
        }
    }

    @Test
    void batchedUpTo1000BoxesEqualsTorchvisionExactly() {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            long[] got = Nms.batchedNms(ref.get("trick.boxes"), ref.get("trick.scores"), ref.get("trick.idxs"), 0.5)
                    .toLongArray();
            assertArrayEquals(ref.get("trick.keep").toLongArray(), got);
        }
    }

    /** torchvision orders the per-class results with an unstable sort: same set, same score sequence. */
    @Test
    void batchedAbove1000BoxesKeepsTorchvisionsSetInScoreOrder() {
        try (NDManager m = NDManager.newBaseManager(); Reference ref = ref(m)) {
            float[] scores = ref.get("vanilla.scores").toFloatArray();
            long[] want = ref.get("vanilla.keep").toLongArray();
            long[] got = Nms.batchedNms(ref.get("vanilla.boxes"), ref.get("vanilla.scores"), ref.get("vanilla.idxs"),
                    0.5).toLongArray();
            assertEquals(want.length, got.length);
            for (int k = 0; k < got.length; k++) {
                assertEquals(scores[(int) want[k]], scores[(int) got[k]], "score at rank " + k);
                assertTrue(k == 0 || scores[(int) got[k]] < scores[(int) got[k - 1]] || got[k] > got[k - 1],
                        "equal scores by increasing index");
            }
            long[] a = want.clone(), b = got.clone();
            Arrays.sort(a);
            Arrays.sort(b);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void handCases() {
        // IoU exactly 0.5 is kept (only > threshold suppresses); equal scores go by index
        float[] boxes = {0, 0, 3, 1, 1, 0, 4, 1, 0, 0, 3, 1};
        assertArrayEquals(new int[] {0, 1}, Nms.nms(boxes, new float[] {1, 1, 1}, 0.5));
        assertArrayEquals(new int[] {1}, Nms.nms(boxes, new float[] {0.5f, 0.9f, 0.9f}, 0.4));
        assertArrayEquals(new int[] {}, Nms.nms(new float[0], new float[0], 0.5));
        // other classes never suppress
        assertArrayEquals(new int[] {0, 2}, Nms.batchedNms(boxes, new float[] {1, 1, 1}, new int[] {0, 0, 1}, 0.2));
        assertThrows(IllegalArgumentException.class, () -> Nms.nms(new float[7], new float[2], 0.5));
    }

    private static Reference ref(NDManager m) {
        return new Reference(DIR.resolve("nms.safetensors"), m);
    }
}
