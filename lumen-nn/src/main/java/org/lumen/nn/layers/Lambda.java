package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * A module without parameters that applies a function: activations, pooling, flattening. It occupies an
 * index in a {@link Sequential} exactly where torchvision has {@code nn.ReLU()} or {@code nn.MaxPool2d}, so
 * the numbering of the modules that follow (and so their weight names) stays torchvision's.
 */
public final class Lambda extends Module {
    private final String name;
    private final UnaryOperator<NDArray> fn;

    public Lambda(String name, UnaryOperator<NDArray> fn) {
        this.name = name;
        this.fn = fn;
    }

    public static Lambda relu() {
        return new Lambda("ReLU", Functional::relu);
    }

    public static Lambda relu6() {
        return new Lambda("ReLU6", Functional::relu6);
    }

    public static Lambda silu() {
        return new Lambda("SiLU", Functional::silu);
    }

    public static Lambda gelu() {
        return new Lambda("GELU", Functional::gelu);
    }

    public static Lambda sigmoid() {
        return new Lambda("Sigmoid", Functional::sigmoid);
    }

    public static Lambda identity() {
        return new Lambda("Identity", x -> x);
    }

    public static Lambda maxPool(int kernel, int stride, int padding, boolean ceilMode) {
        return new Lambda("MaxPool2d", x -> Functional.maxPool2d(x, new int[] {kernel, kernel},
                new int[] {stride, stride}, new int[] {padding, padding}, ceilMode));
    }

    public static Lambda avgPool(int kernel, int stride) {
        return new Lambda("AvgPool2d", x -> Functional.avgPool2d(x, new int[] {kernel, kernel},
                new int[] {stride, stride}, new int[] {0, 0}, false, true));
    }

    public static Lambda adaptiveAvgPool(int outH, int outW) {
        return new Lambda("AdaptiveAvgPool2d", x -> Functional.adaptiveAvgPool2d(x, outH, outW));
    }

    /** {@code torch.flatten(x, 1)}. */
    public static Lambda flatten() {
        return new Lambda("Flatten", x -> x.reshape(x.getShape().get(0), -1));
    }

    /** {@code torch.permute(x, axes)} (torchvision's {@code Permute}, e.g. NCHW to NHWC with 0, 2, 3, 1). */
    public static Lambda permute(int... axes) {
        int[] copy = axes.clone();
        return new Lambda("Permute", x -> x.transpose(copy));
    }

    @Override
    protected NDArray forward(NDArray x) {
        return fn.apply(x);
    }

    @Override
    public String toString() {
        return name;
    }
}
