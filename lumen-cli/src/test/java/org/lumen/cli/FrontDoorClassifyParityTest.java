package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.core.io.Npy;
import org.lumen.nn.models.backbone.Backbones;

/**
 * The front door for classification: {@code lumen predict --arch A --weights W --classes 1000 --imgsz 224 --json}
 * on real photographs (scikit-image's, cut to 224 x 224, grey ones included), with torchvision 0.14's weights made
 * realistic (batch-norm statistics calibrated on the photographs, affine terms of order one), gives torchvision's
 * logits to 1e-4 of the largest, at batch 1 and batch 8: the same classes, layout and batching users run.
 * The resize in front of the network has its own parity test; {@link #resizedPhotographThroughPredict} runs one
 * full photograph through it too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorClassifyParityTest {
    private static final Path DIR = Paths.get("target", "frontdoor", "classify").toAbsolutePath();
    private static final double BOUND = 1e-4;

    static List<String> archs() {
        return Backbones.names();
    }

    @BeforeAll
    void references() {
        FrontDoor.reference(DIR, "classify_reference.py", FrontDoor.args(List.of(DIR.toString(), "224"), archs()));
    }

    @ParameterizedTest
    @MethodSource("archs")
    void predictEqualsTorchvisionAtBatch1And8(String arch) throws Exception {
        float[][] want = FrontDoor.rows(Npy.read(DIR.resolve(arch + ".logits.npy")));
        for (int batch : new int[] {1, 8}) {
            Cli.Result r = Cli.run("predict", "--arch", arch, "--weights", DIR.resolve(arch + ".safetensors"),
                    "--classes", 1000, "--imgsz", 224, "--batch", batch, "--json", DIR.resolve("images"));
            assertEquals(0, r.exit(), r::toString);
            List<JsonNode> lines = FrontDoor.jsonLinesByImage(r.out());
            assertEquals(want.length, lines.size(), r::toString);
            float[][] got = new float[lines.size()][];
            for (int i = 0; i < got.length; i++) {
                got[i] = FrontDoor.floats(lines.get(i).get("logits"));
            }
            double diff = FrontDoor.maxAbsDiff(got, want);
            double scale = FrontDoor.maxAbs(want);
            System.out.printf("front door %s batch %d: max |diff| %.3g of max |logit| %.3g%n", arch, batch, diff, scale);
            assertTrue(diff <= BOUND * scale, arch + " batch " + batch + ": max |diff| " + diff + " > " + BOUND + " x " + scale);
        }
    }

    /** chelsea.png as scikit-image ships it (300 x 451) through predict's own resize to 224 x 224. */
    @ParameterizedTest
    @MethodSource("resizedArchs")
    void resizedPhotographThroughPredict(String arch) throws Exception {
        float[][] want = FrontDoor.rows(Npy.read(DIR.resolve("resized." + arch + ".logits.npy")));
        Cli.Result r = Cli.run("predict", "--arch", arch, "--weights", DIR.resolve(arch + ".safetensors"),
                "--classes", 1000, "--imgsz", 224, "--json", FrontDoor.photograph("chelsea.png"));
        assertEquals(0, r.exit(), r::toString);
        float[][] got = {FrontDoor.floats(FrontDoor.jsonLinesByImage(r.out()).get(0).get("logits"))};
        double diff = FrontDoor.maxAbsDiff(got, want);
        double scale = FrontDoor.maxAbs(want);
        System.out.printf("front door %s resized chelsea: max |diff| %.3g of max |logit| %.3g%n", arch, diff, scale);
        assertTrue(diff <= BOUND * scale, arch + ": max |diff| " + diff + " > " + BOUND + " x " + scale);
    }

    static List<String> resizedArchs() {
        return List.of("resnet18", "mobilenet_v2", "squeezenet1_1");
    }
}
