package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.geometry.Rle;

class InstanceDataTest {
    private static Rle square(int x0, int y0, int side, int h, int w) {
        byte[] m = new byte[h * w];
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                m[y * w + x] = 1;
            }
        }
        return Rle.encode(m, h, w);
    }

    @Test
    void boxesAreTheMasksBoundsAndCrowdsAndEmptyMasksAreLeftOut() {
        // a 20 x 10 image (width 20): a polygon, a crowd, an empty mask and a 4x4 mask
        Instances.Instance polygon = new Instances.Instance(1, List.of(new double[] {2, 1, 8, 1, 8, 5, 2, 5}), null,
                false);
        Instances.Instance crowd = new Instances.Instance(0, List.of(), square(0, 0, 3, 10, 20), true);
        Instances.Instance empty = new Instances.Instance(0, List.of(), Rle.encode(new byte[200], 10, 20), false);
        Instances.Instance mask = new Instances.Instance(0, List.of(), square(12, 4, 4, 10, 20), false);
        Instances.Sample s = new Instances.Sample(Path.of("a.png"), "a.png", 20, 10,
                List.of(polygon, crowd, empty, mask));
        InstanceData d = InstanceData.of(List.of("clump", "star"), List.of(s));
        DetectionData.Item item = d.detection().items().get(0);
        assertArrayEquals(new int[] {1, 0}, item.labels());
        assertArrayEquals(new int[] {0, 3}, d.objects().get(0));
        // pycocotools rasterises the polygon [2,8] x [1,5] to pixels x 2..7, y 1..4: box [2, 1, 8, 5] in corners
        Rle p = polygon.mask(10, 20);
        assertArrayEquals(new double[] {2, 1, 6, 4}, p.bbox(), 0);
        assertArrayEquals(new double[] {2 / 20.0, 1 / 10.0, 8 / 20.0, 5 / 10.0, 12 / 20.0, 4 / 10.0, 16 / 20.0,
            8 / 10.0}, item.boxes(), 1e-15);
        // at the original size the masks are the instances' own
        List<Rle> same = d.masks(0, 10, 20);
        assertEquals(p, same.get(0));
        assertEquals(mask.rle(), same.get(1));
        // stretched to 40 x 40: the mask by nearest neighbour (x doubles, y quadruples), the polygon rasterised
        List<Rle> big = d.masks(0, 40, 40);
        assertArrayEquals(new double[] {24, 16, 8, 16}, big.get(1).bbox(), 0);
        assertEquals(8 * 16, big.get(1).area());
        assertArrayEquals(new double[] {4, 4, 12, 16}, big.get(0).bbox(), 0);
    }

    @Test
    void theLayoutIsToldByWhatTheFolderHolds(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("coco/annotations"));
        Files.createDirectories(dir.resolve("masks"));
        Files.writeString(dir.resolve("masks/classes.json"), "{\"classes\": [\"background\", \"x\"]}");
        Files.createDirectories(dir.resolve("yolo"));
        Files.writeString(dir.resolve("yolo/data.yaml"), "names: [x]\n");
        assertEquals(InstanceFormats.Format.COCO, InstanceData.format(dir.resolve("coco")));
        assertEquals(InstanceFormats.Format.MASKS, InstanceData.format(dir.resolve("masks")));
        assertEquals(InstanceFormats.Format.YOLO_SEG, InstanceData.format(dir.resolve("yolo")));
        assertEquals(InstanceFormats.Format.YOLO_SEG, InstanceData.format(dir.resolve("yolo/data.yaml")));
        LumenException e = assertThrows(LumenException.class, () -> InstanceData.format(dir));
        assertTrue(e.getMessage().contains("not an instance-segmentation dataset"), e.getMessage());
    }
}
