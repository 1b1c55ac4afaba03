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
 * {@code train --task detect} with a Faster R-CNN on a tiny survey, started from a classification ResNet's weights
 * as torchvision does (from scratch is refused: frozen batch norms cannot normalise an untrained backbone): the
 * four torchvision losses are logged, conv1 and layer1 stay as transferred (trainable layers 3) while layer4
 * learns, and the result validates.
 */
class FasterRcnnTrainTest {
    @TempDir
    static Path dir;

    @Test
    void trainsFromAClassifierBackbone() throws IOException {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 24, "--size", 64);
        assertEquals(0, synth.exit(), synth::toString);
        Path data = dir.resolve("survey/detect");
        Path cls = TestModels.save(dir.resolve("cls"), List.of("clumpy", "smooth"));
        Path run = dir.resolve("run");
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", data, "--arch", "fasterrcnn_resnet18_fpn",
                "--imgsz", 64, "--out", run), "--weights", "pretrained backbone");
        assertFalse(Files.exists(run));

        Cli.Result r = Cli.run("train", "--task", "detect", "--data", data, "--arch", "fasterrcnn_resnet18_fpn",
                "--weights", cls.resolve("weights.safetensors"), "--imgsz", 64, "--epochs", 1, "--batch", 4,
                "--lr", 1e-4, "--out", run);
        assertEquals(0, r.exit(), r::toString);
        ResultsCsv results = ResultsCsv.read(run.resolve("results.csv"));
        assertEquals(List.of("train_loss", "train_loss_classifier", "train_loss_box_reg", "train_loss_objectness",
                "train_loss_rpn_box_reg", "lr", "val_map50", "val_map50_95", "val_completeness", "val_purity",
                "val_f1"), results.columns());
        String csv = Files.readString(run.resolve("results.csv"));
        assertFalse(csv.contains("NaN"), csv);

        try (SafeTensors before = SafeTensors.open(cls.resolve("weights.safetensors"));
                SafeTensors after = SafeTensors.open(run.resolve("last/weights.safetensors"))) {
            Map<String, SafeTensors.Entry> b = before.entries();
            Map<String, SafeTensors.Entry> a = after.entries();
            assertArrayEquals(before.readFloats(b.get("layer1.0.conv1.weight")),
                    after.readFloats(a.get("backbone.body.layer1.0.conv1.weight")), "layer1 is frozen");
            assertArrayEquals(before.readFloats(b.get("conv1.weight")),
                    after.readFloats(a.get("backbone.body.conv1.weight")), "conv1 is frozen");
            float[] l4b = before.readFloats(b.get("layer4.1.conv2.weight"));
            float[] l4a = after.readFloats(a.get("backbone.body.layer4.1.conv2.weight"));
            assertFalse(java.util.Arrays.equals(l4b, l4a), "layer4 trains");
        }

        Cli.Result val = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--out", dir.resolve("val"));
        assertEquals(0, val.exit(), val::toString);
        assertTrue(Files.isRegularFile(dir.resolve("val/metrics.json")));
    }
}
