package org.lumen.nn.model;

import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * The {@link ModelLoader} of a task whose model is built from its {@link ModelInfo} and a weights file: it checks
 * that a directory holds that task's model (refusing another, naming model.json) and reads the weights, which
 * must fit exactly. A task registers a subclass with a public no-argument constructor as its provider.
 *
 * @param <M> the task's model type
 */
public abstract class TaskLoader<M extends Model> implements ModelLoader {
    private final String task;
    private final int order;
    private final String what;
    private final BiFunction<ModelInfo, Path, M> fromWeights;

    /**
     * @param what how a refusal names the wanted kind ({@code "a classification model"})
     * @param fromWeights the model for an info and a safetensors file whose names and shapes fit exactly
     */
    protected TaskLoader(String task, int order, String what, BiFunction<ModelInfo, Path, M> fromWeights) {
        this.task = task;
        this.order = order;
        this.what = what;
        this.fromWeights = fromWeights;
    }

    @Override
    public final String task() {
        return task;
    }

    @Override
    public final int order() {
        return order;
    }

    /** Loads a model directory (model.json read once). */
    public final M load(Path dir) {
        return load(ModelDir.open(dir));
    }

    /** Loads an opened model directory (at its info's size, perhaps {@link ModelDir#withImgsz changed}). */
    @Override
    public final M load(ModelDir dir) {
        dir.expect(task, what);
        return fromWeights.apply(dir.info(), dir.weights());
    }
}
