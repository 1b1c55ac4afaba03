package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;

/**
 * A training step works on any thread, as a server's or a Spark executor's worker threads would run it, and gives
 * the same weights as on the thread that started the engine. libtorch's gradient mode is per thread and on in a
 * fresh one, where an optimiser's in-place update of a weight that requires gradients used to fail ("a leaf Variable
 * that requires grad is being used in an in-place operation"); the step must also leave that thread's mode as it was.
 */
class TrainOnAnyThreadTest {
    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sgd"})
    void stepOnAFreshThreadEqualsStepHere(String optimizer) throws Exception {
        float[] here = twoSteps(optimizer);
        AtomicReference<Object> there = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                boolean before = JniUtils.isGradMode();
                float[] w = twoSteps(optimizer);
                there.set(JniUtils.isGradMode() == before ? w : new IllegalStateException("gradient mode changed"));
            } catch (Throwable e) {
                there.set(e);
            }
        }, "fresh-worker");
        t.start();
        t.join();
        if (there.get() instanceof Throwable e) {
            throw new AssertionError("training on a fresh thread failed: " + e, e);
        }
        assertArrayEquals(here, (float[]) there.get(), "weights after two steps");
        assertFalse(here.length == 0);
    }

    private static float[] twoSteps(String optimizer) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone net = Backbones.create("resnet18", 2, 3);
            net.initialize(manager, 3);
            var params = net.trainableParameters();
            float[] pixels = new float[2 * 3 * 32 * 32];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (i * 37 % 101) / 101f; // the same on every thread
            }
            NDArray x = manager.create(pixels, new Shape(2, 3, 32, 32));
            try (Optimizer opt = optimizer.equals("adamw") ? new AdamW(manager, params, 0.05)
                    : new Sgd(manager, params, 0.9, 1e-4, false)) {
                opt.attach();
                net.train(true);
                for (int i = 0; i < 2; i++) {
                    opt.zeroGrad();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(Losses.crossEntropy(net.apply(x), manager.create(new long[] {0, 1}), null, 0));
                    }
                    opt.step(1e-2);
                }
            }
            return net.stateDict().get("fc.weight").value().toFloatArray();
        }
    }
}
