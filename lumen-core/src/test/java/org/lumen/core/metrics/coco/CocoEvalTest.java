package org.lumen.core.metrics.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

/** Small evaluations worked out by hand: what each pycocotools rule does to the numbers. */
class CocoEvalTest {
    private static final double EXACT = 1e-12;

    @TempDir
    Path dir;

    private CocoEvaluation evaluate(String annotations, String detections) throws IOException {
        return evaluate(annotations, detections, "[{\"id\": 1, \"width\": 100, \"height\": 100, \"file_name\": \"a.png\"},"
                + " {\"id\": 2, \"width\": 100, \"height\": 100, \"file_name\": \"b.png\"}]");
    }

    private CocoEvaluation evaluate(String annotations, String detections, String images) throws IOException {
        Path gt = Files.writeString(dir.resolve("gt.json"), "{\"images\": " + images + ", \"categories\": "
                + "[{\"id\": 1, \"name\": \"clump\"}, {\"id\": 2, \"name\": \"star\"}], \"annotations\": [" + annotations + "]}");
        Path dt = Files.writeString(dir.resolve("dt.json"), "[" + detections + "]");
        return CocoEval.evaluate(gt, dt, IouType.BBOX);
    }

    /**
     * One 20x20 object (area 400: small) found exactly: precision 1 at every recall threshold and IoU. Medium
     * and large have no ground truth (and category 2 none at all), so they are -1, not 0.
     */
    @Test
    void aPerfectDetection() throws IOException {
        CocoEvaluation e = evaluate("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 20, 20], \"area\": 400}",
                "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 20, 20], \"score\": 0.9}");
        assertArrayEquals(new double[] {1, 1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1}, e.stats(), EXACT);
        assertArrayEquals(new double[] {1, -1}, e.categoryAp(), EXACT);
        assertEquals(-1, e.precision(0, 0, 1, CocoParams.ALL, 2));
    }

    /**
     * Equal scores in two images: the detection of the image with the lower id comes first (pycocotools
     * concatenates images in id order and sorts stably). A false positive first: recall [0, .5], precision
     * [0, .5] -> envelope .5 up to recall .5, so AP = 51 * .5 / 101. A true positive first: AP = 51 / 101.
     */
    @Test
    void tiesAreBrokenByImageId() throws IOException {
        String gt = "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 40, 40], \"area\": 1600},"
                + "{\"id\": 2, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 40, 40], \"area\": 1600}";
        String hitIn2 = "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [50, 50, 40, 40], \"score\": 0.5},"
                + "{\"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 40, 40], \"score\": 0.5}";
        String hitIn1 = "{\"image_id\": 2, \"category_id\": 1, \"bbox\": [50, 50, 40, 40], \"score\": 0.5},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 40, 40], \"score\": 0.5}";
        assertEquals(51 * .5 / 101, evaluate(gt, hitIn2).stats()[0], EXACT);
        assertEquals(51.0 / 101, evaluate(gt, hitIn1).stats()[0], EXACT);
    }

    /**
     * A crowd region is ignored ground truth that any number of detections may match (IoU = intersection over
     * the detection's area), so the two detections inside it are neither hits nor false positives even though
     * they outscore the hit: AP stays 1. Counted as false positives they would give precision .33 at the hit.
     */
    @Test
    void detectionsInACrowdRegionAreIgnored() throws IOException {
        CocoEvaluation e = evaluate(
                "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"area\": 100},"
                + "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [50, 50, 40, 40], \"area\": 1600, \"iscrowd\": 1}",
                "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [60, 60, 10, 10], \"score\": 0.95},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [70, 70, 10, 10], \"score\": 0.93},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"score\": 0.9},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [20, 20, 5, 5], \"score\": 0.7}");
        assertEquals(1, e.stats()[0], EXACT);
        assertEquals(1, e.stats()[8], EXACT);
        assertEquals(-1, e.stats()[4], EXACT); // the only medium object is the crowd: no medium ground truth
    }

    /** Two objects, two exact detections: with one detection per image recall is 1/2, with ten it is 1. */
    @Test
    void maxDetsLimitsDetectionsPerImage() throws IOException {
        CocoEvaluation e = evaluate(
                "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"area\": 100},"
                + "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [20, 20, 10, 10], \"area\": 100}",
                "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"score\": 0.9},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [20, 20, 10, 10], \"score\": 0.8}");
        assertEquals(0.5, e.stats()[6], EXACT);
        assertEquals(1, e.stats()[7], EXACT);
        assertEquals(1, e.stats()[0], EXACT);
    }

