package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules on the main sources that keep the library a library (issue 13): lumen-core and lumen-nn spell no
 * command-line flag (a setting's fault is {@code LumenException.setting("maxDet", ...)}, the CLI prints
 * {@code --max-det}), and no main source file is longer than 500 lines.
 */
class LibrarySourceRulesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FLAG = Pattern.compile("\"--[a-z]");

    @Test
    void theLibrarySpellsNoFlags() throws IOException {
        List<String> found = new ArrayList<>();
        for (String module : List.of("lumen-core", "lumen-nn")) {
            for (Path f : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (FLAG.matcher(lines.get(i)).find()) {
                        found.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "flag strings in library code");
    }

    @Test
    void noMainFileAbove500Lines() throws IOException {
        List<String> found = new ArrayList<>();
        for (String module : List.of("lumen-core", "lumen-nn", "lumen-cli", "benchmarks")) {
            for (Path f : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
                long n = Files.readAllLines(f).size();
                if (n > 500) {
                    found.add(ROOT.relativize(f) + ": " + n + " lines");
                }
            }
        }
        assertEquals(List.of(), found, "main source files above 500 lines");
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
