package org.lumen.nn.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What each task's training front (classification, segmentation, detection) shares: the architecture, input
 * size, starting weights (null: from scratch), the configuration and the provenance to record, the progress
 * output and the {@link TrainingHook}; {@link #newRun} gives the {@link TrainingRun} they configure. A task adds
 * how its data is prepared and its {@link TrainingSpec}.
 *
 * @param <T> the task's own type, so that {@code withProgress} and {@code withHook} chain
 */
public abstract class TaskTraining<T extends TaskTraining<T>> {
    protected final String arch;
    protected final int imgsz;
    protected final Path weights;
    protected final TrainConfig config;
    protected final ObjectNode provenance;
    protected Progress progress = Progress.console();
    protected TrainingHook hook = TrainingHook.NONE;

    protected TaskTraining(String arch, int imgsz, Path weights, TrainConfig config, ObjectNode provenance) {
        this.arch = arch;
        this.imgsz = imgsz;
        this.weights = weights;
        this.config = config;
        this.provenance = provenance;
    }

    /** This training, as its own type. */
    protected abstract T self();

    /** Reports progress to {@code p} (default: the console). */
    public T withProgress(Progress p) {
        this.progress = Objects.requireNonNull(p);
        return self();
    }

    /** Trains through {@code h}, a change to every batch and loss (default {@link TrainingHook#NONE}). */
    public T withHook(TrainingHook h) {
        this.hook = Objects.requireNonNull(h);
        return self();
    }

    /** The run into the folder {@code run} with this training's configuration, progress and hook. */
    protected TrainingRun newRun(Path run) {
        return new TrainingRun(run, config).withProgress(progress).withHook(hook);
    }
}
