package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;
import org.junit.jupiter.api.Test;

/**
 * LIME and Kernel SHAP on a model that is linear in its superpixels: logit 0 = sum over the 4 x 4 grid cells k
 * of w_k times the mean of channel 0 in cell k. Removing a cell (setting it to 0) removes exactly its term, so
 * both surrogates must recover w_k * mean_k(x) for every cell: LIME's weighted regression fits a linear model
 * exactly, and the Shapley value of an additive term is the term itself.
 */
class SurrogateTest {
    private static final int S = 16;
    private static final int G = 4;

    static final class Linear extends Module {
        private final float[] map = new float[S * S];

        Linear(double[] w) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    int k = (y * G / S) * G + x * G / S;
                    map[y * S + x] = (float) (w[k] / ((S / G) * (S / G)));
                }
            }
        }

        @Override
        protected NDArray forward(NDArray x) {
            long n = x.getShape().get(0);
            NDArray m = x.getManager().create(map, new Shape(S, S));
            NDArray v = x.get(":, 0, :, :").mul(m).sum(new int[] {1, 2}).reshape(n, 1);
            return v.concat(x.getManager().zeros(new Shape(n, 1)), 1);
        }
    }

    @Test
    void bothRecoverTheTermsOfAnAdditiveModel() {
        double[] w = new double[G * G];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int k = 0; k < w.length; k++) {
            w[k] = r.nextDouble() * 4 - 2;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = new float[3 * S * S];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextDouble() * 2 - 1);
            }
            NDArray x = m.create(v, new Shape(1, 3, S, S));
            Linear model = new Linear(w);
            for (String method : List.of("lime", "kernelshap")) {
                float[] got = Attribution.builder().setModel(model).setMethod(method).optSegments(G).optNoise(64, 0)
                        .build().attribute(x, new int[] {0}).get(0).signed();
                for (int k = 0; k < G * G; k++) {
                    int y0 = (k / G) * (S / G);
                    int x0 = (k % G) * (S / G);
                    double mean = 0;
                    for (int y = y0; y < y0 + S / G; y++) {
                        for (int xx = x0; xx < x0 + S / G; xx++) {
                            mean += v[y * S + xx];
                        }
                    }
                    mean /= (S / G) * (S / G);
                    assertEquals(w[k] * mean, got[y0 * S + x0], 1e-3, method + " cell " + k);
                }
            }
        }
    }

    @Test
    void slicFollowsEdgesWhereTheGridCutsAcross() {
        // two flat regions split at column 6 (not where a 2x2 grid would cut, at 8): no SLIC segment straddles
        // the edge, while the grid's do
        float[] img = new float[3 * S * S];
        for (int ch = 0; ch < 3; ch++) {
            for (int p = 0; p < S * S; p++) {
                img[ch * S * S + p] = (p % S) < 6 ? 0 : 1;
            }
        }
        int[] labels = Superpixels.slic(img, 3, S, S, 4, 0.1);
        int k = Superpixels.count(labels);
        assertTrue(k >= 2 && k <= 4, "segments " + k);
        int[] side = new int[k];
        java.util.Arrays.fill(side, -1);
        for (int p = 0; p < S * S; p++) {
            int s = (p % S) < 6 ? 0 : 1;
            assertTrue(side[labels[p]] == -1 || side[labels[p]] == s, "segment " + labels[p] + " straddles the edge");
            side[labels[p]] = s;
        }
        int[] grid = Superpixels.grid(S, S, 2);
        assertEquals(grid[5], grid[6]); // columns 5 and 6 fall in one grid cell across the edge
    }

    @Test
    void limeOverSlicRecoversTheTermsWhenSuperpixelsAreTheCells() {
        // each grid cell flat and distinct (cell k has value (k + 1) / 16 on every channel): SLIC's 16 segments
        // are exactly the cells, so LIME recovers w_k * value_k as over the grid
        double[] w = new double[G * G];
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (int k = 0; k < w.length; k++) {
            w[k] = r.nextDouble() * 4 - 2;
        }
        float[] v = new float[3 * S * S];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    v[ch * S * S + y * S + x] = ((y * G / S) * G + x * G / S + 1) / 16f;
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(v, new Shape(1, 3, S, S));
            float[] got = Attribution.builder().setModel(new Linear(w)).setMethod("lime").optSegments(G)
                    .optSuperpixels("slic").optNoise(64, 0).build().attribute(x, new int[] {0}).get(0).signed();
            for (int k = 0; k < G * G; k++) {
                int y0 = (k / G) * (S / G);
                int x0 = (k % G) * (S / G);
                assertEquals(w[k] * (k + 1) / 16, got[(y0 + 1) * S + x0 + 2], 1e-3, "cell " + k);
            }
        }
    }

    @Test
    void tooFewSamplesForTheSuperpixelsAreRefused() {
        LumenException e = assertThrows(LumenException.class, () -> Attribution.builder().setModel(new Linear(new double[16]))
                .setMethod("lime").optSegments(8).optNoise(20, 0).build());
        assertEquals("samples", e.source()); // a setting, rendered --samples by the CLI
        assertTrue(e.isSetting());
        LumenException kind = assertThrows(LumenException.class, () -> Attribution.builder()
                .setModel(new Linear(new double[16])).setMethod("lime").optSuperpixels("watershed").build());
        assertEquals("superpixels", kind.source()); // a setting, rendered --superpixels by the CLI
        assertTrue(kind.isSetting());
    }
}
