package org.lumen.nn.models.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.SafeTensors;
import org.lumen.nn.weights.Weights;

/**
 * Every architecture, given torchvision 0.14's own weights (random, with non-trivial batch-norm statistics,
 * layer-norm affine terms and layer scales), gives torchvision's logits to 1e-4 of their largest magnitude, on
 * a 224x224 batch and on one odd-sized 201x237 image (partial pooling windows, uneven adaptive-pooling bins);
 * and it has torchvision's modules, by name and in order, so any {@code --layer} torchvision names resolves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackboneParityTest {
    private static final Path DIR = Paths.get("target", "parity", "backbones");
    private static final Shape SQUARE = new Shape(2, 3, 224, 224);
    private static final Shape ODD = new Shape(1, 3, 201, 237);

    static List<String> archs() {
        return Backbones.names();
    }

    @BeforeAll
    void references() {
        Parity.run(DIR, """
                import os, torchvision
                out = sys.argv[1]
                torch.manual_seed(0)
                inputs = {"square": torch.randn(2, 3, 224, 224), "odd": torch.randn(1, 3, 201, 237)}
                save_safetensors(os.path.join(out, "input.safetensors"), inputs)
                for i, arch in enumerate(sys.argv[2:]):
                    torch.manual_seed(i + 1)
                    m = getattr(torchvision.models, arch)().eval()
                    randomize_batchnorm(m, i + 1)
                    randomize_layernorm(m, i + 1)
                    with torch.no_grad():
                        logits = {k: m(x) for k, x in inputs.items()}
                    save_safetensors(os.path.join(out, arch + ".weights.safetensors"), m.state_dict())
                    save_safetensors(os.path.join(out, arch + ".logits.safetensors"), logits)
                    with open(os.path.join(out, arch + ".modules.txt"), "w") as f:
                        f.write("\\n".join(name for name, _ in m.named_modules()))
                """, argsWith(DIR.toAbsolutePath().toString(), archs()));
    }

    private static String[] argsWith(String first, List<String> rest) {
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
            for (String input : List.of("square", "odd")) {
                Shape shape = input.equals("square") ? SQUARE : ODD;
                NDArray x = manager.create(read("input", input), shape);
                NDArray y = model.apply(x);
                assertArrayEquals(new long[] {shape.get(0), 1000}, y.getShape().getShape(), arch + " " + input);
                float[] want = read(arch + ".logits", input);
                double diff = Parity.maxAbsDiff(y.toFloatArray(), want);
                double scale = Parity.maxAbs(want);
                System.out.printf("parity %s %s: max |diff| %.3g, max |logit| %.3g%n", arch, input, diff, scale);
                assertTrue(diff <= 1e-4 * scale, arch + " " + input + ": max |diff| " + diff + " > 1e-4 x " + scale);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("archs")
    void modulesEqualTorchvision(String arch) throws IOException {
        List<String> want = Files.readAllLines(DIR.resolve(arch + ".modules.txt"));
        List<String> got = List.copyOf(Backbones.create(arch, 1000, 3).namedModules().keySet());
        assertEquals(want, got, arch);
    }

    private static float[] read(String file, String tensor) {
        try (SafeTensors st = SafeTensors.open(DIR.resolve(file + ".safetensors"))) {
            return st.readFloats(st.entries().get(tensor));
        }
    }
}
