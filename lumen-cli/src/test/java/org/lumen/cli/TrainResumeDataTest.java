package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} refuses data that changed since the run started, for detection and segmentation as for
 * classification ({@link TrainResumeTest}): each model records a {@code data_fingerprint}, and a resume on an
 * edited copy of the data (one label file changed) gives one {@code error:} line naming {@code last/model.json}
 * and {@code data_fingerprint}, exit 2, and leaves the run folder exactly as it was.
 */
class TrainResumeDataTest {
    @TempDir
    static Path dir;
    static Path survey;

    @BeforeAll
    static void survey() {
        survey = dir.resolve("survey");
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", survey, "--count", 16, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
    }

    static Object[] train(String task, String arch, Path data, Path out, String... more) {
        List<Object> args = new ArrayList<>(List.of("train", "--task", task, "--data", data, "--arch", arch,
                "--imgsz", 32, "--epochs", 2, "--batch", 8, "--out", out));
        args.addAll(List.of(more));
        return args.toArray();
    }

    @Test
    void detectionRefusesChangedLabels() throws IOException {
        Path data = survey.resolve("detect");
        Path run = interrupted("detect", "yolov8n", data, dir.resolve("det-run"));
        assertTrue(new ObjectMapper().readTree(run.resolve("last/model.json").toFile()).path("provenance")
                .path("data_fingerprint").asText().matches("[0-9a-f]{16}-[0-9a-f]{16}"));
        Path edited = dir.resolve("det-edited");
        BadInputTest.copyTree(data, edited);
        Path yaml = edited.resolve("data.yaml"); // its path: names the original folder
        Files.writeString(yaml, Files.readString(yaml).replace(data.toString(), edited.toString()));
        Path label = first(edited.resolve("labels/train"), ".txt");
        Files.writeString(label, "0 0.5 0.5 0.25 0.25\n");
        refused(run, train("detect", "yolov8n", edited, run, "--resume"));
    }

    @Test
    void segmentationRefusesChangedMasks() throws IOException {
        Path data = survey.resolve("segment");
        Path run = interrupted("segment", "unet-w4-d2", data, dir.resolve("seg-run"));
        Path edited = dir.resolve("seg-edited");
        BadInputTest.copyTree(data, edited);
        Path mask = first(edited.resolve("masks/train"), ".png");
        Files.copy(first(edited.resolve("masks/val"), ".png"), mask, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refused(run, train("segment", "unet-w4-d2", edited, run, "--resume"));
    }

    /** A 2-epoch run stopped after epoch 1 (its checkpoint written). */
    private static Path interrupted(String task, String arch, Path data, Path run) {
        Cli.Result crashed = Cli.runCrashingAfter("epoch 1/2 ", train(task, arch, data, run));
        assertEquals(Main.INTERNAL, crashed.exit(), crashed::toString);
        return run;
    }

    private static void refused(Path run, Object[] resume) throws IOException {
        Map<String, String> before = Cli.snapshot(run);
        String line = Cli.assertBadInput(Cli.run(resume), run.resolve("last/model.json").toString(), "cannot resume",
                "data_fingerprint was ");
        assertFalse(line.contains("arch was"), line);
        assertEquals(before, Cli.snapshot(run));
    }

    private static Path first(Path folder, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().findFirst().orElseThrow();
        }
    }
}
