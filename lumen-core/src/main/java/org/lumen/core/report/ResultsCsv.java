package org.lumen.core.report;

import org.lumen.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;

/**
 * A training run's {@code RUN/results.csv} (DESIGN.md section 3): header {@code epoch,<columns>...}, then one
 * row per finished epoch, epochs numbered from 1 without gaps.
 *
 * <p>A resumed run {@linkplain #open opens} the existing file, which must have the same columns, and
 * {@linkplain #append appends} from the epoch after its last one: repeating or skipping an epoch is refused.
 * Each append rewrites the whole file atomically, so a crash leaves the file as it was before or after the
 * epoch, never half a row.
 */
public final class ResultsCsv {
    private final Path file;
    private final List<String> columns;
    private final List<double[]> rows;
    private final StringBuilder text;

    private ResultsCsv(Path file, List<String> columns, List<double[]> rows, StringBuilder text) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
        this.text = text;
    }

    /**
     * Opens {@code file} for a run that logs {@code columns} (after {@code epoch}) each epoch: reads it if it
     * exists, else starts an empty one (the file is written at the first {@link #append}).
     *
     * @throws LumenException if the existing file is malformed or its header is not {@code epoch,<columns>}
     */
    public static ResultsCsv open(Path file, List<String> columns) throws IOException {
        if (columns.isEmpty() || columns.contains("epoch") || columns.stream().distinct().count() != columns.size()) {
            throw new IllegalArgumentException("columns must be distinct, non-empty and not 'epoch': " + columns);
        }
        if (!Files.exists(file)) {
            return new ResultsCsv(file, List.copyOf(columns), new ArrayList<>(), new StringBuilder(Csv.row(header(columns))));
        }
        ResultsCsv existing = read(file);
        if (!existing.columns.equals(columns)) {
            throw new LumenException(file, "columns are " + header(existing.columns) + " but this run logs "
                    + header(columns) + "; resume with the same settings or write to a new run folder");
        }
        return existing;
    }

    /**
     * Reads an existing {@code results.csv}, e.g. to plot it.
     *
     * @throws LumenException if the header does not start with {@code epoch}, a row has the wrong number of
     *                        fields or a value that is not a number, or epochs are not 1, 2, 3, ...
     */
    public static ResultsCsv read(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        List<List<String>> table = Csv.parse(content, file);
        if (table.isEmpty() || table.get(0).size() < 2 || !table.get(0).get(0).equals("epoch")) {
            throw new LumenException(file, "line 1: header must be epoch followed by at least one column");
        }
        List<String> columns = List.copyOf(table.get(0).subList(1, table.get(0).size()));
        List<double[]> rows = new ArrayList<>();
        for (int r = 1; r < table.size(); r++) {
            List<String> fields = table.get(r);
            String where = "line " + (r + 1) + ": ";
            if (fields.size() != columns.size() + 1) {
                throw new LumenException(file, where + fields.size() + " fields, the header has " + (columns.size() + 1));
            }
            if (!fields.get(0).equals(Integer.toString(r))) {
                throw new LumenException(file, where + "epoch " + fields.get(0) + " where epoch " + r + " belongs");
            }
            double[] values = new double[columns.size()];
            for (int c = 0; c < values.length; c++) {
                try {
                    values[c] = Double.parseDouble(fields.get(c + 1));
                } catch (NumberFormatException e) {
                    throw new LumenException(file, where + columns.get(c) + " '" + fields.get(c + 1) + "' is not a number");
                }
            }
            rows.add(values);
        }
        StringBuilder text = new StringBuilder(content);
        if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
        return new ResultsCsv(file, columns, rows, text);
    }

    private static List<String> header(List<String> columns) {
        List<String> header = new ArrayList<>(columns.size() + 1);
        header.add("epoch");
        header.addAll(columns);
        return header;
    }

    /**
     * Appends epoch {@code epoch}'s {@code values} (one per column, by name) and rewrites the file atomically.
     *
     * @throws LumenException if {@code epoch} is not {@link #lastEpoch()} + 1 (it would repeat or skip epochs)
     * @throws IllegalArgumentException if the names in {@code values} are not exactly the columns
     */
    public void append(int epoch, Map<String, ? extends Number> values) throws IOException {
        int expected = lastEpoch() + 1;
        if (epoch < expected) {
            throw new LumenException(file, "epoch " + epoch + " is already recorded (the file ends at epoch "
                    + lastEpoch() + "); a resumed run continues at epoch " + expected);
        }
        if (epoch > expected) {
            throw new LumenException(file, "epoch " + epoch + " would skip " + (epoch == expected + 1
                    ? "epoch " + expected : "epochs " + expected + "-" + (epoch - 1))
                    + " (the file ends at epoch " + lastEpoch() + ")");
        }
        if (!values.keySet().equals(new HashSet<>(columns))) {
            throw new IllegalArgumentException("values for " + values.keySet() + " but the columns are " + columns);
        }
        double[] row = new double[columns.size()];
        List<String> fields = new ArrayList<>(List.of(Integer.toString(epoch)));
        for (int c = 0; c < row.length; c++) {
            row[c] = values.get(columns.get(c)).doubleValue();
            fields.add(Double.toString(row[c]));
        }
        String updated = text + Csv.row(fields);
        AtomicFiles.writeString(file, updated);
        text.setLength(0);
        text.append(updated);
        rows.add(row);
    }

    /** The columns after {@code epoch}. */
    public List<String> columns() {
        return columns;
    }

    /** The last recorded epoch; 0 when none is. */
    public int lastEpoch() {
        return rows.size();
    }

    /** Column {@code name}'s value at epochs 1 to {@link #lastEpoch()}. */
    public double[] column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + columns);
        }
        return rows.stream().mapToDouble(r -> r[c]).toArray();
    }
}
