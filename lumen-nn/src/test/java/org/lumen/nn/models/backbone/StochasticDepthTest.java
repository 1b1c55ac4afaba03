package org.lumen.nn.models.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lumen.nn.layers.StochasticDepth;
import org.lumen.nn.module.Module;

/**
 * Stochastic depth in a real residual block: identity in eval mode; in training each sample either skips the
 * branch entirely (output = input) or gets it scaled by 1 / (1 - p), as torchvision's "row" mode does.
 */
class StochasticDepthTest {
    private static final int BATCH = 128;

    @ParameterizedTest
    @CsvSource({"convnext_tiny, features.7.2, 768", "efficientnet_b0, features.6.3, 192"})
    void dropsWholeSamplesInTrainingOnly(String arch, String blockPath, int channels) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            Backbone model = Backbones.create(arch, 10, 3);
            model.initialize(manager, 0);
            Module block = model.find(blockPath);
            // ConvNeXt's 1e-6 layer scale would make the branch vanish next to the input in float32
            block.ownParameters().values().forEach(p -> p.setValue(manager.ones(p.shape())));
            block.setFrozen(true); // batch norms keep running statistics: only stochastic depth differs in training
            double p = ((StochasticDepth) block.find("stochastic_depth")).probability();
            assertTrue(p > 0, blockPath + " has drop probability " + p);
            NDArray x = manager.randomNormal(new Shape(BATCH, channels, 2, 2));

            block.train(false);
            assertSame(x, block.find("stochastic_depth").apply(x), "identity in eval mode");
            float[] branch = block.apply(x).sub(x).toFloatArray();
            block.train(true);
            float[] trained = block.apply(x).sub(x).toFloatArray();

            int per = branch.length / BATCH;
            int dropped = 0;
            for (int n = 0; n < BATCH; n++) {
                boolean zero = true;
                double scale = 0;
                double diff = 0;
                for (int i = n * per; i < (n + 1) * per; i++) {
                    zero &= trained[i] == 0;
                    scale = Math.max(scale, Math.abs(branch[i]));
                    diff = Math.max(diff, Math.abs(trained[i] - branch[i] / (1 - p)));
                }
                if (zero) {
                    dropped++;
                } else {
                    assertTrue(diff <= 1e-4 * scale, "sample " + n + ": kept branch off by " + diff);
                }
            }
            assertTrue(dropped > 0 && dropped < BATCH, dropped + " of " + BATCH + " samples dropped at p = " + p);
            assertEquals(BATCH * p, dropped, 4 * Math.sqrt(BATCH * p * (1 - p)), "drop rate");
        }
    }
}
