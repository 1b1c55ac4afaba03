package org.lumen.nn.models.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.SafeTensors;
import org.lumen.nn.weights.Weights;

/**
 * Every architecture, given torchvision 0.14's own weights (random, with non-trivial batch-norm statistics,
 * layer-norm affine terms and layer scales) and the same 224x224 input, gives torchvision's logits to 1e-4 of
 * their largest magnitude.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackboneParityTest {
    private static final Path DIR = Paths.get("target", "parity", "backbones");

    static java.util.List<String> archs() {
        return Backbones.names();
    }

    @BeforeAll
    void references() {
        Parity.run(DIR, """
                import os, torchvision
                out = sys.argv[1]
                torch.manual_seed(0)
                x = torch.randn(2, 3, 224, 224)
                save_safetensors(os.path.join(out, "input.safetensors"), {"x": x})
                for i, arch in enumerate(sys.argv[2:]):
                    torch.manual_seed(i + 1)
                    m = getattr(torchvision.models, arch)().eval()
                    randomize_batchnorm(m, i + 1)
                    randomize_layernorm(m, i + 1)
                    with torch.no_grad():
                        y = m(x)
                    save_safetensors(os.path.join(out, arch + ".weights.safetensors"), m.state_dict())
                    save_safetensors(os.path.join(out, arch + ".logits.safetensors"), {"y": y})
                """, argsWith(DIR.toAbsolutePath().toString(), archs()));
    }

    private static String[] argsWith(String first, java.util.List<String> rest) {
        String[] a = new String[rest.size() + 1];
        a[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            a[i + 1] = rest.get(i);
        }
        return a;
    }

    @ParameterizedTest
    @MethodSource("archs")
    void logitsEqualTorchvision(String arch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone model = Backbones.create(arch, 1000, 3);
            model.initialize(manager, 0);
            Weights.load(model, DIR.resolve(arch + ".weights.safetensors"), manager);
            model.train(false);
            float[] want = readOne(DIR.resolve(arch + ".logits.safetensors"));
            NDArray x = manager.create(readOne(DIR.resolve("input.safetensors")), new ai.djl.ndarray.types.Shape(2, 3, 224, 224));
            NDArray y = model.apply(x);
            assertArrayEquals(new long[] {2, 1000}, y.getShape().getShape());
            float[] got = y.toFloatArray();
            double diff = Parity.maxAbsDiff(got, want);
            double scale = Parity.maxAbs(want);
            assertTrue(diff <= 1e-4 * scale, arch + ": max |diff| " + diff + " > 1e-4 x " + scale);
        }
    }

    private static float[] readOne(Path file) {
        try (SafeTensors st = SafeTensors.open(file)) {
            Map.Entry<String, SafeTensors.Entry> e = st.entries().entrySet().iterator().next();
            return st.readFloats(e.getValue());
        }
    }
}
