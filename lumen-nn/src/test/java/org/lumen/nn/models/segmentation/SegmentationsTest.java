package org.lumen.nn.models.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.lumen.core.LumenException;

/** Every kind of U-Net gives logits at the input's size, for any channel count, class count and image size. */
class SegmentationsTest {
    @ParameterizedTest
    @CsvSource({"unet-w4-d2, 1, 1, 33, 20", "unet-w4-d4, 4, 5, 64, 48", "unet-mobilenet_v2, 3, 2, 45, 61",
        "unet-squeezenet1_1, 1, 3, 64, 64", "unet-densenet121, 2, 1, 40, 40"})
    void logitsAtInputResolution(String arch, int channels, int classes, int h, int w) {
        SegmentationModel net = Segmentations.create(arch, classes, channels);
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, 0);
            net.train(false);
            NDArray y = net.apply(m.randomNormal(new Shape(2, channels, h, w)));
            assertEquals(new Shape(2, classes, h, w), y.getShape());
        }
    }

    @Test
    void stateDictNamesAndStages() {
        SegmentationModel u = Segmentations.create("unet-w8-d2", 2, 3);
        assertEquals(List.of("inc", "down1", "down2"), u.encoderStages());
        assertTrue(u.stateDict().containsKey("up2.3.weight"));
        assertTrue(u.stateDict().containsKey("outc.bias"));
        BackboneUNet r = (BackboneUNet) Segmentations.create("unet-resnet34", 2, 1);
        assertEquals(List.of("encoder.conv1+encoder.bn1", "encoder.layer1", "encoder.layer2", "encoder.layer3",
                "encoder.layer4"), r.encoderStages());
        assertTrue(r.stateDict().keySet().stream().noneMatch(k -> k.startsWith("encoder.fc")), "head dropped");
        assertEquals(new Shape(64, 1, 7, 7), r.stateDict().get("encoder.conv1.weight").shape());
    }

    @Test
    void unknownArchitecturesSuggest() {
        LumenException e = assertThrows(LumenException.class, () -> Segmentations.create("unet-resnet19", 2, 3));
        assertEquals("arch", e.source()); // a setting, which the CLI prints as --arch (Flags)
        assertTrue(e.isSetting());
        assertTrue(e.getMessage().contains("did you mean unet-resnet18"), e.getMessage());
        assertThrows(LumenException.class, () -> Segmentations.create("unet-w0-d2", 2, 3));
    }
}
