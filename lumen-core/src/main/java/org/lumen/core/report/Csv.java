package org.lumen.core.report;

import org.lumen.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;

/**
 * CSV as RFC 4180 and pandas write it: comma-separated, a field holding a comma, a quote
 * or a line break is quoted with its quotes doubled, lines end in {@code \n}. Also writes the classification
 * {@code predictions.csv} contract (DESIGN.md section 3).
 */
public final class Csv {
    private Csv() {}

    /** {@code field}, quoted if it needs to be. */
    public static String field(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    /** One line: the quoted fields joined by commas, ending in a newline. */
    public static String row(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (String f : fields) {
            line.append(line.length() == 0 ? "" : ",").append(field(f));
        }
        return line.append('\n').toString();
    }

    /**
     * Splits CSV text into rows of fields, undoing the quoting of {@link #field}; accepts {@code \r\n} line
     * ends and ignores a missing final newline. {@code source} names the text in errors.
     *
     * @throws LumenException if a quoted field is not closed, or a quote is followed by other text
     */
    public static List<List<String>> parse(String text, Path source) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c == '"' && f.length() == 0) {
                int start = line;
                while (true) {
                    if (i >= text.length()) {
                        throw new LumenException(source, "line " + start + ": quoted field is never closed");
                    }
                    char q = text.charAt(i++);
                    if (q == '"' && i < text.length() && text.charAt(i) == '"') {
                        i++;
                    } else if (q == '"') {
                        break;
                    } else if (q == '\n') {
                        line++;
                    }
                    f.append(q);
                }
                if (i < text.length() && ",\r\n".indexOf(text.charAt(i)) < 0) {
                    throw new LumenException(source, "line " + line + ": text after a closing quote");
                }
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
                    i++;
                }
                row.add(f.toString());
                rows.add(row);
                row = new ArrayList<>();
                f.setLength(0);
                line++;
            } else {
                f.append(c);
            }
        }
        if (f.length() > 0 || !row.isEmpty()) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }

    /**
     * Writes {@code predictions.csv}: header {@code image,label,predicted,p_<class>...}, then one row per image
     * with the true and predicted class names and the probability of every class. Written atomically.
     *
     * @param images        image paths as the user should see them
     * @param labels        true class index per image
     * @param predicted     predicted class index per image (see {@link
     *                      org.lumen.core.metrics.ClassificationMetrics#predicted()})
     * @param probabilities {@code [images][classes]}
     * @throws IllegalArgumentException if the lengths disagree
     */
    public static void writePredictions(Path file, List<String> classes, List<String> images, int[] labels,
                                        int[] predicted, float[][] probabilities) throws IOException {
        int n = images.size();
        if (labels.length != n || predicted.length != n || probabilities.length != n) {
            throw new IllegalArgumentException("need one label, prediction and probability row per image: " + n
                    + " images, " + labels.length + " labels, " + predicted.length + " predictions, "
                    + probabilities.length + " rows");
        }
        List<String> header = new ArrayList<>(List.of("image", "label", "predicted"));
        classes.forEach(c -> header.add("p_" + c));
        StringBuilder csv = new StringBuilder(row(header));
        for (int i = 0; i < n; i++) {
            if (probabilities[i].length != classes.size()) {
                throw new IllegalArgumentException("probability row " + i + " has " + probabilities[i].length
                        + " entries for " + classes.size() + " classes");
            }
            List<String> fields = new ArrayList<>(List.of(images.get(i), classes.get(labels[i]), classes.get(predicted[i])));
            for (float p : probabilities[i]) {
                fields.add(Float.toString(p));
            }
            csv.append(row(fields));
        }
        AtomicFiles.writeString(file, csv.toString());
    }
}
