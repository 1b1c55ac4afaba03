package org.lumen.nn.explain.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.lumen.nn.module.Module;

/**
 * A model whose answers are known: logit 0 is the mean of channel 0 over the top-left 2 x 2 pixels
 * (the region R), logit 1 is 0. On a 4 x 4 image the perfect heatmap is 1 on R and 0 elsewhere.
 */
final class RegionMeanModel extends Module {
    @Override
    protected NDArray forward(NDArray x) {
        NDArray region = x.get(":, 0, 0:2, 0:2").reshape(x.getShape().get(0), 4).mean(new int[] {1});
        return NDArrays.stack(new ai.djl.ndarray.NDList(region, region.zerosLike()), 1);
    }

    /** The perfect map for a 4 x 4 image: row-major indices 0, 1, 4, 5 are R. */
    static float[] perfect() {
        float[] m = new float[16];
        m[0] = m[1] = m[4] = m[5] = 1;
        return m;
    }

    /** The worst map: 0 on R, 1 elsewhere. */
    static float[] worst() {
        float[] m = perfect();
        for (int p = 0; p < m.length; p++) {
            m[p] = 1 - m[p];
        }
        return m;
    }
}
