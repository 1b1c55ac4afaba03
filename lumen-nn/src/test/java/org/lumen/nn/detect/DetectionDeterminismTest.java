package org.lumen.nn.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.DetectionData;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.nn.train.Augment;
import org.lumen.nn.train.DetectionAugment;
import org.lumen.nn.train.Progress;
import org.lumen.nn.train.TrainConfig;

/**
 * The demo's detector training is reproducible: two runs with the same seed on the same data (the demo's arch,
 * optimiser, augmentation and schedule, shortened) write byte-identical weights and the same per-epoch log.
 */
class DetectionDeterminismTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesIdenticalWeightsAndMetrics() throws IOException {
        Path survey = tmp.resolve("survey");
        GalaxySurvey.builder().optCount(40).optSeed(3).optSize(64).build().write(survey);
        Path data = survey.resolve("detect");
        DetectionData train = DetectionData.read(data, "train", false, null);
        DetectionData val = DetectionData.read(data, "val", false, null);
        TrainConfig config = new TrainConfig(2, 8, "adamw", 2e-3, 0.0005, 0.9, "cosine", 1, 0, Augment.NONE, "none",
                0, "map50", 0, 5);
        byte[][] weights = new byte[2][];
        String[] logs = new String[2];
        for (int k = 0; k < 2; k++) {
            Path run = tmp.resolve("run" + k);
            new DetectionTraining("yolov8n", 64, null, config, DetectionAugment.SCIENCE, 0.5, 0.25,
                    new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode())
                    .withProgress(Progress.silent()).run(train, val, run, false);
            weights[k] = Files.readAllBytes(run.resolve("last").resolve(Detector.WEIGHTS));
            logs[k] = Files.readString(run.resolve("results.csv"));
        }
        assertEquals(logs[0], logs[1], "results.csv");
        assertArrayEquals(weights[0], weights[1], "last/ weights");
    }
}
