package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.geometry.Rle;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.image.ImageOps;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.models.MaskDetections;

/**
 * {@code predict --json} with an (untrained) YOLOv8n-seg, as with Ultralytics weights converted to safetensors:
 * each detection carries {@code "mask"} as COCO RLE at the image's own size, equal to the library's, and inside
 * the detection's box (Ultralytics crops each mask to its box); training it is refused with a clear error.
 */
class YoloSegPredictTest {
    private static final int H = 40;
    private static final int W = 56;

    @TempDir
    static Path dir;

    @Test
    void masksComeWithTheDetections() throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("detect", "yolov8n-seg", List.of("clump"), 64, 3, norm[0], norm[1], null);
        Path model = dir.resolve("model");
        try (Detector d = Detector.create(info, 0)) {
            d.save(model, null);
        }
        float[] px = new float[3 * H * W];
        Random r = new Random(2);
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        Path image = dir.resolve("noise.png");
        ImageOps.writePng(ImageOps.toRgb8(new Image(3, H, W, px, 8, Image.Scale.NORMALISED)), image);

        Cli.Result res = Cli.run("predict", "--model", model, "--json", "--conf", 0, "--max-det", 8, image);
        assertEquals(0, res.exit(), res::toString);
        JsonNode dets = new ObjectMapper().readTree(res.outLines().get(0)).get("detections");
        assertEquals(8, dets.size());
        List<MaskDetections> lib;
        try (Detector d = Detector.load(model)) {
            lib = d.detectMasks(List.of(ImageDecoder.read(image)), 0, 8);
        }
        long area = 0;
        for (int i = 0; i < dets.size(); i++) {
            JsonNode det = dets.get(i);
            JsonNode mask = det.get("mask");
            assertEquals(H, mask.get("size").get(0).asInt());
            assertEquals(W, mask.get("size").get(1).asInt());
            Rle rle = Rle.fromCompressedString(mask.get("counts").asText(), H, W);
            assertEquals(lib.get(0).rle(i), rle);
            area += rle.area();
            if (rle.area() > 0) {
                // cut to the box at prototype resolution (4 input pixels, 56/64 of that here), then upsampled
                double[] bb = rle.bbox();
                double m = 2 * 4 * W / 64.0;
                assertTrue(bb[0] >= det.get("box").get(0).asDouble() - m
                        && bb[0] + bb[2] <= det.get("box").get(2).asDouble() + m, det + " " + rle);
                assertTrue(bb[1] >= det.get("box").get(1).asDouble() - m
                        && bb[1] + bb[3] <= det.get("box").get(3).asDouble() + m, det + " " + rle);
            }
        }
        assertTrue(area > 0, "random prototypes still give some pixels above 0.5");
    }
}
