package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.report.ResultsCsv;
import org.lumen.nn.weights.SafeTensors;

/**
 * {@code train --task detect --arch fasterrcnn_mobilenet_v2_fpn} from a classification MobileNetV2's weights on a
 * tiny survey: torchvision's four losses logged without NaN, features 0-6 stay as transferred (torchvision's
 * trainable layers 3 on MobileNetV2), features 18 learns; val and predict run on the result.
 */
class FasterRcnnMobileNetTrainTest {
    @TempDir
    static Path dir;

    @Test
    void trainsFromAMobileNetClassifier() throws IOException {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 16, "--size", 64);
        assertEquals(0, synth.exit(), synth::toString);
        Path data = dir.resolve("survey/detect");
        Path cls = TestModels.save(dir.resolve("cls"), List.of("clumpy", "smooth"), "mobilenet_v2");
        Path run = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--task", "detect", "--data", data, "--arch", "fasterrcnn_mobilenet_v2_fpn",
                "--weights", cls.resolve("weights.safetensors"), "--imgsz", 64, "--epochs", 1, "--batch", 4,
                "--lr", 1e-4, "--out", run);
        assertEquals(0, r.exit(), r::toString);
        assertTrue((r.out() + r.err()).contains("features.0-6 frozen"), r::toString);
        ResultsCsv results = ResultsCsv.read(run.resolve("results.csv"));
        assertTrue(results.columns().containsAll(List.of("train_loss_classifier", "train_loss_box_reg",
                "train_loss_objectness", "train_loss_rpn_box_reg")), results.columns().toString());
        String csv = Files.readString(run.resolve("results.csv"));
        assertFalse(csv.contains("NaN"), csv);

        try (SafeTensors before = SafeTensors.open(cls.resolve("weights.safetensors"));
                SafeTensors after = SafeTensors.open(run.resolve("last/weights.safetensors"))) {
            Map<String, SafeTensors.Entry> b = before.entries();
            Map<String, SafeTensors.Entry> a = after.entries();
            assertArrayEquals(before.readFloats(b.get("features.0.0.weight")),
                    after.readFloats(a.get("backbone.body.0.0.weight")), "features.0 is frozen");
            assertArrayEquals(before.readFloats(b.get("features.6.conv.0.0.weight")),
                    after.readFloats(a.get("backbone.body.6.conv.0.0.weight")), "features.6 is frozen");
            assertArrayEquals(before.readFloats(b.get("features.18.1.running_mean")),
                    after.readFloats(a.get("backbone.body.18.1.running_mean")), "batch norms frozen");
            assertFalse(java.util.Arrays.equals(before.readFloats(b.get("features.18.0.weight")),
                    after.readFloats(a.get("backbone.body.18.0.weight"))), "features.18 trains");
        }

        Cli.Result val = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--out", dir.resolve("val"));
        assertEquals(0, val.exit(), val::toString);
        assertTrue(Files.isRegularFile(dir.resolve("val/metrics.json")));
        Cli.Result pred = Cli.run("predict", "--model", run.resolve("best"), "--json",
                data.resolve("images/test"));
        assertEquals(0, pred.exit(), pred::toString);
        assertTrue(pred.out().lines().count() >= 1 && pred.out().contains("{"), pred::toString);
    }
}
