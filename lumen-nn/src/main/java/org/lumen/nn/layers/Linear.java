package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/** {@code torch.nn.Linear}: {@code weight [out, in]}, {@code bias [out]}. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int inFeatures;
    private final int outFeatures;

    public Linear(int in, int out) {
        this(in, out, null, null);
    }

    /** With explicit initialisers (null: PyTorch's default, Uniform(±1/sqrt(in)) for both). */
    public Linear(int in, int out, Init weightInit, Init biasInit) {
        this.weight = weight("weight", new Shape(out, in), weightInit != null ? weightInit : Init.torchDefault(in));
        this.bias = weight("bias", new Shape(out), biasInit != null ? biasInit : Init.torchDefault(in));
        this.inFeatures = in;
        this.outFeatures = out;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return Functional.linear(x, weight.value(), bias.value());
    }
}
