package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of lumen-core's bad-image corpus (listed afresh, so new files are covered) through {@code predict}
 * and {@code train}: exit 2 and one {@code error:} line naming the file and its fault (bad.expected).
 */
class BadImageCorpusTest {
    static final Path CORPUS = Path.of("../lumen-core/src/test/resources/corpus/bad");

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws IOException {
        model = TestModels.save(dir.resolve("model"), List.of("clumpy", "smooth"));
    }

    static List<Path> corpus() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
            assertTrue(files.size() >= 12, "corpus at " + CORPUS.toAbsolutePath() + ": " + files);
            return files;
        }
    }

    /** bad.expected: file name to the fragment its error message must contain. */
    static Map<String, String> expected() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS.resolveSibling("bad.expected"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf(" = ");
                m.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void predictNamesTheFileAndItsFault(Path file) throws IOException {
        String fault = expected().get(file.getFileName().toString());
        assertNotNull(fault, "no line for " + file.getFileName() + " in bad.expected");
        Cli.assertBadInput(Cli.run("predict", "--model", model, "--json", file), file.toString(), fault);
    }

    @Test
    void aHundredThousandPixelSquarePngIsRefusedFromItsHeader() {
        Path huge = CORPUS.resolve("huge-ihdr.png");
        Cli.assertBadInput(Cli.run("predict", "--model", model, huge), huge.toString(),
                "image is 100000 x 100000", "above the limit of 100 megapixels");
    }

    @Test
    void trainingDataWithABadImageLeavesNoRunFolder() throws IOException {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 40, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        Path bad = dir.resolve("survey/classify/train/smooth/zz-truncated.png");
        Files.copy(CORPUS.resolve("truncated.png"), bad);
        Path run = dir.resolve("run");
        Cli.assertBadInput(Cli.run("train", "--data", dir.resolve("survey/classify"), "--arch", "resnet18", "--imgsz", 32,
                "--epochs", 1, "--out", run), bad.toString(), expected().get("truncated.png"));
        assertFalse(Files.exists(run));
    }
}
