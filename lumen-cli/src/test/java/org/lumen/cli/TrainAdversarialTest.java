package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --adversarial}: the run trains on each batch's attack (a different model from plain training on the
 * same seed and data), logs its robust accuracy on the validation split in results.csv, records the attack in its
 * model.json's provenance, and refuses what it cannot do.
 */
class TrainAdversarialTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void survey() {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 24, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        data = dir.resolve("survey/classify");
    }

    private static Cli.Result train(Path out, Object... more) {
        Object[] base = {"train", "--data", data, "--arch", "resnet18", "--imgsz", 32, "--epochs", 1, "--batch", 8,
            "--augment", "none", "--out", out};
        Object[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return Cli.run(all);
    }

    @Test
    void trainsOnTheAttackAndRecordsIt() throws IOException {
        Cli.Result plain = train(dir.resolve("plain"));
        assertEquals(0, plain.exit(), plain::toString);
        Cli.Result adv = train(dir.resolve("adv"), "--adversarial", "pgd", "--eps", "4/255", "--alpha", "1/255",
                "--steps", 2);
        assertEquals(0, adv.exit(), adv::toString);
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("adv/best/model.json").toFile()).get("provenance");
        assertEquals("pgd", prov.get("adversarial").get("method").asText());
        assertEquals("4/255", prov.get("adversarial").get("eps").asText());
        assertEquals(2, prov.get("adversarial").get("steps").asInt());
        assertTrue(new ObjectMapper().readTree(dir.resolve("plain/best/model.json").toFile()).get("provenance")
                .path("adversarial").isMissingNode(), "plain training records no attack");
        java.util.List<String> csv = Files.readAllLines(dir.resolve("adv/results.csv"));
        java.util.List<String> header = java.util.List.of(csv.get(0).split(","));
        int robust = header.indexOf("val_robust_accuracy");
        int accuracy = header.indexOf("val_accuracy");
        assertEquals(header.size() - 1, robust, "robust accuracy follows the standard columns: " + header);
        String[] row = csv.get(1).split(",");
        double r = Double.parseDouble(row[robust]);
        assertTrue(r >= 0 && r <= Double.parseDouble(row[accuracy]), "robust accuracy within [0, accuracy]: " + csv);
        assertTrue(!Files.readAllLines(dir.resolve("plain/results.csv")).get(0).contains("robust"));
        assertNotEquals(Files.mismatch(dir.resolve("plain/last/weights.safetensors"),
                dir.resolve("adv/last/weights.safetensors")), -1L, "the attack changed what was learnt");
    }

    @Test
    void refusesWhatItCannotDo() {
        Path out = dir.resolve("refused");
        Cli.assertBadInput(train(out, "--eps", "4/255"), "--eps", "sets the attack of --adversarial");
        Cli.assertBadInput(train(out, "--steps", 3), "--steps", "sets the attack of --adversarial");
        Cli.assertBadInput(train(out, "--adversarial", "pgdd"), "--adversarial", "unknown attack 'pgdd'");
        Cli.assertBadInput(train(out, "--adversarial", "pgd", "--eps", "x"), "--eps", "must be a number or a fraction");
        Cli.assertBadInput(Cli.run("train", "--task", "segment", "--data", dir.resolve("survey/segment"), "--arch",
                "unet-w16-d4", "--imgsz", 32, "--adversarial", "pgd", "--out", out), "--adversarial",
                "is for --task classify");
        assertTrue(!Files.exists(out), "nothing written");
    }
}
