package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lumen.core.LumenException;

/**
 * Replays every file in {@code corpus/bad/} (listed at run time, so files added later are covered): each
 * must be refused with a {@link LumenException} whose message contains the fault recorded for it in
 * {@code corpus/bad.expected}, within seconds, and no other exception type may escape.
 */
class BadFileCorpusTest {
    private static final Duration QUICKLY = Duration.ofSeconds(3);

    @TestFactory
    Stream<DynamicTest> everyBadFileIsRefusedWithItsFault() throws IOException {
        Properties expected = expectations();
        return badFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String fault = expected.getProperty(file.getFileName().toString());
            if (fault == null) {
                throw new AssertionError("add the expected fault of " + file.getFileName() + " to corpus/bad.expected");
            }
            LumenException refused = assertTimeoutPreemptively(QUICKLY,
                    () -> assertThrows(LumenException.class, () -> ImageDecoder.read(file)));
            assertTrue(refused.getMessage().contains(fault),
                    "message \"" + refused.getMessage() + "\" should contain \"" + fault + "\"");
            assertEquals(file.toString(), refused.source());
        }));
    }

    @Test
    void everyExpectationHasItsFile() throws IOException {
        TreeSet<String> names = badFiles().stream().map(f -> f.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        for (String name : expectations().stringPropertyNames()) {
            assertTrue(names.contains(name), "corpus/bad.expected names " + name + ", which is not in corpus/bad/");
        }
    }

    @Test
    void hugeHeaderIsRefusedByThePixelLimitNotByMemory() throws IOException {
        Path huge = corpus().resolve("bad/huge-ihdr.png");
        assertTrue(Files.size(huge) < 100, "the corpus file is tiny; only its header claims 10^10 pixels");
        LumenException refused = assertThrows(LumenException.class, () -> ImageDecoder.read(huge));
        assertTrue(refused.getMessage().contains("above the limit of 100 megapixels"), refused.getMessage());
    }

    private static List<Path> badFiles() throws IOException {
        try (Stream<Path> files = Files.list(corpus().resolve("bad"))) {
            return files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    private static Properties expectations() throws IOException {
        Properties expected = new Properties();
        try (Reader in = Files.newBufferedReader(corpus().resolve("bad.expected"))) {
            expected.load(in);
        }
        return expected;
    }

    private static Path corpus() {
        try {
            return Path.of(BadFileCorpusTest.class.getResource("/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
