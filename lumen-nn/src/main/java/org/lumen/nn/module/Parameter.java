package org.lumen.nn.module;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One named tensor of a {@link Module}: a learnable weight, or a buffer such as a batch-norm running mean.
 *
 * <p>The shape is fixed when the module is built (as in torchvision, where constructors know every size), so
 * a weights file can be checked against it before anything is copied. The value is allocated by
 * {@link Module#initialize} in the model's {@code NDManager} and replaced in place by weight loading.
 */
public final class Parameter {
    /** What a parameter is: learned by gradient descent, or state updated by the forward pass. */
    public enum Kind { WEIGHT, BUFFER }

    private final String name;
    private final Shape shape;
    private final DataType dataType;
    private final Kind kind;
    private final Init init;
    private NDArray value;
    private boolean frozen;

    Parameter(String name, Shape shape, DataType dataType, Kind kind, Init init) {
        this.name = name;
        this.shape = shape;
        this.dataType = dataType;
        this.kind = kind;
        this.init = init;
    }

    /** The local name inside its module ({@code weight}, {@code running_mean}, ...). */
    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    public DataType dataType() {
        return dataType;
    }

    public Kind kind() {
        return kind;
    }

    public Init init() {
        return init;
    }

    /** True for a weight that the optimiser updates: a learnable weight that is not frozen. */
    public boolean trainable() {
        return kind == Kind.WEIGHT && !frozen;
    }

    /** Frozen weights keep their values during training (transfer learning's frozen stages). */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public boolean frozen() {
        return frozen;
    }

    /** The current value; throws if the model has not been initialised yet. */
    public NDArray value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + name + " used before Module.initialize");
        }
        return value;
    }

    public boolean isInitialized() {
        return value != null;
    }

    /** Replaces the value, closing the old one. The new array must already have this parameter's shape. */
    public void setValue(NDArray newValue) {
        if (!newValue.getShape().equals(shape)) {
            throw new IllegalArgumentException(name + ": shape " + newValue.getShape() + " != " + shape);
        }
        NDArray old = value;
        value = newValue;
        if (old != null && old != newValue) {
            old.close();
        }
    }
}
