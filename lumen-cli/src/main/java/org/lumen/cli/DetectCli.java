package org.lumen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lumen.core.LumenException;
import org.lumen.core.data.DetectionData;
import org.lumen.core.data.InstanceData;
import org.lumen.core.data.Instances;
import org.lumen.core.image.BoxOverlay;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.image.ImageOps;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.detect.DetectionEvaluation;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.detect.DetectionReport;
import org.lumen.nn.detect.DetectionTraining;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.model.Detections;
import org.lumen.nn.detect.PreparedDetections;
import org.lumen.nn.ops.Tiling;
import org.lumen.nn.train.DetectionAugment;
import org.lumen.nn.train.TrainConfig;

/** The detection side of {@code train}, {@code val} and {@code predict}. */
final class DetectCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectCli() {}

    /** Checks a detector architecture name (unknown names get the close ones). */
    static void checkArch(String arch) {
        if (!DetectionNets.exists(arch)) {
            DetectionNets.create(arch, 1, 64); // throws with suggestions
        }
    }

    static DetectionAugment augment(String name) {
        return switch (name) {
            case "science" -> DetectionAugment.SCIENCE;
            case "none" -> DetectionAugment.NONE;
            default -> throw new LumenException("--augment", "must be science or none, got '" + name + "'");
        };
    }

    static void train(Path data, String arch, Path weights, int imgsz, TrainConfig config, String augment,
            boolean fix, ObjectNode provenance, Path out, boolean resume) throws IOException {
        checkArch(arch);
        List<String> fixes = new ArrayList<>();
        DetectionTraining training = new DetectionTraining(arch, imgsz, weights, config, augment(augment), 0.5, 0.25,
                provenance);
        if (DetectionTraining.segments(arch)) {
            List<InstanceData> splits = InstanceData.read(data, fix ? fixes : null, "train", "val");
            InstanceData train = splits.get(0);
            InstanceData val = splits.get(1);
            printFixes(fixes);
            checkNotEmpty(data, train.detection(), val.detection());
            training.run(train, val, out, resume);
            return;
        }
        DetectionData train = DetectionData.read(data, "train", fix, fixes);
        DetectionData val = DetectionData.read(data, "val", fix, fixes);
        printFixes(fixes);
        checkNotEmpty(data, train, val);
        training.run(train, val, out, resume);
    }

    private static void printFixes(List<String> fixes) {
        for (String f : fixes) {
            System.err.println("fixed: " + f);
        }
    }

    private static void checkNotEmpty(Path data, DetectionData train, DetectionData val) {
        if (train.items().isEmpty()) {
            throw new LumenException(data, "the train split has no images");
        }
        if (val.items().isEmpty()) {
            throw new LumenException(data, "the val split has no images");
        }
    }

    static void val(ModelDir dir, Path data, String split, int batch, Double conf, double iou, boolean agnostic,
            Path out) throws IOException {
        checkUnit("--iou", iou);
        Path model = dir.path();
        try (Detector d = Detector.load(dir)) {
            double c = conf == null ? d.net().defaultConf() : conf;
            checkUnit("--conf", c);
            EvalSplit es = EvalSplit.read(data, split, d.segments());
            DetectionData ds = es.boxes();
            if (!ds.classNames().equals(d.info().classNames())) {
                throw new LumenException(data, "classes " + ds.classNames() + " differ from the model's "
                        + d.info().classNames());
            }
            long t0 = System.nanoTime();
            PreparedDetections prepared = es.prepare(d.info().imgsz());
            double preMs = prepared.size() == 0 ? 0 : (System.nanoTime() - t0) / 1e6 / prepared.size();
            DetectionEvaluation e = DetectionEvaluation.of(d, prepared, batch, iou, c, agnostic, preMs);
            DetectionReport.write(out, e, prepared);
            System.out.printf(Locale.ROOT, "%s %s: mAP50 %.4f, mAP50-95 %.4f, completeness %.4f, purity %.4f"
                    + " (IoU %.2f, conf %.2f; %d images, %d objects) -> %s%n", model, split, e.coco().stats()[1],
                    e.coco().stats()[0], e.metrics().completeness(), e.metrics().purity(), iou, c, prepared.size(),
                    e.truth().stream().mapToInt(Boxes::size).sum(), out);
            if (e.maskCoco() != null) {
                System.out.printf(Locale.ROOT, "%s %s masks: mAP50 %.4f, mAP50-95 %.4f%n", model, split,
                        e.maskCoco().stats()[1], e.maskCoco().stats()[0]);
            }
        }
    }

    /**
     * One split as detectors are evaluated on it (val, compare): with each object's mask when {@code masks} (read
     * as an instance dataset, for a model that segments), else its boxes alone.
     */
    record EvalSplit(DetectionData boxes, InstanceData instances) {
        static EvalSplit read(Path data, String split, boolean masks) throws IOException {
            InstanceData instances = masks ? InstanceData.read(data, split, null) : null;
            return new EvalSplit(instances != null ? instances.detection() : DetectionData.read(data, split, false,
                    null), instances);
        }

        /** The images prepared at {@code imgsz}, each object's mask with them when the split has masks. */
        PreparedDetections prepare(int imgsz) throws IOException {
            return instances != null ? PreparedDetections.load(instances, imgsz) : PreparedDetections.load(boxes, imgsz);
        }
    }

    static void checkUnit(String option, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new LumenException(option, "must be in [0, 1], got " + v);
        }
    }

    /**
     * Detections for each file: one JSON line per image ({@code {"image", "detections": [{"box", "score",
     * "label", "class"}]}}, and {@code "mask"} as COCO RLE, {@code {"size": [h, w], "counts": "..."}}, for an
     * instance segmentation model) or one text line; with {@code saveDir}, an annotated PNG per image. A file that
     * cannot be read is reported through {@code errors} and skipped (or, when strict, ends the loop).
     */
    static void predict(Detector d, List<Path> files, Double conf, int maxDet, Integer tile, int overlap,
            boolean agnostic, double mergeIou, Path saveDir, boolean json, FileErrors errors) throws IOException {
        double c = conf == null ? d.net().defaultConf() : conf;
        checkUnit("--conf", c);
        if (maxDet < 1) {
            throw new LumenException("--max-det", "must be at least 1, got " + maxDet);
        }
        if (saveDir != null) {
            Files.createDirectories(saveDir);
        }
        List<String> names = d.info().classNames();
        Tiling.Options tiling = tile == null ? null : new Tiling.Options(tile, overlap, mergeIou, agnostic);
        for (Path file : files) {
            // stretched once for the whole image, so that tiles share one stretch
            Image image = errors.attempt(file, () -> displayable(ImageDecoder.read(file)));
            if (errors.stopped()) {
                break;
            }
            if (image == null) {
                continue;
            }
            Detections found = tiling == null ? d.run(List.of(image), c, maxDet).get(0)
                    : d.runTiled(image, tiling, c, maxDet);
            Boxes boxes = found.boxes();
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("image", file.toString());
                ArrayNode arr = o.putArray("detections");
                for (int i = 0; i < boxes.size(); i++) {
                    ObjectNode det = arr.addObject();
                    ArrayNode box = det.putArray("box");
                    for (int j = 0; j < 4; j++) {
                        box.add(boxes.xyxy()[4 * i + j]);
                    }
                    det.put("score", boxes.scores()[i]);
                    det.put("label", boxes.labels()[i]);
                    det.put("class", names.get(boxes.labels()[i]));
                    if (found.hasMasks()) {
                        det.set("mask", Instances.rleJson(found.masks().get(i)));
                    }
                }
                System.out.println(JSON.writeValueAsString(o));
            } else {
                StringBuilder sb = new StringBuilder(file.toString()).append(": ").append(boxes.size())
                        .append(boxes.size() == 1 ? " detection" : " detections");
                for (int i = 0; i < boxes.size(); i++) {
                    double[] b = boxes.xyxy();
                    sb.append(String.format(Locale.ROOT, "%n  %s %.3f [%.1f, %.1f, %.1f, %.1f]",
                            names.get(boxes.labels()[i]), boxes.scores()[i], b[4 * i], b[4 * i + 1], b[4 * i + 2],
                            b[4 * i + 3]));
                    if (found.hasMasks()) {
                        sb.append(String.format(Locale.ROOT, " mask %d px", found.masks().get(i).area()));
                    }
                }
                System.out.println(sb);
            }
            System.out.flush();
            if (saveDir != null) {
                String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                ImageOps.writePng(BoxOverlay.render(image, boxes, null, names, found.masks()),
                        saveDir.resolve(stem + ".detections.png"));
            }
        }
    }

    /** The image as shown: physical values stretched as for the model, 3 channels. */
    private static Image displayable(Image image) {
        Image img = image.scale() == Image.Scale.PHYSICAL ? org.lumen.core.image.Stretch.percentile(image,
                org.lumen.nn.model.Preprocess.LOW_PERCENTILE, org.lumen.nn.model.Preprocess.HIGH_PERCENTILE)
                : image;
        return ImageOps.toChannels(img, 3);
    }

    /** A detector from bare weights ({@code --arch A --weights W --classes K}). */
    static Detector fromWeights(String arch, Path weights, List<String> classNames, int imgsz) {
        checkArch(arch);
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("detect", arch, classNames, imgsz, 3, norm[0],
                norm[1], null);
        return Detector.fromWeights(info, weights);
    }
}
