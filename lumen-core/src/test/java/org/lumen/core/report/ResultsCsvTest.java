package org.lumen.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

class ResultsCsvTest {
    private static final List<String> COLUMNS = List.of("train_loss", "lr", "val_accuracy");

    @TempDir
    Path dir;

    private static Map<String, Double> epochValues(double loss) {
        return Map.of("train_loss", loss, "lr", 1e-4, "val_accuracy", 1 - loss);
    }

    @Test
    void appendsAndResumesWhereItStopped() throws IOException {
        Path file = dir.resolve("results.csv");
        ResultsCsv first = ResultsCsv.open(file, COLUMNS);
        assertFalse(Files.exists(file), "nothing is written before the first epoch ends");
        first.append(1, epochValues(0.5));
        first.append(2, epochValues(0.25));

        ResultsCsv resumed = ResultsCsv.open(file, COLUMNS);
        assertEquals(2, resumed.lastEpoch());
        resumed.append(3, epochValues(0.125));
        assertEquals("epoch,train_loss,lr,val_accuracy\n1,0.5,1.0E-4,0.5\n2,0.25,1.0E-4,0.75\n3,0.125,1.0E-4,0.875\n",
                Files.readString(file));
        assertArrayEquals(new double[] {0.5, 0.25, 0.125}, ResultsCsv.read(file).column("train_loss"));
    }

    @Test
    void refusesToRepeatOrSkipAnEpoch() throws IOException {
        Path file = dir.resolve("results.csv");
        ResultsCsv results = ResultsCsv.open(file, COLUMNS);
        results.append(1, epochValues(0.5));
        results.append(2, epochValues(0.4));
        String before = Files.readString(file);
        LumenException repeat = assertThrows(LumenException.class, () -> ResultsCsv.open(file, COLUMNS).append(2, epochValues(0.3)));
        assertEquals("epoch 2 is already recorded (the file ends at epoch 2); a resumed run continues at epoch 3",
                repeat.getMessage());
        LumenException skip = assertThrows(LumenException.class, () -> results.append(5, epochValues(0.3)));
        assertEquals("epoch 5 would skip epochs 3-4 (the file ends at epoch 2)", skip.getMessage());
        assertEquals(before, Files.readString(file));
    }

    @Test
    void refusesAnotherRunsColumns() throws IOException {
        Path file = dir.resolve("results.csv");
        ResultsCsv.open(file, COLUMNS).append(1, epochValues(0.5));
        LumenException e = assertThrows(LumenException.class, () -> ResultsCsv.open(file, List.of("train_loss", "lr")));
        assertEquals(file.toString(), e.source());
        assertEquals("columns are [epoch, train_loss, lr, val_accuracy] but this run logs [epoch, train_loss, lr]; "
                + "resume with the same settings or write to a new run folder", e.getMessage());
    }

    @Test
    void refusesDamagedFiles() throws IOException {
        assertRefused("epoch,loss\n1,0.5\n3,0.4\n", "line 3: epoch 3 where epoch 2 belongs");
        assertRefused("epoch,loss\n1,0.5,7\n", "line 2: 3 fields, the header has 2");
        assertRefused("epoch,loss\n1,abc\n", "line 2: loss 'abc' is not a number");
        assertRefused("loss,epoch\n", "line 1: header must be epoch followed by at least one column");
    }

    private void assertRefused(String content, String message) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, content);
        assertEquals(message, assertThrows(LumenException.class, () -> ResultsCsv.read(file)).getMessage());
    }

    @Test
    void refusesValuesThatAreNotTheColumns() throws IOException {
        ResultsCsv results = ResultsCsv.open(dir.resolve("results.csv"), COLUMNS);
        assertThrows(IllegalArgumentException.class, () -> results.append(1, Map.of("train_loss", 1.0)));
    }
}
