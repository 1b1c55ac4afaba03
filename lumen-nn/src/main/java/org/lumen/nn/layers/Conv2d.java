package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/** {@code torch.nn.Conv2d}: parameters {@code weight [out, in/groups, k, k]} and optionally {@code bias [out]}. */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final int inChannels;
    private final int outChannels;

    /** A square-kernel convolution with PyTorch's default initialisation. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, int groups, boolean bias) {
        this(in, out, kernel, stride, padding, 1, groups, bias, null);
    }

    /**
     * @param weightInit initialiser of the weight; null for PyTorch's default (Uniform(±1/sqrt(fan_in)))
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias,
            Init weightInit) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        Shape shape = new Shape(out, in / groups, kernel, kernel);
        long fanIn = Init.fanIn(shape);
        this.weight = weight("weight", shape, weightInit != null ? weightInit : Init.torchDefault(fanIn));
        this.bias = bias ? weight("bias", new Shape(out), weightInit != null ? Init.ZEROS : Init.torchDefault(fanIn))
                : null;
        this.stride = new int[] {stride, stride};
        this.padding = new int[] {padding, padding};
        this.dilation = new int[] {dilation, dilation};
        this.groups = groups;
        this.inChannels = in;
        this.outChannels = out;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public Parameter weightParameter() {
        return weight;
    }

    /**
     * This convolution followed by a per-output-channel affine map {@code y * scale + shift} ([out] each), computed
     * as one convolution with weight {@code w * scale} and bias {@code b * scale + shift} (a batch norm in
     * evaluation folded in). Equal to the two steps up to float rounding.
     */
    public NDArray forwardScaled(NDArray x, NDArray scale, NDArray shift) {
        // scale's manager owns the folded weight (an op's result goes to its first operand's manager), and it is
        // freed at once: autograd, when recording, keeps its own reference
        NDArray w = scale.reshape(outChannels, 1, 1, 1).mul(weight.value());
        NDArray b = bias == null ? null : scale.mul(bias.value()).addi(shift);
        NDArray y = Functional.conv2d(x, w, b == null ? shift : b, stride, padding, dilation, groups);
        w.close();
        if (b != null) {
            b.close();
        }
        return y;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return Functional.conv2d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, dilation,
                groups);
    }
}
