package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * torchvision's {@code FrozenBatchNorm2d}: batch norm with fixed statistics and affine parameters, all four
 * buffers ({@code weight, bias, running_mean, running_var}; no {@code num_batches_tracked}), computed as
 * {@code x * scale + shift} with {@code scale = weight / sqrt(running_var + eps)}, eps 1e-5 (0.14's default);
 * run as libtorch's batch norm in evaluation mode, which computes the same map in one pass.
 */
public final class FrozenBatchNorm2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter mean;
    private final Parameter var;
    private final float eps;

    public FrozenBatchNorm2d(int channels) {
        Shape c = new Shape(channels);
        weight = buffer("weight", c, DataType.FLOAT32, Init.ONES);
        bias = buffer("bias", c, DataType.FLOAT32, Init.ZEROS);
        mean = buffer("running_mean", c, DataType.FLOAT32, Init.ZEROS);
        var = buffer("running_var", c, DataType.FLOAT32, Init.ONES);
        eps = 1e-5f;
    }

    @Override
    protected NDArray forward(NDArray x) {
        // libtorch's batch norm with running statistics is this very affine map, in one fused pass
        return org.lumen.nn.ops.Functional.batchNorm(x, mean.value(), var.value(), weight.value(), bias.value(),
                false, 0.1, eps);
    }
}
