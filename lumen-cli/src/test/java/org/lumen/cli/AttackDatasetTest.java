package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lumen attack --data}: the robust-accuracy curve of a trained survey classifier. Its eps-0 point is the
 * accuracy {@code val} reports for the same split; robust accuracy never exceeds it, PGD-10 at 8/255 brings it
 * below it, every mean perturbation lies inside its eps, and the files are there. Bad settings get one line.
 */
class AttackDatasetTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;

    @BeforeAll
    static void trained() {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 60, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        data = dir.resolve("survey/classify");
        Cli.Result train = Cli.run("train", "--data", data, "--arch", "resnet18", "--imgsz", 32, "--epochs", 3,
                "--batch", 8, "--out", dir.resolve("run"));
        assertEquals(0, train.exit(), train::toString);
        model = dir.resolve("run/best");
    }

    @Test
    void theCurveStartsAtValsAccuracyAndFallsUnderAttack() throws IOException {
        Path out = dir.resolve("robust");
        Cli.Result r = Cli.run("attack", "--model", model, "--data", data, "--split", "test", "--method", "pgd",
                "--eps", "1/255,8/255", "--steps", 10, "--out", out);
        assertEquals(0, r.exit(), r::toString);
        JsonNode json = new ObjectMapper().readTree(out.resolve("attack.json").toFile());
        Cli.Result val = Cli.run("val", "--model", model, "--data", data, "--split", "test", "--out",
                dir.resolve("val"));
        assertEquals(0, val.exit(), val::toString);
        double valAccuracy = new ObjectMapper().readTree(dir.resolve("val/metrics.json").toFile()).get("accuracy")
                .asDouble();
        JsonNode curve = json.get("curve");
        assertEquals(3, curve.size(), "eps 0, then each --eps");
        assertEquals(0, curve.get(0).get("eps").asDouble());
        assertEquals(valAccuracy, curve.get(0).get("robust_accuracy").asDouble(), 1e-9, "eps 0 is val's accuracy");
        assertEquals(valAccuracy, json.get("clean_accuracy").asDouble(), 1e-9);
        double[] eps = {0, 1 / 255.0, 8 / 255.0};
        for (int i = 1; i < 3; i++) {
            JsonNode p = curve.get(i);
            assertEquals(eps[i], p.get("eps").asDouble(), 1e-12);
            assertTrue(p.get("robust_accuracy").asDouble() <= valAccuracy, "never above the clean accuracy: " + p);
            assertTrue(p.get("mean_linf").asDouble() <= eps[i] + 1e-7, "inside the ball: " + p);
            assertTrue(p.get("mean_linf").asDouble() > 0, "it moved: " + p);
        }
        // three epochs on 36 galaxies: the accuracy depends on the JVM's thread settings, so only ask for something
        // to attack
        assertTrue(valAccuracy > 0, "images the model gets right, to attack: " + valAccuracy);
        assertTrue(curve.get(2).get("robust_accuracy").asDouble() < valAccuracy, "PGD-10 at 8/255 fools some: " + curve);
        assertTrue(Files.size(out.resolve("robustness.png")) > 1000);
        try (Stream<Path> s = Files.list(out.resolve("examples"))) {
            assertEquals(4, s.filter(p -> p.toString().endsWith(".pgd.png")).count());
        }
        assertEquals(4, json.get("examples").size());
        assertTrue(r.out().contains("eps 8/255: robust accuracy"), r::toString);
    }

    @Test
    void refusesWhatItCannotDo() {
        Path out = dir.resolve("refused");
        Cli.assertBadInput(Cli.run("attack", "--model", model, "--data", data, "--eps", "8/255,1/255", "--out", out),
                "--eps", "values must increase");
        Cli.assertBadInput(Cli.run("attack", "--model", model, "--data", data, "--label", "clumpy", "--out", out),
                "--label", "is for single images");
        Cli.assertBadInput(Cli.run("attack", "--model", model, "--data", data, "--split", "dev", "--out", out),
                "--split", "must be train, val or test");
        Cli.assertBadInput(Cli.run("attack", "--model", model, "--eps", "1/255,2/255", "--out", out,
                data.resolve("test")), "--eps", "takes one value when attacking images");
        Cli.assertBadInput(Cli.run("attack", "--model", model, "--out", out), "--data", "give image files");
        assertTrue(!Files.exists(out), "nothing written");
    }
}
