package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void tooFewSamplesForTheSuperpixelsAreRefused() {
        LumenException e = assertThrows(LumenException.class, () -> Attribution.builder().setModel(new Linear(new double[16]))
                .setMethod("lime").optSegments(8).optNoise(20, 0).build());
        assertEquals("--samples", e.source());
    }
}
