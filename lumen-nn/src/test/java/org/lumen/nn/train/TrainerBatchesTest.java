package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainerBatchesTest {
    @Test
    void aLastBatchOfOneSampleJoinsTheOneBefore() {
        assertEquals(2, EpochLoop.batches(17, 8)); // 8 + 9, not 8 + 8 + 1
        assertEquals(3, EpochLoop.batches(18, 8));
        assertEquals(2, EpochLoop.batches(16, 8));
        assertEquals(1, EpochLoop.batches(5, 8));
        assertEquals(1, EpochLoop.batches(1, 8));
        assertEquals(7, EpochLoop.batches(7, 1));
    }
}
