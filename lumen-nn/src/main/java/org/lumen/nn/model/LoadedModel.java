package org.lumen.nn.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.lumen.core.io.AtomicFiles;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.weights.Weights;

/**
 * What every loaded model shares: the {@link NDManager} that holds its weights (closed with the model), its
 * network of type {@code N} and its {@link ModelInfo}. Subclasses add how they run; this class makes, fills,
 * saves and closes. Closing frees all native memory the model holds.
 *
 * @param <N> the network's type ({@code Backbone}, {@code SegmentationModel}, {@code DetectionNet})
 */
public abstract class LoadedModel<N> implements Model {
    private final NDManager manager;
    private final N net;
    private final ModelInfo info;

    protected LoadedModel(NDManager manager, N net, ModelInfo info) {
        this.manager = manager;
        this.net = net;
        this.info = info;
    }

    /** The module that holds the network's parameters (the network itself, or what it wraps). */
    protected abstract Module module();

    /**
     * {@code model} after {@code step} ran on it; when the step throws, the model is closed first, so that a
     * failed build leaks no native memory.
     */
    protected static <M extends LoadedModel<?>> M guarded(M model, Consumer<M> step) {
        try {
            step.accept(model);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** {@code model} with freshly initialised (seeded) parameters. */
    protected static <M extends LoadedModel<?>> M initialised(M model, long seed) {
        return guarded(model, m -> m.module().initialize(m.manager(), seed));
    }

    /** {@code model} with its parameters read from a safetensors file; they must fit exactly. */
    protected static <M extends LoadedModel<?>> M withWeights(M model, Path weights) {
        return guarded(model, m -> Weights.load(m.module(), weights, m.manager()));
    }

    /** Writes {@code dir} (model.json + weights.safetensors, plus whatever {@code extra} adds) atomically. */
    @Override
    public void save(Path dir, AtomicFiles.FolderWriter extra) throws IOException {
        ModelDir.save(dir, info, module(), extra);
    }

    /** How many learnable weights the network has (buffers such as batch-norm statistics not counted). */
    public long weightCount() {
        long n = 0;
        for (Parameter p : module().stateDict().values()) {
            if (p.kind() == Parameter.Kind.WEIGHT) {
                n += p.shape().size();
            }
        }
        return n;
    }

    public N net() {
        return net;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        manager.close();
    }
}
