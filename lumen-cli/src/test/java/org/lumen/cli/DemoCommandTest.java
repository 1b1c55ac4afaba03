package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lumen.nn.train.TrainConfig;

/** The demo's own settings are valid for every epoch count it accepts. */
class DemoCommandTest {
    /** {@code lumen demo --epochs 1} failed with "--warmup: must be in [0, epochs), got 1.0", an option never given. */
    @Test
    void oneEpochRunHasNoWarmUp() {
        TrainConfig one = DemoCommand.classifierConfig(1, 0);
        assertEquals(0.0, one.warmupEpochs());
        assertEquals(1.0, DemoCommand.classifierConfig(8, 0).warmupEpochs());
    }
}
