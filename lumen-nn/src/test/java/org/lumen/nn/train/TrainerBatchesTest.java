package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainerBatchesTest {
    @Test
    void aLastBatchOfOneSampleJoinsTheOneBefore() {
        assertEquals(2, Trainer.batches(17, 8)); // 8 + 9, not 8 + 8 + 1
        assertEquals(3, Trainer.batches(18, 8));
        assertEquals(2, Trainer.batches(16, 8));
        assertEquals(1, Trainer.batches(5, 8));
        assertEquals(1, Trainer.batches(1, 8));
        assertEquals(7, Trainer.batches(7, 1));
    }
}
