package org.lumen.nn.train;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.module.Module;

/**
 * The plug for training modes beyond plain supervised training (adversarial, self-supervised, distillation): a
 * transform of each batch and of each step's loss, given to a {@link TrainingRun} ({@link TrainingRun#withHook})
 * and applied by every task's step. {@link #NONE}, the default, changes nothing and adds no operation, so a run
 * without a hook computes exactly what it did before hooks existed.
 *
 * <p>One step runs: the batch is built (augmented, normalised: float32 {@code [N, C, H, W]}); {@link #batch} may
 * replace it (an adversarial perturbation, a second view), before the gradients are zeroed, so it may run its own
 * forward and backward passes through {@code net}; then, under the gradient tape, the network's forward pass on
 * that batch and the task's loss (a scalar); {@link #loss} may replace it (a teacher's distillation term added, a
 * self-supervised objective instead); its result is what is differentiated and stepped. Arrays a hook creates
 * belong in the batch's manager ({@code input.getManager()}), which is closed after the step.
 */
public interface TrainingHook {
    /** No change: the batch and loss as the task makes them. */
    TrainingHook NONE = new TrainingHook() {};

    /**
     * The batch the network trains on, from the task's {@code input} ({@code [N, C, H, W]}) and its targets
     * ({@code labels}: class indices {@code [N]} int64 for a classifier, class maps {@code [N, H, W]} int64 for
     * segmentation, null for a detector, whose targets are boxes); {@code input} by default.
     */
    default NDArray batch(Module net, NDArray input, NDArray labels) {
        return input;
    }

    /**
     * The loss to minimise, a scalar, from the batch trained on, the network's {@code output} on it (logits
     * {@code [N, K]} for a classifier, {@code [N, K, H, W]} for segmentation; null for a detector, whose network
     * computes its losses itself) and the task's {@code loss}; {@code loss} by default.
     */
    default NDArray loss(NDArray input, NDArray output, NDArray loss) {
        return loss;
    }
}
