package org.lumen.nn.train;

import java.util.Map;

/**
 * Where a run stands after a finished epoch: what {@code --resume} needs to continue exactly.
 *
 * @param epoch the last finished epoch (0 before the first)
 * @param bestMetric the best value of the monitored metric so far
 * @param bestEpoch the epoch that reached it (0: none yet)
 * @param optimizerSteps the optimiser's step count (Adam's bias correction depends on it)
 * @param optimizerState the optimiser's buffers by name, when restored from a checkpoint; null otherwise
 */
public record TrainState(int epoch, double bestMetric, int bestEpoch, long optimizerSteps,
        Map<String, float[]> optimizerState) {
    public static TrainState start() {
        return new TrainState(0, Double.NaN, 0, 0, null);
    }

    TrainState next(int finishedEpoch, double best, int bestAt, Optimizer opt) {
        return new TrainState(finishedEpoch, best, bestAt, opt.steps(), null);
    }
}
