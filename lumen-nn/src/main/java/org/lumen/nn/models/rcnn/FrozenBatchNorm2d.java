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

    /** The values scale and shift were computed from; recomputed when any buffer is replaced (weights loaded). */
    private NDArray[] cachedFor = new NDArray[4];
    private NDArray scale;
    private NDArray shift;

    @Override
    protected NDArray forward(NDArray x) {
        NDArray[] now = {weight.value(), bias.value(), mean.value(), var.value()};
        if (scale == null || !java.util.Arrays.equals(now, cachedFor)) {
            if (scale != null) {
                scale.close();
                shift.close();
            }
            long c = now[0].getShape().get(0);
            try (ai.djl.ndarray.NDManager tmp = now[0].getManager().newSubManager()) {
                NDArray sc = now[0].div(now[3].add(eps).sqrt());
                sc.attach(tmp);
                NDArray sh = now[1].sub(now[2].mul(sc));
                sh.attach(tmp);
                scale = sc.reshape(1, c, 1, 1);
                shift = sh.reshape(1, c, 1, 1);
                scale.attach(now[0].getManager());
                shift.attach(now[0].getManager());
            }
            cachedFor = now;
        }
        return x.mul(scale).add(shift);
    }
}
