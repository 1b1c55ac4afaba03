package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.nn.classify.ClassifierTraining;

/**
 * A classifier trained through the Java API alone (no provenance given, no command line) gets the whole provenance
 * record with its data fingerprint, and a bad freeze is refused before any file of the run is written.
 */
class TrainingRunTest {
    @TempDir
    Path dir;

    @Test
    void javaApiRunRecordsProvenanceAndRefusesABadFreezeFirst() throws IOException {
        GalaxySurvey.builder().optCount(12).optSize(32).build().write(dir.resolve("survey"));
        List<ImageFolder> splits = ImageFolder.openSplits(dir.resolve("survey/classify"), "train", "val");
        TrainConfig config = TrainConfig.builder().epochs(1).batch(4).seed(3).build();
        Path run = dir.resolve("run");
        new ClassifierTraining("resnet18", 32, 3, null, config, null).withProgress(Progress.silent())
                .run(splits.get(0), splits.get(1), run, false);
        JsonNode p = new ObjectMapper().readTree(run.resolve("best/model.json").toFile()).get("provenance");
        assertEquals(Provenance.API, p.get("command").asText(), p::toString);
        assertEquals(3, p.get("seed").asLong());
        assertEquals(config.toJson().toString(), p.get("config").toString());
        String expected = DataFingerprint.pair(splits.get(0).fingerprint(), splits.get(1).fingerprint());
        assertEquals(expected, p.get("data_fingerprint").asText());
        assertTrue(Files.isRegularFile(run.resolve(TrainingRun.RESULTS)));

        TrainConfig frozen = TrainConfig.builder().epochs(1).batch(4).freeze(99).build();
        Path refused = dir.resolve("refused");
        LumenException e = assertThrows(LumenException.class, () -> new ClassifierTraining("resnet18", 32, 3, null,
                frozen, null).withProgress(Progress.silent()).run(splits.get(0), splits.get(1), refused, false));
        assertEquals("freeze", e.source());
        assertTrue(e.isSetting());
        assertFalse(Files.exists(refused.resolve(TrainingRun.RESULTS)), "nothing written");
    }
}
