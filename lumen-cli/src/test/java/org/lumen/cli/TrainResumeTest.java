package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume}: a 2-epoch run killed right after epoch 1 (its checkpoint and progress line written)
 * refuses other settings, continues at epoch 2 with the same ones, and refuses once it is complete.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainResumeTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path run;

    @BeforeAll
    static void interruptedRun() throws IOException {
        data = dir.resolve("survey/classify");
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 40, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        run = dir.resolve("run");
        Cli.Result r = Cli.runCrashingAfter("epoch 1/2 ", train(run));
        assertEquals(Main.INTERNAL, r.exit(), r::toString);
        assertTrue(r.err().contains("error: internal failure: ") && r.err().contains("simulated crash"), r::toString);
        assertEquals(List.of(1), epochs(run));
        assertEquals(1, new ObjectMapper().readTree(run.resolve("last/train_state.json").toFile()).get("epoch").asInt());
    }

    /** {@code train} with this class's options; {@code more} adds flags and replaces options ({@code --lr 0.01}). */
    static Object[] train(Path out, Object... more) {
        Map<String, Object> options = new LinkedHashMap<>(Map.of("--data", data, "--arch", "resnet18", "--imgsz", 32,
                "--epochs", 2, "--batch", 8, "--out", out));
        List<Object> args = new ArrayList<>(List.of("train"));
        for (int i = 0; i < more.length; i++) {
            if (more[i].equals("--resume")) {
                args.add(more[i]);
            } else {
                options.put((String) more[i], more[++i]);
            }
        }
        options.forEach((k, v) -> args.addAll(List.of(k, v)));
        return args.toArray();
    }

    @Test
    @Order(1)
    void refusesADifferentTrainingSetting() throws IOException {
        Map<String, String> before = Cli.snapshot(run);
        String line = Cli.assertBadInput(Cli.run(train(run, "--resume", "--lr", 0.01)),
                run.resolve("last/train_state.json").toString(), "cannot resume", "lr was 0.001, now 0.01");
        assertFalse(line.contains("seed was"), line); // an unchanged setting is not listed
        assertEquals(before, Cli.snapshot(run));
    }

    @Test
    @Order(2)
    void refusesADifferentModelOrInput() throws IOException {
        Map<String, String> before = Cli.snapshot(run);
        String modelJson = run.resolve("last/model.json").toString();
        Cli.assertBadInput(Cli.run(train(run, "--resume", "--imgsz", 64)), modelJson, "cannot resume", "imgsz was 32, now 64");
        Cli.assertBadInput(Cli.run(train(run, "--resume", "--arch", "resnet34")), modelJson, "arch was resnet18, now resnet34");
        Path fewer = dir.resolve("fewer");
        BadInputTest.copyTree(data, fewer);
        Files.delete(ClassifyWorkflowTest.list(fewer.resolve("train/smooth")).get(0));
        Cli.assertBadInput(Cli.run(train(run, "--resume", "--data", fewer)), modelJson, "data_fingerprint was ");
        assertEquals(before, Cli.snapshot(run));
    }

    @Test
    @Order(3)
    void continuesAtTheNextEpochThenRefusesTheCompleteRun() throws IOException {
        Cli.Result r = Cli.run(train(run, "--resume"));
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("epoch 2/2 "), r::toString);
        assertFalse(r.err().contains("epoch 1/2 "), r::toString);
        assertEquals(List.of(1, 2), epochs(run));
        assertEquals(2, new ObjectMapper().readTree(run.resolve("last/train_state.json").toFile()).get("epoch").asInt());
        // resuming continues exactly: the same epoch 2 and the same weights as a run that was never interrupted
        Path straight = dir.resolve("straight");
        assertEquals(0, Cli.run(train(straight)).exit());
        assertEquals(Files.readAllLines(straight.resolve("results.csv")), Files.readAllLines(run.resolve("results.csv")));
        assertEquals(Cli.snapshot(straight.resolve("last")).get("weights.safetensors"),
                Cli.snapshot(run.resolve("last")).get("weights.safetensors"));

        Map<String, String> before = Cli.snapshot(run);
        Cli.assertBadInput(Cli.run(train(run, "--resume")), run.resolve("last/train_state.json").toString(),
                "cannot resume: the run already finished all 2 epochs");
        assertEquals(before, Cli.snapshot(run));
    }

    @Test
    @Order(4)
    void refusesAFolderWithoutACheckpoint() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.assertBadInput(Cli.run(train(empty, "--resume")), empty.toString(), "cannot resume: no last/ checkpoint");
    }

    /** The epoch column of RUN/results.csv. */
    static List<Integer> epochs(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("results.csv"));
        assertEquals(ClassifyWorkflowTest.RESULTS_HEADER, lines.get(0));
        return lines.subList(1, lines.size()).stream().map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).toList();
    }
}
