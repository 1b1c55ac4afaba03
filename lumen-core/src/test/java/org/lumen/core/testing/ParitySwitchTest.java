package org.lumen.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parity switch is decided in one place: {@link Python#paritySkipped()} / {@link Python#requireParity()}.
 * A test that reads the property itself can drift from it (YoloSegLossTest read {@code skipParity} instead of
 * {@code lumen.skipParity}; AttributionTest had its own skip logic), so this scans every module's test sources
 * for the property name and for JUnit's system-property conditions.
 */
class ParitySwitchTest {
    private static final Path TESTING = Path.of("src", "test", "java", "org", "lumen", "core", "testing");

    @Test
    void onlyPythonReadsTheParitySwitch() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")), "not a module of the Lumen build: " + root);
        List<Path> testTrees;
        try (Stream<Path> modules = Files.list(root)) {
            testTrees = modules.map(m -> m.resolve(Path.of("src", "test", "java"))).filter(Files::isDirectory).toList();
        }
        assertTrue(testTrees.size() >= 3, "expected the test trees of lumen-core, lumen-nn and lumen-cli: " + testTrees);
        Path testing = Path.of("").toAbsolutePath().resolve(TESTING);
        List<Path> exempt = List.of(testing.resolve("Python.java"), testing.resolve("ParitySwitchTest.java"));
        List<String> offenders = testTrees.stream().flatMap(ParitySwitchTest::javaFiles)
                .filter(f -> !exempt.contains(f))
                .filter(f -> {
                    String s = read(f);
                    return s.contains("skipParity") || s.contains("IfSystemProperty");
                })
                .map(f -> root.relativize(f).toString()).sorted().toList();
        assertEquals(List.of(), offenders, "use Python.requireParity() / Python.paritySkipped() instead");
    }

    private static Stream<Path> javaFiles(Path tree) {
        try (Stream<Path> files = Files.walk(tree)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
