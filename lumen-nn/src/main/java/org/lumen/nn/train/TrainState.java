package org.lumen.nn.train;

import java.util.Map;

/**
 * Where a run stands after a finished epoch: what resuming needs to continue exactly.
 *
 * @param epoch the last finished epoch (0 before the first)
 * @param bestMetric the best value of the monitored metric so far
 * @param bestEpoch the epoch that reached it (0: none yet)
 * @param optimizerSteps the optimiser's step count (Adam's bias correction depends on it)
 * @param optimizerState the optimiser's buffers by name, when restored from a checkpoint; null otherwise
 * @param row the last finished epoch's results row, kept with the checkpoint so that {@code results.csv} can
 *     be completed on resume if the run stopped between writing the checkpoint and appending the row
 */
public record TrainState(int epoch, double bestMetric, int bestEpoch, long optimizerSteps,
        Map<String, float[]> optimizerState, Map<String, Double> row) {
    public static TrainState start() {
        return new TrainState(0, Double.NaN, 0, 0, null, Map.of());
    }

    TrainState next(int finishedEpoch, double best, int bestAt, Optimizer opt, Map<String, Double> finishedRow) {
        return new TrainState(finishedEpoch, best, bestAt, opt.steps(), null, Map.copyOf(finishedRow));
    }
}
