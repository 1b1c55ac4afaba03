package org.lumen.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.lumen.core.io.AtomicFiles;

/**
 * An Ultralytics dataset config ({@code data.yaml}): the dataset root, the image folder of each split
 * relative to it, and the class names.
 *
 * <p>Only the subset of YAML these files use is read: top-level {@code key: value} lines, {@code #} comments,
 * quoted or plain scalars, and {@code names} as a block list ({@code - a}), a block map ({@code 0: a}), or a
 * flow list ({@code [a, b]}). Other keys (e.g. {@code download}) are skipped with their indented lines.
 *
 * @param path  dataset root as written; {@code null} means the folder holding the file
 * @param train image folder of the training split, relative to the root
 * @param val   image folder of the validation split
 * @param test  image folder of the test split, or {@code null}
 * @param names class names, index = class id
 */
public record DataYaml(String path, String train, String val, String test, List<String> names) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./-]+");

    public DataYaml {
        names = List.copyOf(names);
    }

    /** The number of classes ({@code nc}). */
    public int nc() {
        return names.size();
    }

    /** The dataset root: {@code path} resolved against the folder of {@code yamlFile} (Lumen's rule). */
    public Path root(Path yamlFile) {
        Path folder = yamlFile.toAbsolutePath().getParent();
        return path == null ? folder : folder.resolve(path);
    }

    /**
     * Reads {@code file}, reporting every fault with its line: missing {@code train}/{@code val}/{@code names},
     * malformed lines, and an {@code nc} that disagrees with the names.
     */
    public static DataYaml read(Path file) throws IOException {
        Faults faults = new Faults(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        TreeMap<String, String> values = new TreeMap<>();
        TreeMap<Integer, String> names = new TreeMap<>();
        int ncLine = 0;
        String key = null;
        for (int n = 0; n < lines.size(); n++) {
            String raw = stripComment(lines.get(n));
            String where = file.getFileName() + ":" + (n + 1);
            if (raw.isBlank()) {
                continue;
            }
            boolean indented = Character.isWhitespace(raw.charAt(0));
            String line = raw.strip();
            if (indented && "names".equals(key)) {
                if (line.startsWith("- ")) {
                    names.put(names.size(), scalar(line.substring(2)));
                } else if (line.matches("\\d+\\s*:.*")) {
                    int colon = line.indexOf(':');
                    names.put(Integer.parseInt(line.substring(0, colon).strip()), scalar(line.substring(colon + 1)));
                } else {
                    faults.add(where, "expected '- name' or 'index: name' under names, found '" + line + "'");
                }
                continue;
            }
            if (indented) {
                continue; // the body of a key we do not read
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                faults.add(where, "expected 'key: value', found '" + line + "'");
                continue;
            }
            key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("names") && value.startsWith("[") && value.endsWith("]")) {
                for (String name : value.substring(1, value.length() - 1).split(",")) {
                    if (!name.isBlank()) {
                        names.put(names.size(), scalar(name));
                    }
                }
            } else if (!value.isEmpty()) {
                values.put(key, scalar(value));
                ncLine = key.equals("nc") ? n + 1 : ncLine;
            }
        }
        for (String required : List.of("train", "val")) {
            if (!values.containsKey(required)) {
                faults.add(file.getFileName().toString(), "missing '" + required + ":'");
            }
        }
        if (names.isEmpty()) {
            faults.add(file.getFileName().toString(), "missing 'names:' (the class names)");
        } else if (names.firstKey() != 0 || names.lastKey() != names.size() - 1) {
            faults.add(file.getFileName().toString(), "names must be numbered 0.." + (names.size() - 1) + ": " + names.keySet());
        }
        if (values.containsKey("nc") && !values.get("nc").equals(Integer.toString(names.size()))) {
            faults.add(file.getFileName() + ":" + ncLine, "nc " + values.get("nc") + " but " + names.size() + " names");
        }
        faults.throwIfAny();
        return new DataYaml(values.get("path"), values.get("train"), values.get("val"), values.get("test"),
                new ArrayList<>(names.values()));
    }

    /** Writes this config atomically, names as a block map as Ultralytics writes them. */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder("# Ultralytics dataset config, written by Lumen\n");
        if (path != null) {
            text.append("path: ").append(quote(path)).append('\n');
        }
        text.append("train: ").append(quote(train)).append('\n');
        text.append("val: ").append(quote(val)).append('\n');
        if (test != null) {
            text.append("test: ").append(quote(test)).append('\n');
        }
        text.append("nc: ").append(names.size()).append("\nnames:\n");
        for (int k = 0; k < names.size(); k++) {
            text.append("  ").append(k).append(": ").append(quote(names.get(k))).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> {
            out.write(bytes);
        });
    }

    private static String quote(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "''") + "'";
    }

    private static String scalar(String text) {
        String v = text.strip();
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            return v.substring(1, v.length() - 1).replace("''", "'");
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    /** The line without a {@code #} comment; a {@code #} inside quotes or inside a word is kept. */
    private static String stripComment(String line) {
        char quote = 0;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (k == 0 || Character.isWhitespace(line.charAt(k - 1)))) {
                return line.substring(0, k);
            }
        }
        return line;
    }
}
