package org.lumen.nn.train;

import org.lumen.nn.model.SavedModel;
import ai.djl.ndarray.NDManager;
import org.lumen.nn.module.Module;

/** The fixed parts of a {@link TrainingTask}: its network, model, manager and sample count; the rest is the task's. */
public abstract class BaseTask implements TrainingTask {
    private final Module net;
    private final SavedModel model;
    private final NDManager manager;
    private final int size;

    protected BaseTask(Module net, SavedModel model, NDManager manager, int size) {
        this.net = net;
        this.model = model;
        this.manager = manager;
        this.size = size;
    }

    @Override
    public final Module net() {
        return net;
    }

    @Override
    public final SavedModel model() {
        return model;
    }

    @Override
    public final NDManager manager() {
        return manager;
    }

    @Override
    public final int size() {
        return size;
    }
}