    /**
     * A box [0,0,10,10] against [0,0,10,6] has IoU 60/100 = 0.6, which passes thresholds .50, .55 and .60 (a
     * match needs IoU >= threshold): AP50 = 1, AP75 = 0, AP = 3/10.
     */
    @Test
    void iouThresholds() throws IOException {
        CocoEvaluation e = evaluate("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"area\": 100}",
                "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 6], \"score\": 0.9}");
        assertEquals(0.3, e.stats()[0], EXACT);
        assertEquals(1, e.stats()[1], EXACT);
        assertEquals(0, e.stats()[2], EXACT);
        assertEquals(0.3, e.stats()[8], EXACT);
    }

    @Test
    void summaryHasPycocotoolsLayout() throws IOException {
        CocoEvaluation e = evaluate("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"area\": 100}",
                "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 6], \"score\": 0.9}");
        List<String> lines = e.summary().lines().toList();
        assertEquals(12, lines.size());
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.300", lines.get(0));
        assertEquals(" Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.000", lines.get(2));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines.get(4));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.300", lines.get(6));
    }

    @Test
    void everyDetectionFaultIsListedWithItsIndex() throws IOException {
        LumenException e = assertThrows(LumenException.class, () -> evaluate(
                "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"area\": 100}",
                "{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},"
                + "{\"image_id\": 1, \"category_id\": 9, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, -1, 1], \"score\": 0.5},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1], \"score\": 0.5},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": \"high\"},"
                + "{\"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}"));
        assertEquals(dir.resolve("dt.json").toString(), e.source());
        assertEquals(List.of("7 faults",
                "  [0]: unknown image id 7",
                "  [1]: unknown category id 9",
                "  [2]: non-positive box size [0,0,-1,1]",
                "  [3]: \"bbox\" should be [x, y, width, height] of finite numbers, found [0,0,1]",
                "  [4]: missing \"score\"",
                "  [5]: \"score\" should be a number, found \"high\"",
                "  [6]: missing \"image_id\""), e.getMessage().lines().toList());
    }

    @Test
    void malformedFilesAreBadInput() throws IOException {
        Path gt = Files.writeString(dir.resolve("gt.json"), "{\"images\": [], \"categories\": [], \"annotations\": []}");
        Path notJson = Files.writeString(dir.resolve("bad.json"), "[{\"image_id\": 1,");
        Path notList = Files.writeString(dir.resolve("obj.json"), "{\"image_id\": 1}");
        assertEquals("not valid JSON", assertThrows(LumenException.class,
                () -> CocoEval.evaluate(gt, notJson, IouType.BBOX)).getMessage().split(":")[0]);
        assertEquals(notList.toString(), assertThrows(LumenException.class,
                () -> CocoEval.evaluate(gt, notList, IouType.BBOX)).source());
        assertEquals("file not found", assertThrows(LumenException.class,
                () -> CocoEval.evaluate(gt, dir.resolve("none.json"), IouType.BBOX)).getMessage());
    }

    /** Mask IoU: a box-shaped mask as RLE; box detections count as their box polygons, as pycocotools' loadRes. */
    @Test
    void segmentationMasks() throws IOException {
        Path gt = Files.writeString(dir.resolve("gt.json"), """
                {"images": [{"id": 1, "width": 4, "height": 4, "file_name": "a.png"}],
                 "categories": [{"id": 1, "name": "a"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 4,
                                  "segmentation": [[0, 0, 2, 0, 2, 2, 0, 2]]}]}""");
        // the 2x2 square at the top left, column-major: 0 1 1 0 0 | 1 1 0 0 | ...: runs 0, 2, 2, 2, 10
        Path rle = Files.writeString(dir.resolve("rle.json"), """
                [{"image_id": 1, "category_id": 1, "score": 0.9, "segmentation": {"size": [4, 4], "counts": [0, 2, 2, 2, 10]}}]""");
        assertEquals(1, CocoEval.evaluate(gt, rle, IouType.SEGM).stats()[0], EXACT);
        Path boxes = Files.writeString(dir.resolve("boxes.json"), """
                [{"image_id": 1, "category_id": 1, "score": 0.9, "bbox": [0, 0, 2, 1]}]""");
        // half the square: IoU 0.5, a hit at threshold .50 only
        assertEquals(0.1, CocoEval.evaluate(gt, boxes, IouType.SEGM).stats()[0], EXACT);
        Path wrongSize = Files.writeString(dir.resolve("size.json"), """
                [{"image_id": 1, "category_id": 1, "score": 0.9, "segmentation": {"size": [2, 8], "counts": [16]}}]""");
        assertEquals(List.of("1 fault", "  [0]: mask size [2, 8] differs from image 1's [height, width] = [4, 4]"),
                assertThrows(LumenException.class, () -> CocoEval.evaluate(gt, wrongSize, IouType.SEGM))
                        .getMessage().lines().toList());
    }
}
