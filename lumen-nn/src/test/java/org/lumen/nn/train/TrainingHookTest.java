package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.classify.Trainer;
import org.lumen.core.LumenException;
import org.lumen.core.data.DetectionData;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Module;

/**
 * The training mode hook changes exactly what it says (the batch trained on, the loss stepped) and nothing without
 * one; the configuration builder gives the documented defaults and the record's checks, faults named as settings;
 * a detection fingerprint follows the images, labels and boxes, not where the files are.
 */
class TrainingHookTest {
    @TempDir
    Path dir;

    private static final float[] X = {0.2f, -0.4f, 0.9f, 0.1f, -0.3f, 0.5f, 0.7f, -0.8f};
    private static final long[] Y = {0, 1};

    /** One SGD step of a 2x2x2 -> 2 linear classifier (seed 3) through {@code hook}; loss and the new weights. */
    private static double[] step(TrainingHook hook) {
        try (NDManager m = NDManager.newBaseManager()) {
            Module net = new Sequential(new Lambda("flatten", x -> x.reshape(x.getShape().get(0), -1)), new Linear(4, 2));
            net.initialize(m, 3);
            try (Optimizer opt = new Sgd(m, net.trainableParameters(), 0, 0, false)) {
                opt.attach();
                double loss = Trainer.step(m, net, opt, X, Y, 2, 1, 2, null, 0.1, hook);
                float[] w = net.stateDict().get("1.weight").value().toFloatArray();
                double[] out = new double[1 + w.length];
                out[0] = loss;
                for (int i = 0; i < w.length; i++) {
                    out[i + 1] = w[i];
                }
                return out;
            }
        }
    }

    @Test
    void noHookIsThePlainStepAndAHookChangesBatchAndLoss() {
        double[] plain = step(TrainingHook.NONE);
        assertArrayEquals(plain, step(new TrainingHook() {}), 0, "the default methods change nothing");
        int[] batches = {0};
        double[] doubled = step(new TrainingHook() {
            @Override
            public NDArray batch(Module net, NDArray input, NDArray labels) {
                batches[0]++;
                assertArrayEquals(new long[] {2, 1, 2, 2}, input.getShape().getShape());
                assertArrayEquals(new long[] {2}, labels.getShape().getShape(), "one class index per image");
                return input;
            }

            @Override
            public NDArray loss(NDArray input, NDArray output, NDArray loss) {
                assertArrayEquals(new long[] {2, 2}, output.getShape().getShape());
                return loss.mul(2);
            }
        });
        assertEquals(1, batches[0]);
        assertEquals(2 * plain[0], doubled[0], 1e-6, "the hook's loss is the one reported");
        for (int i = 1; i < plain.length; i++) { // plain SGD: twice the loss, twice the update
            assertEquals(2 * (plain[i] - start(i)), doubled[i] - start(i), 1e-6, "weight " + i);
        }
        double[] zeroed = step(new TrainingHook() {
            @Override
            public NDArray batch(Module net, NDArray input, NDArray labels) {
                return input.zerosLike();
            }
        });
        assertEquals(Math.log(2), zeroed[0], 0.5, "zero inputs: logits are the biases");
        assertNotEquals(plain[0], zeroed[0]);
    }

    /** Weight {@code i} (1-based, as in {@link #step}'s result) before the step. */
    private static double start(int i) {
        try (NDManager m = NDManager.newBaseManager()) {
            Module net = new Sequential(new Lambda("flatten", x -> x), new Linear(4, 2));
            net.initialize(m, 3);
            return net.stateDict().get("1.weight").value().toFloatArray()[i - 1];
        }
    }

    @Test
    void builderHoldsTheDefaultsAndTheChecks() {
        TrainConfig d = TrainConfig.builder().build();
        assertEquals(new TrainConfig(10, 16, "adamw", 1e-3, 0.05, 0.9, "cosine", 1, 0, Augment.SCIENCE, "none", 0,
                "accuracy", 0, 0), d);
        assertEquals(TrainConfig.defaults(1, 8, 5), TrainConfig.builder().epochs(1).batch(8).seed(5).build());
        assertEquals(0, TrainConfig.builder().epochs(1).build().warmupEpochs(), "no warm-up in a 1-epoch run");
        assertEquals(2.5, TrainConfig.builder().epochs(5).warmup(2.5).build().warmupEpochs());
        LumenException e = assertThrows(LumenException.class, () -> TrainConfig.builder().epochs(3).warmup(3).build());
        assertTrue(e.isSetting());
        assertEquals("warmup", e.source(), "printed as --warmup");
        assertEquals("classWeights", assertThrows(LumenException.class,
                () -> TrainConfig.builder().classWeights("some").build()).source());
        assertEquals("weightDecay", assertThrows(LumenException.class,
                () -> TrainConfig.builder().weightDecay(-1).build()).source());
    }

    @Test
    void detectionFingerprintFollowsImagesLabelsAndBoxes() throws Exception {
        Path a = Files.write(Files.createDirectories(dir.resolve("one")).resolve("g1.png"), new byte[] {1, 2, 3});
        Path b = Files.write(Files.createDirectories(dir.resolve("two")).resolve("g1.png"), new byte[] {1, 2, 3});
        double[] box = {1, 2, 10, 12};
        String one = DataFingerprint.of(data(a, box, 0));
        assertTrue(one.matches("[0-9a-f]{64}"), one);
        assertEquals(one, DataFingerprint.of(data(b, box, 0)), "the same file elsewhere");
        assertNotEquals(one, DataFingerprint.of(data(a, new double[] {1, 2, 10, 13}, 0)), "a box moved");
        assertNotEquals(one, DataFingerprint.of(data(a, box, 1)), "a label changed");
        Files.write(b, new byte[] {1, 2, 4});
        assertNotEquals(one, DataFingerprint.of(data(b, box, 0)), "an image changed");
        assertEquals(one.substring(0, 16) + "-" + one.substring(0, 16), DataFingerprint.pair(one, one));
    }

    private static DetectionData data(Path image, double[] box, int label) {
        return new DetectionData(List.of("clump", "core"), List.of(new DetectionData.Item(image, box, new int[] {label})));
    }
}
