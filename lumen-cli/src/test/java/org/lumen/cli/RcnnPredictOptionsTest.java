package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageOps;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.detect.Detector;

/**
 * {@code predict --arch fasterrcnn_*} with bare weights (an untrained mobilenet_v2 Faster R-CNN's) on a 600x400
 * image: without {@code --imgsz} it predicts as with {@code --imgsz 800} (torchvision's min_size; the 640 it used
 * before gives other detections), and {@code --max-det 1000 --conf 0} returns more than the box head's former cap
 * of 100.
 */
class RcnnPredictOptionsTest {
    @TempDir
    static Path dir;
    static Path weights;
    static Path image;

    @BeforeAll
    static void weightsAndImage() throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("detect", "fasterrcnn_mobilenet_v2_fpn", List.of("a", "b"), 64, 3, norm[0],
                norm[1], null);
        try (Detector d = Detector.create(info, 3)) {
            d.save(dir.resolve("model"), null);
        }
        weights = dir.resolve("model").resolve(Detector.WEIGHTS);
        int h = 400;
        int w = 600;
        float[] px = new float[3 * h * w];
        Random r = new Random(2);
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        image = dir.resolve("noise.png");
        ImageOps.writePng(ImageOps.toRgb8(new Image(3, h, w, px, 8, Image.Scale.NORMALISED)), image);
    }

    private static Cli.Result predict(Object... extra) {
        List<Object> args = new java.util.ArrayList<>(List.of("predict", "--arch", "fasterrcnn_mobilenet_v2_fpn",
                "--weights", weights, "--classes", 2, "--json", "--conf", 0, "--max-det", 1000));
        args.addAll(List.of(extra));
        args.add(image);
        Cli.Result r = Cli.run(args.toArray());
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    @Test
    void defaultSizeIsTorchvisionsAndMaxDetPassesTheHeadsFormerCap() throws IOException {
        Cli.Result plain = predict();
        Cli.Result at800 = predict("--imgsz", 800);
        Cli.Result at640 = predict("--imgsz", 640);
        int n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(plain.outLines().get(0))
                .get("detections").size();
        System.out.printf("fasterrcnn_mobilenet_v2_fpn, untrained, conf 0, max-det 1000: %d detections%n", n);
        assertTrue(n > 100, "detections: " + n);
        assertEquals(at800.out(), plain.out(), "no --imgsz predicts as --imgsz 800");
        assertNotEquals(at640.out(), plain.out(), "--imgsz 640 resizes otherwise");
    }
}
