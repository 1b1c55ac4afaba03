package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad weights, data, options and folders: exit 2, one {@code error:} line naming the file or option and the
 * fault, no stack trace, and no output folder left behind (or the existing one untouched).
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;
    static Path image;

    @BeforeAll
    static void surveyAndModel() throws IOException {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 40, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        data = dir.resolve("survey/classify");
        model = TestModels.save(dir.resolve("model"), List.of("clumpy", "smooth"));
        image = ClassifyWorkflowTest.list(data.resolve("test/clumpy")).get(0);
    }

    static Cli.Result predictBare(Path weights) {
        return Cli.run("predict", "--arch", "resnet18", "--weights", weights, "--classes", 2, "--imgsz", 32, image);
    }

    @Test
    void weightsOfAnotherShapeNameTheTensorAndBothShapes() throws IOException {
        Path three = TestModels.save(dir.resolve("three"), List.of("a", "b", "c")).resolve("weights.safetensors");
        Cli.assertBadInput(predictBare(three), three.toString(), "weights do not fit resnet18",
                "fc.weight has shape [3, 512] in the file but [2, 512] in resnet18", "fc.bias has shape [3]");
    }

    @Test
    void safetensorsWithABrokenHeader() throws IOException {
        Path shortFile = Files.write(dir.resolve("short.safetensors"), new byte[] {16, 0, 0});
        Cli.assertBadInput(predictBare(shortFile), shortFile.toString(), "not a safetensors file", "shorter than its header");
        Path cut = write("cut.safetensors", 7, "{\"a\":{\"");
        Cli.assertBadInput(predictBare(cut), cut.toString(), "safetensors header is not valid JSON");
        Path tooLong = write("long.safetensors", 65535, "{}");
        Cli.assertBadInput(predictBare(tooLong), tooLong.toString(), "header length 65535 is out of range", "file has 10 bytes");
    }

    /** A safetensors file whose 8-byte little-endian header length is {@code length}, followed by {@code header}. */
    static Path write(String name, long length, String header) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(h);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test
    void anEmptyClassFolderIsNamed() throws IOException {
        Path copy = dir.resolve("empty-class");
        copyTree(data, copy);
        Path smooth = copy.resolve("train/smooth");
        try (Stream<Path> s = Files.list(smooth)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Path run = dir.resolve("run-empty-class");
        Cli.assertBadInput(Cli.run("train", "--data", copy, "--arch", "resnet18", "--imgsz", 32, "--epochs", 1, "--out", run),
                smooth.toString(), "class folder has no images");
        assertFalse(Files.exists(run));
    }

    @Test
    void anUnknownArchitectureSuggestsTheNearest() {
        Path run = dir.resolve("run-arch");
        Cli.assertBadInput(Cli.run("train", "--data", data, "--arch", "resnet19", "--out", run), "--arch",
                "unknown architecture 'resnet19'", "did you mean resnet18");
        Cli.assertBadInput(Cli.run("predict", "--arch", "resnet19", "--weights", model.resolve("weights.safetensors"),
                "--classes", 2, image), "--arch", "did you mean resnet18");
        assertFalse(Files.exists(run));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--epochs, 0, must be between 1 and 100000, got 0", "--imgsz, 5, must be between 16 and 4096, got 5",
        "--batch, 0, must be between 1 and 4096, got 0", "--folds, 1, must be 0 (off) or between 2 and 50, got 1"})
    void anOutOfRangeOptionIsNamed(String option, String value, String message) {
        Path run = dir.resolve("run-range");
        Cli.assertBadInput(Cli.run("train", "--data", data, "--arch", "resnet18", option, value, "--out", run), option, message);
        assertFalse(Files.exists(run));
    }

    @Test
    void anUnknownOptionSuggestsTheNearest() {
        Cli.assertBadInput(Cli.run("train", "--data", data, "--arch", "resnet18", "--epoch", 3, "--out", dir.resolve("x")),
                "--epoch", "unknown option; did you mean --epochs?", "see 'lumen train --help'");
        Cli.assertBadInput(Cli.run("predcit", image), "predcit", "unknown command; did you mean predict?");
        // picocli also offered "compare" (shared letter pairs); only the fewest edits are kept, a swap being one
        assertEquals(List.of("predict"), Main.nearest("predcit", List.of("predict", "compare")));
        assertEquals(List.of("val", "tab"), Main.nearest("tal", List.of("val", "train", "tab")));
        assertEquals(3, Main.edits("kitten", "sitting"));
        assertEquals(1, Main.edits("ab", "ba"));
        Cli.assertBadInput(Cli.run("train", "--data", data, "--arch", "resnet18", "--epochs", "many", "--out", dir.resolve("x")),
                "--epochs", "'many' is not an int");
    }

    @Test
    void aMissingModelDirectoryIsNamed() {
        Path missing = dir.resolve("no-such-model");
        Cli.assertBadInput(Cli.run("predict", "--model", missing, image), missing.toString(), "not a model directory");
        Cli.assertBadInput(Cli.run("val", "--model", missing, "--data", data, "--out", dir.resolve("val-missing")),
                missing.toString(), "not a model directory");
        assertFalse(Files.exists(dir.resolve("val-missing")));
    }

    @Test
    void trainLeavesANonEmptyRunFolderUntouched() throws IOException {
        Path run = Files.createDirectories(dir.resolve("busy-run"));
        Files.writeString(run.resolve("notes.txt"), "mine\n");
        Map<String, String> before = Cli.snapshot(run);
        Cli.assertBadInput(Cli.run("train", "--data", data, "--arch", "resnet18", "--imgsz", 32, "--epochs", 1, "--out", run),
                run.toString(), "run folder exists and is not empty", "--resume");
        assertEquals(before, Cli.snapshot(run));
    }

    @Test
    void valKeepsTheOldOutputWhenTheEvaluationFails() throws IOException {
        Path other = dir.resolve("three-classes");
        copyTree(data, other);
        Files.createDirectories(other.resolve("val/spiral"));
        Files.copy(image, other.resolve("val/spiral/one.png"));
        Path out = Files.createDirectories(dir.resolve("val-out"));
        Files.writeString(out.resolve("metrics.json"), "{\"accuracy\": 0.9}\n");
        Map<String, String> before = Cli.snapshot(out);
        Cli.assertBadInput(Cli.run("val", "--model", model, "--data", other, "--out", out), other.resolve("val").toString(),
                "classes [clumpy, smooth, spiral] differ from the model's [clumpy, smooth]");
        assertEquals(before, Cli.snapshot(out));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
