package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Progress off a terminal: in-epoch lines ({@code epoch E/N:} with images done, share, images/s, loss, lr, ETA) at
 * most once per interval and never for the epoch's last batch (the epoch line follows), so the per-epoch line
 * ({@code epoch E/N <time> ...}) stays the only line that starts {@code "epoch E/N "}.
 */
class ProgressTest {
    private static List<String> lines(double seconds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, seconds);
        p.startEpoch(2, 5, 4);
        for (int b = 1; b <= 4; b++) {
            p.batch(b, Math.min(10, b * 3), 10, 0.5, 1e-3);
        }
        p.endEpoch(2, Map.of("train_loss", 0.5), false);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void everyBatchButTheLastGetsALineAtIntervalZero() {
        List<String> lines = lines(0);
        assertEquals(4, lines.size(), lines::toString);
        for (int b = 1; b <= 3; b++) {
            String line = lines.get(b - 1);
            assertTrue(line.matches("epoch 2/5: " + b * 3 + "/10 images \\(" + 100 * b / 4 + "%\\), [0-9.]+ images/s,"
                    + " loss 0\\.5000, lr 1\\.00e-03, ETA \\d+:\\d\\d"), line);
        }
        assertTrue(lines.get(3).startsWith("epoch 2/5 0:0"), lines.get(3));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("epoch 2/5 ")).count());
    }

    @Test
    void aLongIntervalLeavesOnlyTheEpochLine() {
        List<String> lines = lines(3600);
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("epoch 2/5 "), lines.get(0));
    }
}
