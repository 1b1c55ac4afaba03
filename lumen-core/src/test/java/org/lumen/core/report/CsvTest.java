package org.lumen.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.testing.Python;

class CsvTest {
    @TempDir
    Path dir;

    @Test
    void quotesOnlyWhatNeedsIt() {
        assertEquals("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n",
                Csv.row(List.of("plain", "a,b", "say \"hi\"", "two\nlines", "")));
    }

    @Test
    void parseUndoesRow() {
        List<String> fields = List.of("x", "a,b", "say \"hi\"", "two\r\nlines", "", "é");
        String text = Csv.row(fields) + Csv.row(List.of("1", "2", "3", "4", "5", "6"));
        assertEquals(List.of(fields, List.of("1", "2", "3", "4", "5", "6")), Csv.parse(text, Path.of("t.csv")));
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), Csv.parse("a,b\r\nc,d", Path.of("t.csv")));
    }

    @Test
    void parseNamesMalformedQuoting() {
        LumenException open = assertThrows(LumenException.class, () -> Csv.parse("a,b\n\"c,d\n", Path.of("t.csv")));
        assertEquals("t.csv: line 2: quoted field is never closed", open.line());
        LumenException after = assertThrows(LumenException.class, () -> Csv.parse("\"a\"b,c\n", Path.of("t.csv")));
        assertTrue(after.getMessage().contains("text after a closing quote"));
    }

    /** Python's csv module reads back image paths with commas and quotes, and the class-name columns. */
    @Test
    void predictionsReadByPython() throws IOException {
        Path file = dir.resolve("predictions.csv");
        Csv.writePredictions(file, List.of("healthy", "tb"), List.of("test/tb/a,b \"1\".png", "test/healthy/c.png"),
                new int[] {1, 0}, new int[] {1, 1}, new float[][] {{0.25f, 0.75f}, {0.4f, 0.6f}});
        String out = Python.run(dir, String.join("\n",
                "import csv",
                "rows = list(csv.reader(open('predictions.csv', newline='')))",
                "print(repr(rows))"));
        assertEquals("[['image', 'label', 'predicted', 'p_healthy', 'p_tb'], "
                + "['test/tb/a,b \"1\".png', 'tb', 'tb', '0.25', '0.75'], "
                + "['test/healthy/c.png', 'healthy', 'tb', '0.4', '0.6']]", out.strip());
        assertTrue(Files.readString(file).startsWith("image,label,predicted,p_healthy,p_tb\n"));
    }
}
