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
 * {@code x * scale + shift} with {@code scale = weight / sqrt(running_var + eps)}, eps 1e-5 (0.14's default).
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
        long c = weight.value().getShape().get(0);
        ai.djl.ndarray.NDManager out = x.getManager();
        // computed per call (a few hundred values) in a scope of the weights' manager, results moved to the
        // input's: nothing accumulates in the model's manager
        try (ai.djl.ndarray.NDManager tmp = weight.value().getManager().newSubManager()) {
            NDArray denom = var.value().add(eps);
            denom.attach(tmp);
            NDArray root = denom.sqrt();
            root.attach(tmp);
            NDArray sc = weight.value().div(root);
            sc.attach(tmp);
            NDArray ms = mean.value().mul(sc);
            ms.attach(tmp);
            NDArray sh = bias.value().sub(ms);
            sh.attach(tmp);
            NDArray scale = sc.reshape(1, c, 1, 1);
            NDArray shift = sh.reshape(1, c, 1, 1);
            scale.attach(out);
            shift.attach(out);
            return x.mul(scale).add(shift);
        }
    }
}
