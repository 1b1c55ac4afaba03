package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * torchvision's {@code StochasticDepth(p, "row")}: in training mode each sample of the batch is zeroed with
 * probability {@code p} and the others scaled by {@code 1 / (1 - p)}; identity in eval mode. Residual blocks
 * apply it to their branch before adding the shortcut, so a dropped sample skips the block.
 */
public final class StochasticDepth extends Module {
    private final double p;

    public StochasticDepth(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("drop probability " + p + " not in [0, 1]");
        }
        this.p = p;
    }

    public double probability() {
        return p;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return Functional.stochasticDepth(x, p, isTraining());
    }
}
