package org.lumen.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.lumen.core.image.ImageDecoder;

/**
 * What this process is running, kept in a small file for the {@code lumen} launcher: if the native engine kills
 * the JVM (a fatal signal inside libtorch), the launcher reads it and prints one {@code error:} line naming the
 * model and the input instead of the JVM's crash banner. The file is the system property {@code lumen.running}
 * (the launcher sets it); without it nothing is written. Two lines: the model, then the input last read.
 */
final class Running {
    private static final String PROPERTY = "lumen.running";
    private static volatile String model = "";

    private Running() {}

    /** Records the model the command line names and starts following the inputs it reads. */
    static void start(String... args) {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        model = modelOf(List.of(args));
        write(Path.of(file), "");
        ImageDecoder.beforeEachRead(input -> write(Path.of(file), input.toString()));
    }

    /** {@code --model M}, or {@code --arch A} with its {@code --weights W}, or the command's name. */
    static String modelOf(List<String> args) {
        String m = value(args, "--model");
        if (m != null) {
            return m;
        }
        String arch = value(args, "--arch");
        String weights = value(args, "--weights");
        if (arch != null) {
            return weights == null ? arch : arch + " (" + weights + ")";
        }
        return args.isEmpty() ? "lumen" : "lumen " + args.get(0);
    }

    private static String value(List<String> args, String option) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(option) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (a.startsWith(option + "=")) {
                return a.substring(option.length() + 1);
            }
        }
        return null;
    }

    private static void write(Path file, String input) {
        try {
            java.nio.file.Files.writeString(file, model + "\n" + input + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // a record for a crash report is never worth failing the run for
        }
    }
}
