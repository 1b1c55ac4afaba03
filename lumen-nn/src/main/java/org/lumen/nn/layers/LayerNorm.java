package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/**
 * {@code torch.nn.LayerNorm(channels, eps)} over the last dimension: input {@code [..., C]}, parameters
 * {@code weight [C]} (ones) and {@code bias [C]} (zeros). Same in training and eval.
 */
public class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Shape normalized;
    private final double eps;

    public LayerNorm(int channels, double eps) {
        this.normalized = new Shape(channels);
        this.weight = weight("weight", normalized, Init.ONES);
        this.bias = weight("bias", normalized, Init.ZEROS);
        this.eps = eps;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return Functional.layerNorm(x, normalized, weight.value(), bias.value(), eps);
    }
}
