package org.lumen.nn.detect;

import java.util.ArrayList;
import java.util.List;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.Instances;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.coco.CocoDetections;
import org.lumen.core.metrics.coco.CocoEval;
import org.lumen.core.metrics.coco.CocoEvaluation;
import org.lumen.core.metrics.coco.IouType;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.core.metrics.detection.DetectionMetrics;
import org.lumen.nn.models.DetectionNet;

/**
 * A detector evaluated on a prepared split: COCO's statistics (pycocotools' definitions, from every detection
 * down to the detector's {@link DetectionNet#evalConf}: {@link #EVAL_CONF} for YOLO, 0.05 for R-CNN), completeness and purity at a stated IoU and confidence, and the time per image.
 * Boxes are compared in the pixels of the original images. An instance-segmentation model on a split with masks is
 * also evaluated on its masks ({@code maskCoco}: COCO's statistics with mask IoU, the masks pasted at each original
 * image's size as {@code predict} writes them).
 *
 * @param truth ground truth per image, original pixels
 * @param detections detections per image, original pixels, down to {@link DetectionNet#evalConf}
 * @param maskCoco the mask statistics, or {@code null} (a detector, or a split without masks)
 * @param masks with {@code maskCoco}, each detection's mask at its original image's size; else {@code null}
 * @param msPerImage preprocess (decode, convert, resize), inference (network and the detector's own
 *     post-processing: decoding and NMS), postprocess (mapping boxes back to the original image)
 */
