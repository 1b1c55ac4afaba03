package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.data.InstanceFormats.Format;
import org.lumen.core.geometry.Iou;
import org.lumen.core.geometry.Rle;

class InstanceFormatsTest {
    @TempDir
    Path dir;

    static final int W = 20, H = 16;

    /** A COCO dataset: train has two images, val one; polygons (one in two parts), compressed and plain RLE. */
    static Path cocoDataset(Path root) throws IOException {
        for (String name : List.of("train/a.png", "train/b.png", "val/c.png")) {
            Path p = root.resolve("images").resolve(name);
            Files.createDirectories(p.getParent());
            ImageIO.write(new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY), "png", p.toFile());
        }
        byte[] disc = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double dx = x + 0.5 - 12, dy = y + 0.5 - 8;
                disc[y * W + x] = (byte) (dx * dx + dy * dy <= 16 ? 1 : 0);
            }
        }
        Rle rle = Rle.encode(disc, H, W);
        StringBuilder counts = new StringBuilder();
        for (int c : rle.counts()) {
            counts.append(counts.length() == 0 ? "" : ", ").append(c);
        }
        String cats = "\"categories\": [{\"id\": 3, \"name\": \"clump\"}, {\"id\": 7, \"name\": \"star\"}]";
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("annotations/instances_train.json"), "{\"images\": ["
                + "{\"id\": 1, \"file_name\": \"a.png\", \"width\": 20, \"height\": 16},"
                + "{\"id\": 2, \"file_name\": \"b.png\", \"width\": 20, \"height\": 16}], \"annotations\": ["
                + "{\"id\": 1, \"image_id\": 1, \"category_id\": 3, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": [[2, 2, 8, 2, 8, 8, 2, 8]]},"
                + "{\"id\": 2, \"image_id\": 1, \"category_id\": 7, \"bbox\": [1, 10, 17, 5],"
                + " \"segmentation\": [[1, 10, 5, 10, 5, 14], [14, 10, 18, 10, 18, 15, 14, 15]]},"
                + "{\"id\": 3, \"image_id\": 2, \"category_id\": 3, \"bbox\": [8, 4, 8, 8],"
                + " \"segmentation\": {\"size\": [16, 20], \"counts\": \"" + rle.toCompressedString() + "\"}}],"
                + cats + "}");
        Files.writeString(root.resolve("annotations/instances_val.json"), "{\"images\": ["
                + "{\"id\": 5, \"file_name\": \"c.png\", \"width\": 20, \"height\": 16}], \"annotations\": ["
                + "{\"id\": 9, \"image_id\": 5, \"category_id\": 7, \"bbox\": [8, 4, 8, 8],"
                + " \"segmentation\": {\"size\": [16, 20], \"counts\": [" + counts + "]}}]," + cats + "}");
        return root;
    }

    @Test
    void cocoSegmentationsAreReadAsPolygonsAndMasks() throws IOException {
        Instances data = InstanceFormats.read(Format.COCO, cocoDataset(dir.resolve("coco")), null);
        assertEquals(List.of("clump", "star"), data.classes());
        assertEquals(List.of("train", "val"), List.copyOf(data.splits().keySet()));
        Instances.Sample a = data.splits().get("train").get(0);
        assertEquals(2, a.instances().size());
        assertEquals(1, a.instances().get(1).classIndex());
        assertEquals(2, a.instances().get(1).polygons().size());
        Instances.Instance masked = data.splits().get("train").get(1).instances().get(0);
        Instances.Instance plain = data.splits().get("val").get(0).instances().get(0);
        assertEquals(masked.rle(), plain.rle());
        assertEquals(masked.rle().area(), 52); // the disc of radius 4 on this grid
    }

    @Test
    void badSegmentationsAreAllReportedWithTheirPlace() throws IOException {
        Path root = cocoDataset(dir.resolve("coco"));
        Path json = root.resolve("annotations/instances_train.json");
        Files.writeString(json, "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\", \"width\": 20, \"height\": 16}],"
                + " \"annotations\": ["
                + "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": [[2, 2, 8, 2, 8], [2, 2, 8, 8, 8, 2, 2, 8], [2, 2, 25, 2, 8, 8]]},"
                + "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": {\"size\": [20, 16], \"counts\": \"PP\"}},"
                + "{\"id\": 3, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": {\"size\": [16, 20], \"counts\": [5, 3]}},"
                + "{\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6]},"
                + "{\"id\": 5, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": [[2, 2, 3, 3, 4, 4]]}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"clump\"}]}");
        LumenException e = assertThrows(LumenException.class, () -> InstanceFormats.read(Format.COCO, root, null));
        assertEquals(json.toString(), e.source());
        assertEquals(List.of("7 faults",
                "  annotations[0] (id 1): segmentation[0]: odd number of coordinates (5): x and y come in pairs",
                "  annotations[0] (id 1): segmentation[1]: self-intersecting polygon: edge 0 (point 0 to 1) crosses"
                        + " edge 2 (point 2 to 3)",
                "  annotations[0] (id 1): segmentation[2]: point 2 (25, 2) outside image 1 (20x16)",
                "  annotations[1] (id 2): RLE size [20, 16] (height, width) differs from image 1 (a.png, 20x16, so"
                        + " size [16, 20])",
                "  annotations[2] (id 3): RLE run lengths sum to 8, not height x width = 320",
                "  annotations[3] (id 4): missing \"segmentation\" (polygons [[x1, y1, ...], ...] or RLE"
                        + " {\"size\": [h, w], \"counts\": ...})",
                "  annotations[4] (id 5): segmentation[0]: degenerate polygon: zero area"),
                e.getMessage().lines().toList());
        // fixing clips the point into the image and drops the part without area; the other faults remain
        List<String> fixes = new ArrayList<>();
        LumenException fixed = assertThrows(LumenException.class,
                () -> InstanceFormats.read(Format.COCO, root, fixes));
        assertEquals(5, fixed.getMessage().lines().count() - 1);
    }

    @Test
    void fixingRepairsWhatClippingCan() throws IOException {
        Path root = cocoDataset(dir.resolve("coco"));
        Files.delete(root.resolve("annotations/instances_val.json"));
        Path json = root.resolve("annotations/instances_train.json");
        Files.writeString(json, "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\", \"width\": 20, \"height\": 16}],"
                + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": [[2, 2, 25, 2, 8, 8], [1, 1, 2, 2, 3, 3]]},"
                + "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [2, 2, 6, 6],"
                + " \"segmentation\": [[1, 1, 2, 2, 3, 3]]}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"clump\"}]}");
        List<String> fixes = new ArrayList<>();
        Instances data = InstanceFormats.read(Format.COCO, root, fixes);
        assertEquals(List.of(
                json + ": annotations[0] (id 1): segmentation[0]: clipped 1 coordinate into image 1 (20x16) (first"
                        + " point 2 (25, 2))",
                json + ": annotations[0] (id 1): segmentation[1]: dropped degenerate polygon: zero area",
                json + ": annotations[1] (id 2): segmentation[0]: dropped degenerate polygon: zero area",
                json + ": annotations[1] (id 2): dropped annotation, no polygon left"), fixes);
        List<Instances.Instance> kept = data.splits().get("train").get(0).instances();
        assertEquals(1, kept.size());
        assertArrayEquals(new double[] {2, 2, 20, 2, 8, 8}, kept.get(0).polygons().get(0), 0);
    }

    @Test
    void cocoPolygonsBecomeNormalisedYoloOutlines() {
        Instances.Instance square = new Instances.Instance(1, List.of(new double[] {2, 2, 8, 2, 8, 8, 2, 8}), null,
                false);
        YoloSegLabels.Instance yolo = Instances.toYolo(square, W, H);
        assertEquals(1, yolo.classId());
        assertArrayEquals(new double[] {0.1, 0.125, 0.4, 0.125, 0.4, 0.5, 0.1, 0.5}, yolo.xy(), 1e-15);
        // and back: the same polygon in pixels; its COCO box is its extent, its area its rasterised pixel count
        Instances.Instance back = Instances.fromYolo(yolo, W, H);
        assertArrayEquals(square.polygons().get(0), back.polygons().get(0), 1e-12);
        CocoDataset.Annotation a = Instances.toCoco(back, 4, 2, 2, W, H);
        assertArrayEquals(new double[] {2, 2, 6, 6}, new double[] {a.x(), a.y(), a.width(), a.height()}, 1e-12);
        assertEquals(Rle.fromPolygon(back.polygons().get(0), H, W).area(), a.area(), 0);
        assertEquals(36, a.area(), 0);
        assertEquals("[[2.0,2.0,8.0,2.0,8.0,8.0,2.0,8.0]]", a.segmentation().toString());
    }

    @Test
    void classMasksSplitIntoComponentsAndPaintBack() {
        byte[] mask = new byte[W * H];
        for (int x = 1; x < 5; x++) {
            mask[2 * W + x] = 1;        // a bar of class 1
            mask[10 * W + x + 10] = 1;  // another, apart
        }
        mask[5 * W + 5] = 2;            // one pixel of class 2
        mask[6 * W + 6] = 2;            // touching it only at a corner: a separate object
        List<Instances.Instance> objects = Instances.fromClassMask(mask, W, H, 3);
        assertEquals(4, objects.size());
        assertEquals(List.of(0, 0, 1, 1), objects.stream().map(Instances.Instance::classIndex).toList());
        assertEquals(4, objects.get(0).rle().area());
        // each object's RLE is what pycocotools' encode gives for that component alone
        byte[] first = new byte[W * H];
        for (int x = 1; x < 5; x++) {
            first[2 * W + x] = 1;
        }
        assertEquals(Rle.encode(first, H, W), objects.get(0).rle());
        assertEquals(Rle.encode(new byte[] {0, 0, 0, 1}, 2, 2),
                Instances.fromClassMask(new byte[] {0, 0, 0, 2}, 2, 2, 3).get(0).rle());
        assertArrayEquals(mask, Instances.classMask(objects, W, H));
    }

    private static double iou(Rle a, Rle b) {
        return Iou.mask(a, b, false);
    }

    /** coco -> yolo-seg -> masks -> coco: every object survives, its mask close to the original. */
    @Test
    void conversionsRoundTrip() throws IOException {
        Instances coco = InstanceFormats.read(Format.COCO, cocoDataset(dir.resolve("coco")), null);
        Path yoloDir = dir.resolve("yolo");
        Files.createDirectories(yoloDir);
        InstanceFormats.write(Format.YOLO_SEG, coco, yoloDir);
        // the triangle rolled to start at its point closest to the square, (5, 10), closed; then the square
        assertEquals("1 0.250000 0.625000 0.250000 0.875000 0.050000 0.625000 0.250000 0.625000 0.700000 0.625000"
                + " 0.900000 0.625000 0.900000 0.937500 0.700000 0.937500 0.700000 0.625000",
                Files.readAllLines(yoloDir.resolve("labels/train/a.txt")).get(1));
        Instances yolo = InstanceFormats.read(Format.YOLO_SEG, yoloDir, null);
        assertEquals(coco.classes(), yolo.classes());
        assertEquals(coco.instanceCount(), yolo.instanceCount());
        double worst = 1;
        for (String split : coco.splits().keySet()) {
            for (int i = 0; i < coco.splits().get(split).size(); i++) {
                List<Instances.Instance> before = coco.splits().get(split).get(i).instances();
                List<Instances.Instance> after = yolo.splits().get(split).get(i).instances();
                for (int k = 0; k < before.size(); k++) {
                    worst = Math.min(worst, iou(before.get(k).mask(H, W), after.get(k).mask(H, W)));
                }
            }
        }
        // the two-part polygon's link is walked out and back: it adds no pixel; the disc's outline is exact
        assertEquals(1.0, worst, 0, "worst IoU coco -> yolo-seg");

        Path masksDir = dir.resolve("masks");
        Files.createDirectories(masksDir);
        InstanceFormats.write(Format.MASKS, yolo, masksDir);
        Instances masks = InstanceFormats.read(Format.MASKS, masksDir, null);
        assertEquals(coco.classes(), masks.classes());
        // the two-part star is two components in a class mask
        assertEquals(coco.instanceCount() + 1, masks.instanceCount());

        Path cocoAgain = dir.resolve("coco2");
        Files.createDirectories(cocoAgain);
        InstanceFormats.write(Format.COCO, masks, cocoAgain);
        Instances back = InstanceFormats.read(Format.COCO, cocoAgain, null);
        Path masksAgain = dir.resolve("masks2");
        Files.createDirectories(masksAgain);
        InstanceFormats.write(Format.MASKS, back, masksAgain);
        for (String f : List.of("classes.json", "masks/train/a.png", "masks/train/b.png", "masks/val/c.png")) {
            assertArrayEquals(Files.readAllBytes(masksDir.resolve(f)), Files.readAllBytes(masksAgain.resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(cocoAgain.resolve("images/val/c.png")));
        assertNull(InstanceFormats.Format.parse("voc"));
    }
}
