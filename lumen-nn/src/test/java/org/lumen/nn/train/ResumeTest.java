package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.classify.Trainer;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;

/**
 * A run stopped after epoch 1 and resumed from {@code last/} ends with the same weights as the same run done
 * in one go: shuffling, augmentation, the optimiser's moments and its step count all continue exactly.
 */
class ResumeTest {
    @TempDir
    Path dir;

    private static final int S = 32;

    @Test
    void resumedRunEqualsUninterruptedRun() throws IOException {
        LabeledImages data = randomImages(24);
        TrainConfig config = new TrainConfig(2, 8, "adamw", 1e-3, 0.05, 0.9, "cosine", 1, 1, Augment.SCIENCE, "none",
                0, "accuracy", 0, 7);
        float[] straight = train(config, data, dir.resolve("straight"), false, 0);

        Path run = dir.resolve("resumed");
        assertThrows(IllegalStateException.class, () -> train(config, data, run, false, 1));
        Checkpoints checkpoints = new Checkpoints(run, config);
        TrainState state = checkpoints.resume();
        assertEquals(1, state.epoch());
        assertEquals(3, state.optimizerSteps(), "24 images in batches of 8");
        float[] resumed = train(config, data, run, true, 0);
        assertArrayEquals(straight, resumed, "weights after epoch 2");

        TrainConfig other = new TrainConfig(2, 8, "adamw", 2e-3, 0.05, 0.9, "cosine", 1, 1, Augment.SCIENCE, "none",
                0, "accuracy", 0, 7);
        LumenException e = assertThrows(LumenException.class, () -> new Checkpoints(run, other).resume());
        assertTrue(e.getMessage().contains("lr was 0.001, now 0.002"), e.getMessage());
    }

    /** Trains (or resumes) and returns layer4's last conv weights; {@code failAtEpoch} > 0 stops the run there. */
    private static float[] train(TrainConfig config, LabeledImages data, Path run, boolean resume, int failAfter)
            throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("classify", "resnet18", List.of("a", "b"), S, 3, norm[0], norm[1], null);
        Checkpoints checkpoints = new Checkpoints(run, config);
        TrainState state = resume ? checkpoints.resume() : TrainState.start();
        try (Classifier model = resume ? Classifier.load(checkpoints.last()) : Classifier.create(info, config.seed())) {
            int[] calls = {0};
            Validator<Classifier> validator = m -> {
                if (failAfter > 0 && ++calls[0] > failAfter) {
                    throw new IllegalStateException("stopped");
                }
                return Map.of("accuracy", 0.5, "loss", 1.0);
            };
            new Trainer(config, Progress.silent()).fit(model, data, validator, (epoch, row) -> { }, checkpoints, state);
            return model.net().stateDict().get("layer4.1.conv2.weight").value().toFloatArray();
        }
    }

    private static LabeledImages randomImages(int n) {
        SplittableRandom r = new SplittableRandom(1);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * S * S];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextDouble();
            }
            images.add(x);
        }
        return new LabeledImages() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public int label(int index) {
                return index % 2;
            }

            @Override
            public float[] pixels(int index) {
                return images.get(index).clone();
            }

            @Override
            public String name(int index) {
                return "image" + index;
            }
        };
    }
}
