package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.module.Module;

/** {@code torch.nn.Sequential}: children named {@code 0, 1, 2, ...}, applied in order. */
public class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a child under the next index. */
    public final Sequential add(Module m) {
        register(Integer.toString(size++), m);
        return this;
    }

    /** Replaces the child at {@code index}. */
    public final void set(int index, Module m) {
        replace(Integer.toString(index), m);
    }

    public final Module get(int index) {
        return children().get(Integer.toString(index));
    }

    public final int size() {
        return size;
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray out = x;
        for (Module m : children().values()) {
            out = m.apply(out);
        }
        return out;
    }
}
