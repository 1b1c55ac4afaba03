package org.lumen.nn.train;

import org.lumen.core.LumenException;

/**
 * Learning rate as a function of training progress, evaluated every iteration: a linear warm-up from
 * {@code warmupStart * base} over the first {@code warmupEpochs}, then cosine decay to {@code minFactor * base}
 * at the end of training, or step decay by {@code gamma} every {@code stepEpochs}, or constant.
 */
public record LrSchedule(Kind kind, double base, double warmupEpochs, double minFactor, int stepEpochs, double gamma) {
    public enum Kind { COSINE, STEP, CONSTANT }

    private static final double WARMUP_START = 0.1;

    public LrSchedule {
        if (!(base > 0) || Double.isInfinite(base)) {
            throw LumenException.setting("lr", "must be a positive number, got " + base);
        }
        if (warmupEpochs < 0) {
            throw LumenException.setting("warmup", "must be >= 0, got " + warmupEpochs);
        }
        if (kind == Kind.STEP && stepEpochs < 1) {
            throw LumenException.setting("lrStep", "must be >= 1, got " + stepEpochs);
        }
    }

    public static LrSchedule cosine(double base, double warmupEpochs) {
        return new LrSchedule(Kind.COSINE, base, warmupEpochs, 0.01, 1, 1);
    }

    public static LrSchedule step(double base, double warmupEpochs, int every, double gamma) {
        return new LrSchedule(Kind.STEP, base, warmupEpochs, 0, every, gamma);
    }

    public static LrSchedule constant(double base) {
        return new LrSchedule(Kind.CONSTANT, base, 0, 1, 1, 1);
    }

    /**
     * @param epoch fractional epoch, 0-based ({@code 2.5} = half-way through the third epoch)
     * @param totalEpochs the run's length
     */
    public double at(double epoch, int totalEpochs) {
        double lr = switch (kind) {
            case COSINE -> {
                double t = Math.min(1, Math.max(0, (epoch - warmupEpochs) / Math.max(1e-9, totalEpochs - warmupEpochs)));
                yield base * (minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t)));
            }
            case STEP -> base * Math.pow(gamma, Math.floor(epoch / stepEpochs));
            case CONSTANT -> base;
        };
        if (epoch < warmupEpochs) {
            lr *= WARMUP_START + (1 - WARMUP_START) * epoch / warmupEpochs;
        }
        return lr;
    }
}
