package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.geometry.Rle;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.image.ImageOps;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.models.MaskDetections;
import org.lumen.nn.ops.Tiling;

/**
 * {@code predict --json} with an (untrained) Mask R-CNN: each detection carries {@code "mask"} as COCO RLE at the
 * input image's size (40 x 56, not the model's 64 x 64), the same masks the library gives, each inside its box
 * widened as torchvision pastes; with {@code --tile}, the tiles' merged detections with their masks placed in
 * the whole image.
 */
class MaskPredictTest {
    private static final int H = 40;
    private static final int W = 56;

    @TempDir
    static Path dir;
    static Path model;
    static Path image;

    @BeforeAll
    static void modelAndImage() throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("detect", "maskrcnn_resnet18_fpn", List.of("clump", "star"), 64, 3, norm[0],
                norm[1], null);
        model = dir.resolve("model");
        try (Detector d = Detector.create(info, 0)) {
            d.save(model, null);
        }
        float[] px = new float[3 * H * W];
        Random r = new Random(1);
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        image = dir.resolve("noise.png");
        ImageOps.writePng(ImageOps.toRgb8(new Image(3, H, W, px, 8, Image.Scale.NORMALISED)), image);
    }

    @Test
    void jsonCarriesEachDetectionsMaskAsCocoRle() throws IOException {
        Cli.Result r = Cli.run("predict", "--model", model, "--json", "--conf", 0, "--max-det", 20, image);
        assertEquals(0, r.exit(), r::toString);
        JsonNode o = new ObjectMapper().readTree(r.outLines().get(0));
        JsonNode dets = o.get("detections");
        assertTrue(dets.size() > 0 && dets.size() <= 20, o::toString);
        List<MaskDetections> lib;
        try (Detector d = Detector.load(model)) {
            lib = d.detectMasks(List.of(ImageDecoder.read(image)), 0, 20);
        }
        assertEquals(lib.get(0).size(), dets.size());
        long area = 0;
        for (int i = 0; i < dets.size(); i++) {
            JsonNode det = dets.get(i);
            JsonNode mask = det.get("mask");
            assertEquals(H, mask.get("size").get(0).asInt(), det::toString);
            assertEquals(W, mask.get("size").get(1).asInt(), det::toString);
            Rle rle = Rle.fromCompressedString(mask.get("counts").asText(), H, W);
            assertEquals(lib.get(0).rle(i), rle);
            area += rle.area();
            if (rle.area() > 0) {
                // inside the box widened by 30/28 about its centre (torchvision's padding of the 28x28 map)
                double[] bb = rle.bbox();
                double x1 = det.get("box").get(0).asDouble();
                double y1 = det.get("box").get(1).asDouble();
                double x2 = det.get("box").get(2).asDouble();
                double y2 = det.get("box").get(3).asDouble();
                double mx = (x2 - x1) / 28 + 1;
                double my = (y2 - y1) / 28 + 1;
                assertTrue(bb[0] >= x1 - mx && bb[0] + bb[2] <= x2 + mx + 1, det + " " + rle);
                assertTrue(bb[1] >= y1 - my && bb[1] + bb[3] <= y2 + my + 1, det + " " + rle);
            }
        }
        assertTrue(area > 0, "random mask heads still give some pixels above 0.5");
        Cli.Result text = Cli.run("predict", "--model", model, "--conf", 0, "--max-det", 3, image);
        assertEquals(0, text.exit(), text::toString);
        assertTrue(text.out().contains(" mask "), text.out());
    }

    @Test
    void tiledPredictionMergesTilesAndPlacesTheirMasksInTheImage() throws IOException {
        Cli.Result r = Cli.run("predict", "--model", model, "--json", "--conf", 0, "--max-det", 10, "--tile", 32,
                "--tile-overlap", 8, image);
        assertEquals(0, r.exit(), r::toString);
        JsonNode dets = new ObjectMapper().readTree(r.outLines().get(0)).get("detections");
        // what the library gives for the same tiles (4 of 32 px over 40 x 56), merged at IoU 0.5 as predict merges
        List<Tiling.Tile> tiles = Tiling.grid(W, H, 32, 8);
        assertEquals(4, tiles.size());
        MaskDetections want;
        try (Detector d = Detector.load(model)) {
            Image img = ImageDecoder.read(image);
            List<MaskDetections> perTile = new java.util.ArrayList<>();
            for (Tiling.Tile t : tiles) {
                perTile.add(d.detectMasks(List.of(Tiling.crop(img, t)), 0, 10).get(0));
            }
            want = MaskDetections.merge(tiles, perTile, 0.5, false, H, W).first(40);
        }
        assertTrue(dets.size() > 10, "four tiles of up to 10 each, merged: " + dets.size());
        assertEquals(want.size(), dets.size());
        for (int i = 0; i < dets.size(); i++) {
            JsonNode mask = dets.get(i).get("mask");
            assertEquals(H, mask.get("size").get(0).asInt());
            assertEquals(W, mask.get("size").get(1).asInt());
            assertEquals(want.rle(i), Rle.fromCompressedString(mask.get("counts").asText(), H, W));
        }
    }
}