public record DetectionEvaluation(List<String> classNames, List<Boxes> truth, List<Boxes> detections,
        CocoEvaluation coco, CocoEvaluation maskCoco, List<List<Rle>> masks, DetectionMetrics metrics,
        double[] msPerImage) {
    /** Detections kept for the COCO statistics (as low as Ultralytics' val uses). */
    public static final double EVAL_CONF = DetectionNet.EVAL_CONF;
    /** Detections per image kept for the COCO statistics (COCO's largest maxDets). */
    public static final int EVAL_MAX_DET = 100;

    /**
     * Runs the detector over the split in batches and evaluates.
     *
     * @param iou the IoU for completeness, purity and the confusion matrix
     * @param conf the confidence for completeness, purity and the confusion matrix
     * @param classAgnostic whether completeness and purity ignore classes (as the clump paper's single class)
     */
    public static DetectionEvaluation of(Detector model, PreparedDetections data, int batch, double iou,
            double conf, boolean classAgnostic, double preprocessMs) {
        int n = data.size();
        boolean masks = model.segments() && data.hasMasks();
        Pass p = pass(model, data, n, batch, model.net().evalConf(), masks);
        List<Boxes> truth = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] size = data.originalSize(i);
            truth.add(Detector.scale(data.truth(i), (double) size[0] / data.imgsz(), (double) size[1] / data.imgsz()));
        }
        List<Boxes> dets = p.dets();
        List<List<Rle>> maskDets = p.masks();
        List<String> names = model.info().classNames();
        CocoEvaluation coco = CocoEval.evaluate(groundTruth(truth, data, names), results(dets, null), IouType.BBOX);
        CocoEvaluation maskCoco = masks ? CocoEval.evaluate(maskTruth(data, names), results(dets, maskDets),
                IouType.SEGM) : null;
        DetectionMetrics metrics = DetectionMetrics.evaluate(truth, dets, names.size(), iou, conf, classAgnostic);
        double[] ms = {preprocessMs, n == 0 ? 0 : p.inferNs() / 1e6 / n, n == 0 ? 0 : p.postNs() / 1e6 / n};
        return new DetectionEvaluation(names, truth, dets, coco, maskCoco, maskDets, metrics, ms);
    }

    /**
     * Milliseconds per image as a user runs the detector, {inference, postprocess}: detections at {@code conf}
     * (at most {@link #EVAL_MAX_DET} per image) in batches of {@code batch}, then boxes scaled and (for a model
     * that segments) masks pasted at each original image's size; after two warm-up batches, which pay for
     * allocation and the engine's set-up.
     */
    public static double[] msPerImage(Detector model, PreparedDetections data, int batch, double conf) {
        int n = data.size();
        if (n == 0) {
            return new double[] {0, 0};
        }
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            pass(model, data, Math.min(batch, n), batch, conf, model.segments());
        }
        Pass p = pass(model, data, n, batch, conf, model.segments());
        return new double[] {p.inferNs() / 1e6 / n, p.postNs() / 1e6 / n};
    }

    /** A pass's detections in original pixels (and masks, or null), and its time in and after the network. */
    private record Pass(List<Boxes> dets, List<List<Rle>> masks, long inferNs, long postNs) {}

    /** The first {@code n} images of {@code data} through the detector, {@code batch} at a time. */
    private static Pass pass(Detector model, PreparedDetections data, int n, int batch, double conf, boolean masks) {
        int s = data.imgsz();
        List<Boxes> dets = new ArrayList<>();
        List<List<Rle>> maskDets = masks ? new ArrayList<>() : null;
        long inferNs = 0;
        long postNs = 0;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            List<float[]> images = new ArrayList<>();
            for (int i = from; i < to; i++) {
                images.add(data.pixels(i));
            }
            long t0 = System.nanoTime();
            try (Detector.Prepared out = model.detectPrepared(images, conf, EVAL_MAX_DET, masks)) {
                long t1 = System.nanoTime();
                for (int i = from; i < to; i++) {
                    int[] size = data.originalSize(i);
                    Boxes b = Detector.scale(out.boxes().get(i - from), (double) size[0] / s, (double) size[1] / s);
                    dets.add(b);
                    if (masks) {
                        maskDets.add(out.paste(i - from, b, size[1], size[0]));
                    }
                }
                postNs += System.nanoTime() - t1;
                inferNs += t1 - t0;
            }
        }
        return new Pass(dets, maskDets, inferNs, postNs);
    }

    /** The ground-truth masks at the original sizes as a COCO dataset (ids as {@link #groundTruth}). */
    public static CocoDataset maskTruth(PreparedDetections data, List<String> names) {
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            int[] size = data.originalSize(i);
            List<Rle> gt = data.originalMasks(i);
            int[] labels = data.data().items().get(i).labels();
            for (int k = 0; k < gt.size(); k++) {
                anns.add(Instances.toCoco(new Instances.Instance(labels[k], List.of(), gt.get(k), false),
                        anns.size() + 1, i + 1, labels[k] + 1, size[0], size[1]));
            }
        }
        return new CocoDataset(images(data), anns, categories(names));
    }

    /** The ground truth as a COCO dataset: image ids 1..N in split order, category ids = class index + 1. */
    public static CocoDataset groundTruth(List<Boxes> truth, PreparedDetections data, List<String> names) {
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        long annId = 1;
        for (int i = 0; i < truth.size(); i++) {
            Boxes b = truth.get(i);
            for (int k = 0; k < b.size(); k++) {
                double[] c = b.xyxy();
                double w = c[4 * k + 2] - c[4 * k];
                double h = c[4 * k + 3] - c[4 * k + 1];
                anns.add(new CocoDataset.Annotation(annId++, i + 1, b.labels()[k] + 1, c[4 * k], c[4 * k + 1], w, h,
                        w * h, 0, null));
            }
        }
        return new CocoDataset(images(data), anns, categories(names));
    }

    /** The split's images with ids 1..N in order, at their original sizes. */
    private static List<CocoDataset.Image> images(PreparedDetections data) {
        List<CocoDataset.Image> images = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            int[] size = data.originalSize(i);
            images.add(new CocoDataset.Image(i + 1, data.data().items().get(i).image().getFileName().toString(),
                    size[0], size[1]));
        }
        return images;
    }

    /** Category ids = class index + 1. */
    private static List<CocoDataset.Category> categories(List<String> names) {
        List<CocoDataset.Category> cats = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            cats.add(new CocoDataset.Category(k + 1, names.get(k), ""));
        }
        return cats;
    }

    /**
     * Detections as COCO results: image ids 1..N, category ids = label + 1, and boxes {@code [x, y, w, h]}, or, with
     * {@code masks} (per image, per detection), the masks (their boxes and areas then the masks').
     */
    public static CocoDetections results(List<Boxes> dets, List<List<Rle>> masks) {
        int total = dets.stream().mapToInt(Boxes::size).sum();
        long[] imageIds = new long[total];
        long[] cats = new long[total];
        double[] scores = new double[total];
        double[] boxes = new double[4 * total];
        Rle[] rles = new Rle[total];
        int j = 0;
        for (int i = 0; i < dets.size(); i++) {
            Boxes b = dets.get(i);
            for (int k = 0; k < b.size(); k++, j++) {
                imageIds[j] = i + 1;
                cats[j] = b.labels()[k] + 1;
                scores[j] = b.scores()[k];
                double[] c = b.xyxy();
                boxes[4 * j] = c[4 * k];
                boxes[4 * j + 1] = c[4 * k + 1];
                boxes[4 * j + 2] = c[4 * k + 2] - c[4 * k];
                boxes[4 * j + 3] = c[4 * k + 3] - c[4 * k + 1];
                if (masks != null) {
                    rles[j] = masks.get(i).get(k);
                }
            }
        }
        return masks == null ? CocoDetections.ofBoxes(imageIds, cats, scores, boxes)
                : CocoDetections.ofMasks(imageIds, cats, scores, rles);
    }
}
