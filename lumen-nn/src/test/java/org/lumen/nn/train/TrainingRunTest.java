package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.classify.Trainer;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.report.ResultsCsv;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ClassifierTraining;
import org.lumen.nn.classify.FolderImages;
import org.lumen.nn.model.ModelInfo;

/**
 * A classifier trained through the Java API alone (no provenance given, no command line) gets the whole provenance
 * record with its data fingerprint, a bad freeze is refused before any file of the run is written, and a run's
 * callbacks see each epoch's row once its checkpoint is written.
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

    /** A spec written outside the library's tasks: the run calls back after each epoch with its results row. */
    @Test
    void callbacksSeeEachEpochsRowAfterItsCheckpoint() throws IOException {
        GalaxySurvey.builder().optCount(8).optSize(32).build().write(dir.resolve("survey"));
        ImageFolder folder = ImageFolder.openSplits(dir.resolve("survey/classify"), "train").get(0);
        FolderImages images = FolderImages.load(folder, 32, 3);
        TrainConfig config = TrainConfig.builder().epochs(2).batch(4).augment(Augment.NONE).monitor("score").build();
        float[][] norm = ModelInfo.defaultNormalisation(3);
        TrainingSpec<Classifier> spec = new TrainingSpec.Of<>(Classifier::load, Classifier::info) {
            @Override
            public ModelInfo info(ObjectNode p) {
                return new ModelInfo("classify", "resnet18", folder.classes(), 32, 3, norm[0], norm[1], p);
            }

            @Override
            public Classifier create(ModelInfo info) {
                return Classifier.create(info, 1);
            }

            @Override
            public List<String> columns(Classifier model) {
                return List.of("train_loss", "lr", "val_score");
            }

            @Override
            public TrainingTask task(Classifier model, TrainingHook hook) {
                return new Trainer(config, Progress.silent()).task(model, images, m -> Map.of("score", 0.5), hook);
            }
        };
        Path run = dir.resolve("run");
        List<String> seen = new ArrayList<>();
        TrainState end = new TrainingRun(run, config).withProgress(Progress.silent())
                .withCallback((epoch, row) -> seen.add(epoch + " " + row.keySet() + " "
                        + Files.isDirectory(run.resolve("last"))))
                .train(spec, null, null, "0123456789abcdef-0123456789abcdef", false);
        assertEquals(2, end.epoch());
        assertEquals(List.of("1 [train_loss, lr, val_score] true", "2 [train_loss, lr, val_score] true"), seen);
        assertEquals(2, ResultsCsv.read(run.resolve(TrainingRun.RESULTS)).lastEpoch());
    }
}
