package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a number that is safe inside an autograd graph. DJL's {@code x.mul(2)} (likewise {@code div},
 * {@code pow}, {@code maximum}, {@code minimum} with a number) wraps the number in a tensor over a Java direct
 * buffer ({@code from_blob}), runs the tensor operation and closes the wrapper at once. libtorch's autograd keeps
 * that tensor for the backward pass (the gradient of {@code x * s} is {@code s}), but the buffer behind it is now
 * unreachable in Java: once a garbage collection frees it and the memory is reused, the backward pass reads
 * garbage, and gradients are silently wrong (seen in Faster R-CNN training: the RPN head's gradients changed when a
 * GC ran between the forward and backward passes). These methods use a scalar tensor that libtorch allocates and
 * owns, so the graph's reference keeps it alive. Use them wherever the result may be differentiated;
 * {@code add} and {@code sub} with a number are safe (their gradients do not read the number).
 */
public final class Scalars {
    private Scalars() {}

    /** {@code op(x, v)} with {@code v} as a scalar array of x's type, freed once used. */
    private static NDArray withScalar(NDArray x, double v, BinaryOperator<NDArray> op) {
        try (NDArray s = scalar(x, v)) {
            return op.apply(x, s);
        }
    }

    private static NDArray scalar(NDArray x, double v) {
        return x.getManager().full(new Shape(), (float) v, x.getDataType());
    }

    /** {@code x * v}. */
    public static NDArray mul(NDArray x, double v) {
        return withScalar(x, v, NDArray::mul);
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, double v) {
        return withScalar(x, v, NDArray::div);
    }

    /** {@code x ^ v}. */
    public static NDArray pow(NDArray x, double v) {
        return withScalar(x, v, NDArray::pow);
    }

    /** {@code max(x, v)} elementwise. */
    public static NDArray maximum(NDArray x, double v) {
        return withScalar(x, v, NDArray::maximum);
    }
}
