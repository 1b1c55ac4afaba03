package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.module.Module;

/**
 * A module holding named children only (torchvision's plain {@code nn.Module} groupings such as
 * {@code box_predictor} or {@code mask_predictor}): it gives their parameters their state-dict prefix and is never
 * called itself.
 */
final class Container extends Module {
    <M extends Module> M put(String name, M m) {
        return register(name, m);
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("a container");
    }
}
