package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

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

    /**
     * {@code this(conv(x))} as one convolution: the norm is an affine map per output channel, so it folds into
     * the convolution's weight ({@code w * scale}) and bias ({@code b * scale + shift}). At inference this spares a
     * pass over every activation the norm would read and write (up to 15% of Faster R-CNN's body at 800 px); the
     * folded weight is computed each call (a pass over the weight, far smaller than the activations), so it is
     * never stale whatever changed the weights.
     */
    public NDArray foldedInto(Conv2d conv, NDArray x) {
        // every step starts from an array of x's manager, so nothing lands in (and piles up with) the weights'
        NDArray scale = x.getManager().full(var.value().getShape(), eps).addi(var.value()).sqrt().pow(-1)
                .muli(weight.value());
        NDArray shift = scale.mul(mean.value()).negi().addi(bias.value());
        NDArray y = conv.forwardScaled(x, scale, shift);
        scale.close();
        shift.close();
        return y;
    }

    /**
     * {@code norm(conv(x))} for a convolution and the norm after it, whichever kind of norm (the detection bodies
     * choose frozen norms, the classifiers trainable ones): at inference with nothing watching, a frozen norm is
     * folded into the convolution ({@link #foldedInto}); otherwise, and in training, the two run one after the
     * other as torchvision runs them, the convolution's output freed once the norm has read it.
     */
    public static NDArray convNorm(Module conv, Module norm, NDArray x) {
        if (!norm.isTraining() && !watched() && norm instanceof FrozenBatchNorm2d f && conv instanceof Conv2d c) {
            return f.foldedInto(c, x);
        }
        return consume(norm, conv.apply(x));
    }

    /**
     * {@code num_batches_tracked}: a checkpoint of a detector trained with ordinary batch norms (from scratch) has
     * one for each, which torchvision's {@code FrozenBatchNorm2d} drops on load.
     */
    @Override
    public java.util.Set<String> ignoredOnLoad() {
        return java.util.Set.of("num_batches_tracked");
    }

    @Override
    protected NDArray forward(NDArray x) {
        // libtorch's batch norm with running statistics is this very affine map, in one fused pass
        return Functional.batchNorm(x, mean.value(), var.value(), weight.value(), bias.value(),
                false, 0.1, eps);
    }
}
