package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * {@code torch.nn.ConvTranspose2d} with kernel equal to stride and no padding (the 2x "learned upsampling" of
 * Mask R-CNN's {@code conv5_mask} and YOLOv8-seg's prototype branch): parameters {@code weight [in, out, k, k]}
 * and {@code bias [out]}, PyTorch's default initialisation.
 *
 * <p>With kernel = stride the output patches do not overlap, so {@code out[n, o, k*i + a, k*j + b] =
 * sum_c x[n, c, i, j] * weight[c, o, a, b] + bias[o]}: one matrix product and a reshape, differentiable by the
 * ordinary engine (libtorch's JNI bindings in DJL expose no transposed convolution).
 */
public final class ConvTranspose2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;
    private final int k;

    public ConvTranspose2d(int in, int out, int kernel, boolean bias) {
        if (kernel < 1) {
            throw new IllegalArgumentException("kernel must be positive: " + kernel);
        }
        Shape shape = new Shape(in, out, kernel, kernel);
        long fanIn = (long) out * kernel * kernel; // torch computes fan_in from dim 1 for transposed weights too
        this.weight = weight("weight", shape, Init.torchDefault(fanIn));
        this.bias = bias ? weight("bias", new Shape(out), Init.torchDefault(fanIn)) : null;
        this.in = in;
        this.out = out;
        this.k = kernel;
    }

    @Override
    protected NDArray forward(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != in) {
            throw new IllegalArgumentException("expected [N, " + in + ", H, W], got " + s);
        }
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, in);
        NDArray y = rows.matMul(weight.value().reshape(in, (long) out * k * k)); // [NHW, O*k*k]
        y = y.reshape(n, h, w, out, k, k).transpose(0, 3, 1, 4, 2, 5).reshape(n, out, h * k, w * k);
        return bias == null ? y : y.add(bias.value().reshape(1, out, 1, 1));
    }
}
