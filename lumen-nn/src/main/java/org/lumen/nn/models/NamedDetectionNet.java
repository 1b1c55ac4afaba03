package org.lumen.nn.models;

import org.lumen.nn.module.Module;

/**
 * A {@link DetectionNet} over one network of type {@code M} (a {@code FasterRcnn}, a {@code YoloV8}) under an
 * architecture name: what every detector family holds the same way.
 */
public abstract class NamedDetectionNet<M extends Module> implements DetectionNet {
    private final String arch;
    /** The network: its module tree, its weights. */
    protected final M net;

    protected NamedDetectionNet(String arch, M net) {
        this.arch = arch;
        this.net = net;
    }

    @Override
    public final Module module() {
        return net;
    }

    @Override
    public final String arch() {
        return arch;
    }
}
