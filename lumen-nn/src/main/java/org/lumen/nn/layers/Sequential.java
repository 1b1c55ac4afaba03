package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.lumen.nn.module.Module;

/**
 * {@code torch.nn.Sequential}: children applied in order, named {@code 0, 1, 2, ...} by {@link #add(Module)} or
 * given their own names by {@link #add(String, Module)}, as torchvision builds one from an {@code OrderedDict}
 * (DenseNet's {@code features.conv0}, {@code features.denseblock1}).
 */
public class Sequential extends Module {
    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a child named after its position, as {@code nn.Sequential.append} does. */
    public final Sequential add(Module m) {
        return add(Integer.toString(size()), m);
    }

    /** Appends a child under {@code name}. */
    public final Sequential add(String name, Module m) {
        register(name, m);
        return this;
    }

    /** Replaces the child at position {@code index}. */
    public final void set(int index, Module m) {
        replace(nameAt(index), m);
    }

    /** The child at position {@code index}, whatever its name (as {@code sequential[index]} in PyTorch). */
    public final Module get(int index) {
        return children().get(nameAt(index));
    }

    public final int size() {
        return children().size();
    }

    private String nameAt(int index) {
        return List.copyOf(children().keySet()).get(index);
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray out = x;
        for (Module m : children().values()) {
            out = out == x ? m.apply(out) : consume(m, out);
        }
        return out;
    }
}
