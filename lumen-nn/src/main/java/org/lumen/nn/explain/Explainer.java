package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Explains a classifier's decision for a batch of images: where in each image the evidence for (or against) a
 * class lies. The CAM family ({@link Cam}) is the first kind; gradient and perturbation attributions follow
 * the same contract.
 */
public interface Explainer {
    /**
     * Explains each image of a batch.
     *
     * @param batch normalised images, float32 {@code [N, C, H, W]}; read, never modified
     * @param targets one class index per image, or null for each image's top prediction (the largest logit,
     *     the lowest index on ties)
     * @return one explanation per image, in batch order
     * @throws org.lumen.core.LumenException for a target out of range or a layer whose output is not spatial
     */
    List<Explanation> explain(NDArray batch, int[] targets);

    /** {@link #explain(NDArray, int[])} for each image's top prediction. */
    default List<Explanation> explain(NDArray batch) {
        return explain(batch, null);
    }
}
