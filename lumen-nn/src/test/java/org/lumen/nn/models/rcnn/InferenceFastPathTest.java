package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.FrozenBatchNorm2d;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/**
 * What Faster R-CNN's inference does differently from its training (channels-last activations, frozen norms
 * folded into their convolutions) computes the same numbers, and steps aside when something watches.
 */
class InferenceFastPathTest {

    private static double maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    private static double maxAbs(NDArray a) {
        return a.abs().max().getFloat();
    }

    /** Gives every frozen norm statistics far from the identity, so a fold that drops one of them shows. */
    private static void randomNorms(Module net, NDManager m) {
        for (Map.Entry<String, Parameter> e : net.stateDict().entrySet()) {
            String k = e.getKey();
            Shape s = e.getValue().shape();
            if (k.endsWith("running_var")) {
                e.getValue().setValue(m.randomUniform(0.25f, 4f, s));
            } else if (k.endsWith("running_mean") || (k.contains("bn") || k.contains("downsample.1"))
                    && k.endsWith("bias")) {
                e.getValue().setValue(m.randomUniform(-1f, 1f, s));
            } else if ((k.contains("bn") || k.contains("downsample.1")) && k.endsWith("weight")) {
                e.getValue().setValue(m.randomUniform(0.5f, 2f, s));
            }
        }
    }

    @Test
    void channelsLastKeepsEveryValueAndConvolvesAlike() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1f, 1f, new Shape(2, 5, 7, 9));
            NDArray c = Functional.channelsLast(x);
            assertEquals(x.getShape(), c.getShape());
            assertArrayEquals(x.toFloatArray(), c.toFloatArray()); // read back in NCHW order
            assertEquals(0.0, maxDiff(x, c));
            NDArray w = m.randomUniform(-1f, 1f, new Shape(4, 5, 3, 3));
            int[] one = {1, 1};
            NDArray a = Functional.conv2d(x, w, null, one, one, one, 1);
            NDArray b = Functional.conv2d(c, w, null, one, one, one, 1);
            assertArrayEquals(a.getShape().getShape(), b.getShape().getShape());
            assertTrue(maxDiff(a, b) < 1e-5 * maxAbs(a), maxDiff(a, b) + " of " + maxAbs(a));
        }
    }

    @Test
    void foldedNormEqualsConvolutionThenNorm() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            for (boolean bias : new boolean[] {false, true}) {
                Conv2d conv = new Conv2d(6, 8, 3, 2, 1, 1, bias);
                FrozenBatchNorm2d bn = new FrozenBatchNorm2d(8);
                conv.initialize(m, 1);
                bn.initialize(m, 2);
                bn.stateDict().get("running_var").setValue(m.randomUniform(0.25f, 4f, new Shape(8)));
                bn.stateDict().get("running_mean").setValue(m.randomUniform(-1f, 1f, new Shape(8)));
                bn.stateDict().get("weight").setValue(m.randomUniform(0.5f, 2f, new Shape(8)));
                bn.stateDict().get("bias").setValue(m.randomUniform(-1f, 1f, new Shape(8)));
                NDArray x = m.randomUniform(-1f, 1f, new Shape(2, 6, 11, 13));
                NDArray twoSteps = bn.apply(conv.apply(x));
                NDArray folded = bn.foldedInto(conv, x);
                assertEquals(twoSteps.getShape(), folded.getShape());
                assertTrue(maxDiff(twoSteps, folded) < 1e-5 * maxAbs(twoSteps),
                        "bias " + bias + ": " + maxDiff(twoSteps, folded) + " of " + maxAbs(twoSteps));
            }
        }
    }

    @Test
    void bodyInEvaluationEqualsItsStepByStepRunAndHooksStillFire() {
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            ResNetBody body = new ResNetBody("resnet18");
            body.initialize(m, 3);
            randomNorms(body, m);
            body.train(false);
            NDArray x = m.randomUniform(0f, 1f, new Shape(1, 3, 64, 96));
            List<NDArray> fast = body.stages(Functional.channelsLast(x));
            // with activations kept, every conv and norm runs as its own module, as in training
            List<NDArray> steps = Module.keepingActivations(() -> body.stages(x));
            for (int i = 0; i < 4; i++) {
                assertTrue(maxDiff(fast.get(i), steps.get(i)) < 1e-4 * maxAbs(steps.get(i)),
                        "stage " + i + ": " + maxDiff(fast.get(i), steps.get(i)) + " of " + maxAbs(steps.get(i)));
            }
            // a folded weight is made per call and must die with the call's arrays, not pile up with the weights'
            int owned = m.getManagedArrays().size();
            try (NDManager call = m.newSubManager()) {
                body.stages(Functional.channelsLast(call.randomUniform(0f, 1f, new Shape(1, 3, 64, 96))));
            }
            assertEquals(owned, m.getManagedArrays().size(), "arrays left behind in the weights' manager");
            AtomicInteger seen = new AtomicInteger();
            Module norm = body.find("layer2.0.bn2");
            norm.setOutputHook(y -> {
                seen.incrementAndGet();
                return y;
            });
            try {
                body.stages(x);
            } finally {
                norm.setOutputHook(null);
            }
            assertEquals(1, seen.get(), "a hooked norm must run, not be folded away");
        }
    }
}
