package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/** {@code torch.nn.Dropout}: zeroes with probability {@code p} and rescales, in training mode only. */
public final class Dropout extends Module {
    private final double p;

    public Dropout(double p) {
        this.p = p;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return Functional.dropout(x, p, isTraining());
    }
}
