package org.lumen.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/** ConvTranspose2d(kernel = stride = 2) against torch's: output and the gradients of input, weight and bias. */
class ConvTranspose2dParityTest {
    private static final Path DIR = Paths.get("target", "parity", "convtranspose");

    @Test
    void forwardAndBackwardEqualTorch() {
        Parity.run(DIR, """
                import os
                out = sys.argv[1]
                torch.manual_seed(0)
                m = torch.nn.ConvTranspose2d(3, 5, 2, 2, 0)
                x = torch.randn(2, 3, 4, 6, requires_grad=True)
                g = torch.randn(2, 5, 8, 12)
                y = m(x)
                (y * g).sum().backward()
                save_safetensors(os.path.join(out, "weights.safetensors"), m.state_dict())
                save_safetensors(os.path.join(out, "ref.safetensors"), {"x": x.detach(), "g": g, "y": y.detach(),
                        "dx": x.grad, "dw": m.weight.grad, "db": m.bias.grad})
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager manager = NDManager.newBaseManager()) {
            ConvTranspose2d m = new ConvTranspose2d(3, 5, 2, true);
            m.initialize(manager, 0);
            Weights.load(m, DIR.resolve("weights.safetensors"), manager);
            NDArray w = m.stateDict().get("weight").value();
            NDArray b = m.stateDict().get("bias").value();
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            NDArray x = manager.create(ref.get("x"), new Shape(2, 3, 4, 6));
            x.setRequiresGradient(true);
            NDArray g = manager.create(ref.get("g"), new Shape(2, 5, 8, 12));
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray y = m.apply(x);
                assertArrayEquals(new long[] {2, 5, 8, 12}, y.getShape().getShape());
                assertClose(ref.get("y"), y.toFloatArray(), "output");
                gc.backward(y.mul(g).sum());
            }
            assertClose(ref.get("dx"), x.getGradient().toFloatArray(), "input gradient");
            assertClose(ref.get("dw"), w.getGradient().toFloatArray(), "weight grad");
            assertClose(ref.get("db"), b.getGradient().toFloatArray(), "bias grad");
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double diff = Parity.maxAbsDiff(expected, actual);
        assertTrue(diff <= 1e-5 * Math.max(1, Parity.maxAbs(expected)), what + " differs by " + diff);
    }
}
