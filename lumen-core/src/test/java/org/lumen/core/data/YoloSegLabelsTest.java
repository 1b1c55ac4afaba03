package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

class YoloSegLabelsTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return Files.writeString(dir.resolve("a.txt"), String.join("\n", lines));
    }

    @Test
    void everyBadLineIsReportedWithFileAndLine() throws IOException {
        Path file = file(
                "0 0.1 0.1 0.9 0.1 0.5 0.9",
                "",
                "0 0.1 0.1 0.9 0.1 0.5",
                "1 0.5 0.5 0.2 0.2",
                "2 0.1 0.1 0.9 0.1 0.5 0.9",
                "0 0.1 0.1 1.5 0.1 0.5 -0.2",
                "0 0.1 0.1 0.1 0.1 0.1 0.1",
                "0 0.1 0.1 0.2 0.2 0.3 0.3",
                "0 0.1 0.1 0.9 0.9 0.9 0.1 0.1 0.9",
                "0 0.1 x 0.9 0.1 0.5 0.9",
                "x 0.1 0.1 0.9 0.1 0.5 0.9");
        LumenException e = assertThrows(LumenException.class, () -> YoloSegLabels.read(file, 2));
        assertEquals(file.toString(), e.source());
        assertEquals(List.of(
                "9 faults",
                "  a.txt:3: odd number of coordinates (5): expected 'class x1 y1 x2 y2 ... xn yn'",
                "  a.txt:4: polygon has 2 points, needs at least 3 (a detection box 'class cx cy w h'?)",
                "  a.txt:5: class 2 out of range [0, 2)",
                "  a.txt:6: x2 1.5 outside [0, 1] (and 1 more coordinates)",
                "  a.txt:7: degenerate polygon: fewer than 3 distinct points",
                "  a.txt:8: degenerate polygon: zero area",
                "  a.txt:9: self-intersecting polygon: edge 0 (point 0 to 1) crosses edge 2 (point 2 to 3)",
                "  a.txt:10: y1 should be a number, found 'x'",
                "  a.txt:11: class should be a whole number, found 'x'"), e.getMessage().lines().toList());
    }

    @Test
    void fixingClipsIntoTheImageAndDropsOutlinesWithoutArea() throws IOException {
        Path file = file("0 0.1 0.1 1.5 0.1 0.5 -0.2", "1 0.1 0.1 0.2 0.2 0.3 0.3", "1 1.2 0.1 1.3 0.5 1.1 0.9");
        List<String> changes = new ArrayList<>();
        Faults faults = new Faults(file);
        List<YoloSegLabels.Instance> labels = YoloSegLabels.read(file, "a.txt", 2, changes, faults);
        assertEquals(true, faults.isEmpty());
        assertEquals(1, labels.size());
        assertArrayEquals(new double[] {0.1, 0.1, 1, 0.1, 0.5, 0}, labels.get(0).xy(), 0);
        assertEquals(List.of(
                "a.txt:1: clipped 2 coordinates into [0, 1] (first x2 1.5)",
                "a.txt:2: dropped degenerate polygon: zero area",
                "a.txt:3: clipped 3 coordinates into [0, 1] (first x1 1.2)",
                "a.txt:3: dropped degenerate polygon: zero area after clipping"), changes);
    }

    @Test
    void labelsRoundTripAtSixDecimals() throws IOException {
        List<YoloSegLabels.Instance> labels = List.of(
                new YoloSegLabels.Instance(1, new double[] {0.25, 0.5, 0.75, 0.5, 0.5, 0.125}),
                new YoloSegLabels.Instance(0, new double[] {0, 0, 1, 0, 1, 1, 0, 1}));
        Path file = dir.resolve("labels/x.txt");
        YoloSegLabels.write(file, labels);
        assertEquals("1 0.250000 0.500000 0.750000 0.500000 0.500000 0.125000", Files.readAllLines(file).get(0));
        assertEquals(labels, YoloSegLabels.read(file, 2));
    }
}
