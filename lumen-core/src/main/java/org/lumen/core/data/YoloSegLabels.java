package org.lumen.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lumen.core.geometry.Polygons;
import org.lumen.core.io.AtomicFiles;

/**
 * YOLO segmentation label files as Ultralytics reads them: one object per line,
 * {@code class x1 y1 x2 y2 ... xn yn}, the class a 0-based index and the outline's points as fractions of the
 * image width and height, at least 3 points. An empty file (or none) means no objects.
 */
public final class YoloSegLabels {
    private YoloSegLabels() {}

    /** One labelled object: its class and its outline {@code [x1, y1, ...]} normalised to [0, 1]. */
    public record Instance(int classId, double[] xy) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Instance i && i.classId == classId && java.util.Arrays.equals(i.xy, xy);
        }

        @Override
        public int hashCode() {
            return classId * 31 + java.util.Arrays.hashCode(xy);
        }

        @Override
        public String toString() {
            return "Instance[" + classId + ", " + java.util.Arrays.toString(xy) + "]";
        }
    }

    /**
     * Reads one label file, checking every line.
     *
     * @throws org.lumen.core.LumenException listing every faulty line as {@code file:line: what}
     */
    public static List<Instance> read(Path file, int classCount) throws IOException {
        Faults faults = new Faults(file);
        List<Instance> labels = read(file, file.getFileName().toString(), classCount, null, faults);
        faults.throwIfAny();
        return labels;
    }

    /**
     * Reads {@code file}, recording its faults at {@code name:line}. Checked: a whole class number in
     * [0, classCount), numbers, an even count of coordinates, at least 3 points, coordinates in [0, 1], at least
     * 3 distinct points, no self-intersection ({@link Polygons#selfIntersection}), and a positive area.
     *
     * @param changes {@code null} to report coordinates outside [0, 1] and outlines without area as faults; else
     *     such coordinates are clipped into [0, 1], outlines left without area (or that had none) dropped, and
     *     one line per change added here, as {@code name:line: what was done}. Other faults remain faults.
     */
    static List<Instance> read(Path file, String name, int classCount, List<String> changes, Faults faults)
            throws IOException {
        List<Instance> labels = new ArrayList<>();
        YoloLabels.forEachLine(file, name, (where, line, fields) -> {
            Integer classId = YoloLabels.classId(fields[0], classCount, where, faults);
            double[] xy = new double[fields.length - 1];
            boolean numbers = true;
            for (int k = 0; k < xy.length; k++) {
                try {
                    xy[k] = Double.parseDouble(fields[k + 1]);
                } catch (NumberFormatException e) {
                    xy[k] = Double.NaN;
                }
                if (!Double.isFinite(xy[k])) {
                    faults.add(where, (k % 2 == 0 ? "x" : "y") + (k / 2 + 1) + " should be a number, found '"
                            + fields[k + 1] + "'");
                    numbers = false;
                    break;
                }
            }
            if (!numbers) {
                return;
            }
            if (xy.length % 2 != 0) {
                faults.add(where, "odd number of coordinates (" + xy.length + "): expected 'class x1 y1 x2 y2 ..."
                        + " xn yn'");
                return;
            }
            if (xy.length < 6) {
                faults.add(where, "polygon has " + xy.length / 2 + (xy.length == 2 ? " point" : " points")
                        + ", needs at least 3" + (xy.length == 4 ? " (a detection box 'class cx cy w h'?)" : ""));
                return;
            }
            int outside = 0;
            String firstOutside = null;
            for (int k = 0; k < xy.length; k++) {
                if (xy[k] < 0 || xy[k] > 1) {
                    if (outside++ == 0) {
                        firstOutside = (k % 2 == 0 ? "x" : "y") + (k / 2 + 1) + " " + fields[k + 1];
                    }
                    xy[k] = Math.min(1, Math.max(0, xy[k]));
                }
            }
            if (outside > 0 && changes == null) {
                faults.add(where, firstOutside + " outside [0, 1]"
                        + (outside > 1 ? " (and " + (outside - 1) + " more coordinates)" : ""));
                return;
            }
            if (outside > 0) {
                changes.add(where + ": clipped " + outside + (outside == 1 ? " coordinate" : " coordinates")
                        + " into [0, 1] (first " + firstOutside + ")");
            }
            String fault = Polygons.fault(xy);
            if (fault != null && fault.startsWith("degenerate") && changes != null) {
                changes.add(where + ": dropped " + fault + (outside > 0 ? " after clipping" : ""));
                return;
            }
            if (fault != null) {
                faults.add(where, fault);
                return;
            }
            if (classId != null) {
                labels.add(new Instance(classId, xy));
            }
        });
        return labels;
    }

    /** Writes {@code labels} to {@code file} atomically, six decimals per coordinate (an empty file for none). */
    public static void write(Path file, List<Instance> labels) throws IOException {
        AtomicFiles.writeString(file, format(labels));
    }

    /** The text of a label file. */
    public static String format(List<Instance> labels) {
        StringBuilder text = new StringBuilder();
        for (Instance l : labels) {
            text.append(l.classId());
            for (double v : l.xy()) {
                text.append(String.format(Locale.ROOT, " %.6f", v));
            }
            text.append('\n');
        }
        return text.toString();
    }
}
