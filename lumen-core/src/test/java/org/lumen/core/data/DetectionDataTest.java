package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.synth.GalaxySurvey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionDataTest {
    @TempDir
    Path dir;

    @Test
    void yoloAndCocoFormsOfTheSurveyAgree() throws Exception {
        GalaxySurvey.builder().optCount(20).optSeed(5).optSize(64).build().write(dir);
        Path detect = dir.resolve("detect");
        for (String split : List.of("train", "val", "test")) {
            DetectionData yolo = DetectionData.read(detect.resolve("data.yaml"), split, false, null);
            DetectionData coco = DetectionData.read(moveYamlAside(detect), split, false, null);
            restoreYaml(detect);
            assertEquals(List.of("clump"), yolo.classNames());
            assertEquals(yolo.classNames(), coco.classNames());
            assertEquals(yolo.items().size(), coco.items().size(), split);
            Map<Path, DetectionData.Item> byImage = new HashMap<>();
            coco.items().forEach(it -> byImage.put(it.image().toAbsolutePath().normalize(), it));
            int objects = 0;
            for (DetectionData.Item y : yolo.items()) {
                DetectionData.Item c = byImage.get(y.image().toAbsolutePath().normalize());
                assertEquals(y.count(), c.count(), y.image().toString());
                // YOLO files round centres and sizes to 6 decimals of the image size
                assertArrayEquals(c.boxes(), y.boxes(), 2e-6, y.image().toString());
                assertArrayEquals(c.labels(), y.labels());
                for (double v : y.boxes()) {
                    assertTrue(v >= 0 && v <= 1, "normalised coordinate " + v);
                }
                objects += y.count();
            }
            if (split.equals("train")) {
                assertTrue(objects > 0, "the survey has clumps");
            }
        }
    }

    private static Path moveYamlAside(Path detect) throws Exception {
        Files.move(detect.resolve("data.yaml"), detect.resolve("data.yaml.off"));
        return detect;
    }

    private static void restoreYaml(Path detect) throws Exception {
        Files.move(detect.resolve("data.yaml.off"), detect.resolve("data.yaml"));
    }

    @Test
    void aFolderThatIsNoDatasetIsNamed() {
        LumenException e = assertThrows(LumenException.class,
                () -> DetectionData.read(dir, "train", false, new ArrayList<>()));
        assertTrue(e.getMessage().contains("not a detection dataset"), e.getMessage());
        LumenException missing = assertThrows(LumenException.class,
                () -> DetectionData.read(dir.resolve("nope.yaml"), "train", false, new ArrayList<>()));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }
}
