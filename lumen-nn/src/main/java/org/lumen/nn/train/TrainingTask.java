package org.lumen.nn.train;

import org.lumen.nn.model.SavedModel;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.nn.module.Module;

/**
 * What a task gives the epoch loop of a {@link TrainingRun}: its network and model, how many training samples it
 * has, how one mini-batch is prepared and stepped (augmentation, loss, optimiser step), and its validation metrics.
 * {@code classify.Trainer}, {@code segment.SegmentationTrainer} and {@code detect.DetectionTrainer} make the three tasks' ones; a new
 * training mode changes a task's batches or loss through a {@link TrainingHook} rather than a new task.
 */
public interface TrainingTask {
    /** The network; its trainable parameters are what the optimiser updates (after {@link #freeze}). */
    Module net();

    /** The model written to {@code RUN/best} and {@code RUN/last}. */
    SavedModel model();

    /** The manager the optimiser's buffers live in (the model's). */
    NDManager manager();

    /** Training samples per epoch. */
    int size();

    /** Freezes the first {@code n} stages, or refuses {@code n} as the setting {@code freeze}. */
    void freeze(int n);

    /** The class weights of the {@code classWeights} setting (allocated in {@code constants}), or null. */
    NDArray classWeights(NDManager constants);

    /**
     * Builds the batch of samples {@code order[from .. from + count)} (augmented with {@code rnd}), and takes one
     * optimiser step at {@code lr}; returns the batch's loss before the step.
     */
    double step(NDManager constants, Optimizer opt, int[] order, int from, int count, SplittableRandom rnd,
            NDArray classWeights, double lr);

    /** Validation metrics by name, the monitored one among them. */
    Map<String, Double> validate();

    /**
     * Further training columns for the epoch just finished, logged after {@code train_loss} (a detector's loss
     * parts); read once per epoch, after the last step. None by default.
     */
    default Map<String, Double> epochColumns() {
        return Map.of();
    }
}
