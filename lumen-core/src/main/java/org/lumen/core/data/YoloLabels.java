package org.lumen.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lumen.core.io.AtomicFiles;

/**
 * YOLO label files: one object per line, {@code class cx cy w h}, the class a 0-based index and the box
 * centre and size as fractions of the image width and height. An empty file (or none) means no objects.
 */
public final class YoloLabels {
    private YoloLabels() {}

    /** One labelled object: box centre and size normalised to [0, 1]. */
    public record Label(int classId, double cx, double cy, double width, double height) {}

    /**
     * Reads one label file, checking every line: five fields, a whole class number in [0, classCount),
     * coordinates in [0, 1], positive width and height.
     *
     * @throws org.lumen.core.LumenException listing every faulty line as {@code file:line: what}
     */
    public static List<Label> read(Path file, int classCount) throws IOException {
        Faults faults = new Faults(file);
        List<Label> labels = read(file, file.getFileName().toString(), classCount, faults);
        faults.throwIfAny();
        return labels;
    }

    /** Reads {@code file}, recording its faults at {@code name:line} in {@code faults}. */
    static List<Label> read(Path file, String name, int classCount, Faults faults) throws IOException {
        List<Label> labels = new ArrayList<>();
        forEachLine(file, name, (where, line, fields) -> {
            if (fields.length != 5) {
                faults.add(where, "expected 5 fields 'class cx cy w h', found " + fields.length + ": " + line);
                return;
            }
            Integer classId = classId(fields[0], classCount, where, faults);
            double[] box = new double[4];
            boolean ok = classId != null;
            for (int k = 0; k < 4; k++) {
                box[k] = coordinate(fields[k + 1], COORDINATE_NAMES[k], k >= 2, where, faults);
                ok &= !Double.isNaN(box[k]);
            }
            if (ok) {
                labels.add(new Label(classId, box[0], box[1], box[2], box[3]));
            }
        });
        return labels;
    }

    /** One non-empty line of a YOLO label file: where it is ({@code name:line}), its text and its fields. */
    @FunctionalInterface
    interface LineReader {
        void read(String where, String line, String[] fields);
    }

    /** Calls {@code reader} for each non-empty line of {@code file} (stripped, split at white space). */
    static void forEachLine(Path file, String name, LineReader reader) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (!line.isEmpty()) {
                reader.read(name + ":" + (n + 1), line, line.split("\\s+"));
            }
        }
    }

    /** Writes {@code labels} to {@code file} atomically, six decimals per coordinate (an empty file for none). */
    public static void write(Path file, List<Label> labels) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Label l : labels) {
            text.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f%n", l.classId(), l.cx(), l.cy(),
                    l.width(), l.height()));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> {
            out.write(bytes);
        });
    }

    private static final String[] COORDINATE_NAMES = {"cx", "cy", "w", "h"};

    static Integer classId(String field, int classCount, String where, Faults faults) {
        try {
            int id = Integer.parseInt(field);
            if (id >= 0 && id < classCount) {
                return id;
            }
            faults.add(where, "class " + id + " out of range [0, " + classCount + ")");
        } catch (NumberFormatException e) {
            faults.add(where, "class should be a whole number, found '" + field + "'");
        }
        return null;
    }

    /** The coordinate, or NaN after recording a fault. */
    private static double coordinate(String field, String name, boolean size, String where, Faults faults) {
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            faults.add(where, name + " should be a number, found '" + field + "'");
            return Double.NaN;
        }
        if (!(v >= 0 && v <= 1)) {
            faults.add(where, name + " " + field + " outside [0, 1]");
            return Double.NaN;
        }
        if (size && v == 0) {
            faults.add(where, name + " is 0: a box needs a positive size");
            return Double.NaN;
        }
        return v;
    }
}
