package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.data.DetectionData;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.report.Csv;
import org.lumen.core.report.Json;
import org.lumen.nn.detect.DetectionEvaluation;
import org.lumen.nn.detect.DetectionTraining;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.detect.PreparedDetections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lumen compare}: detectors and instance-segmentation models side by side on one split, in the form of the
 * orchard paper's table (precision and recall at a confidence, box and mask AP, milliseconds per image).
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate trained detectors and instance-segmentation models (e.g. a YOLOv8-seg and a "
            + "Mask R-CNN) on the same split and write one table: precision and recall at --conf and --iou (a "
            + "detection is right when its box overlaps an unmatched object of its class by --iou), COCO box mAP50 "
            + "and mAP50-95, mask mAP50 and mAP50-95 (pycocotools' definitions; for models that segment), "
            + "parameters, and milliseconds per image for preprocessing, inference and postprocessing (mask "
            + "pasting included) at --conf and --batch, after a warm-up. When any model segments, --data is read as an instance "
            + "dataset (COCO with segmentations, YOLO segmentation labels or class masks) and every model is scored "
            + "on those objects. Writes OUT/compare.md, OUT/compare.csv and OUT/compare.json and prints the table."},
        footer = {"", "Examples:",
            "  lumen compare --data survey/segment --split test --out runs/compare runs/yoloseg/best runs/maskrcnn/best",
            "  lumen compare --data orchard --conf 0.5 --batch 1 --out cmp yolo/best mask/best"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "MODEL", description = "Model directories (train's best/ or last/).")
    List<Path> models;

    @Option(names = "--data", required = true, paramLabel = "D", description = "Dataset root (as for val).")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "train, val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--conf", defaultValue = "0.5", paramLabel = "C", description = "Confidence for precision and recall (default: ${DEFAULT-VALUE}, as the orchard paper).")
    double conf;

    @Option(names = "--iou", defaultValue = "0.5", paramLabel = "T", description = "IoU for precision and recall (default: ${DEFAULT-VALUE}).")
    double iou;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "Images per forward pass, also for the timing (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder (replaced whole).")
    Path out;

    static final List<String> COLUMNS = List.of("model", "arch", "params_m", "precision", "recall", "box_map50",
            "box_map50_95", "mask_map50", "mask_map50_95", "ms_preprocess", "ms_inference", "ms_postprocess",
            "ms_total");

    @Override
    public Integer call() throws IOException {
        if (!List.of("val", "test", "train").contains(split)) {
            throw new LumenException("--split", "must be train, val or test, got '" + split + "'");
        }
        DetectCli.checkUnit("--conf", conf);
        if (!(iou > 0 && iou <= 1)) {
            throw new LumenException("--iou", "must be in (0, 1], got " + iou);
        }
        Flags.between("--batch", batch, 1, Flags.MAX_BATCH);
        boolean anySegments = false;
        List<ModelDir> dirs = new ArrayList<>();
        for (Path m : models) {
            ModelDir dir = ModelDir.open(m); // model.json read once per model
            String task = dir.task();
            if (!task.equals("detect")) {
                throw new LumenException(m, "is a '" + task + "' model; compare takes detectors and instance"
                        + " segmentation models");
            }
            anySegments |= DetectionTraining.segments(dir.info().arch());
            dirs.add(dir);
        }
        DetectCli.EvalSplit es = DetectCli.EvalSplit.read(data, split, anySegments);
        DetectionData boxes = es.boxes();
        if (boxes.items().isEmpty()) {
            throw new LumenException(data, "the " + split + " split has no images");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelDir m : dirs) {
            rows.add(evaluate(m, es));
        }
        String table = markdown(rows, boxes.items().size());
        AtomicFiles.writeFolder(out, dir -> {
            java.nio.file.Files.writeString(dir.resolve("compare.md"), table);
            StringBuilder csv = new StringBuilder(Csv.row(COLUMNS));
            for (Map<String, Object> r : rows) {
                csv.append(Csv.row(COLUMNS.stream().map(c -> r.get(c) == null ? "" : String.valueOf(r.get(c)))
                        .toList()));
            }
            java.nio.file.Files.writeString(dir.resolve("compare.csv"), csv.toString());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("data", data.toAbsolutePath().normalize().toString());
            json.put("split", split);
            json.put("images", boxes.items().size());
            json.put("instances", boxes.items().stream().mapToInt(DetectionData.Item::count).sum());
            json.put("conf", conf);
            json.put("iou", iou);
            json.put("batch", batch);
            json.put("cpus", Runtime.getRuntime().availableProcessors());
            json.put("models", rows);
            Json.write(dir.resolve("compare.json"), json);
        });
        System.out.print(table);
        System.out.println("-> " + out);
        return Main.OK;
    }

    private Map<String, Object> evaluate(ModelDir dir, DetectCli.EvalSplit es) throws IOException {
        DetectionData boxes = es.boxes();
        Path model = dir.path();
        try (Detector d = Detector.load(dir)) {
            if (!boxes.classNames().equals(d.info().classNames())) {
                throw new LumenException(model, "classes " + d.info().classNames() + " differ from the data's "
                        + boxes.classNames());
            }
            long t0 = System.nanoTime();
            PreparedDetections prepared = es.prepare(d.info().imgsz());
            double preMs = (System.nanoTime() - t0) / 1e6 / prepared.size();
            DetectionEvaluation e = DetectionEvaluation.of(d, prepared, batch, iou, conf, false, preMs);
            double[] ms = DetectionEvaluation.msPerImage(d, prepared, batch, conf);
            long params = d.weightCount();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", model.toString());
            r.put("arch", d.info().arch());
            r.put("params_m", params / 1e6);
            r.put("precision", e.metrics().purity());
            r.put("recall", e.metrics().completeness());
            r.put("box_map50", e.coco().stats()[1]);
            r.put("box_map50_95", e.coco().stats()[0]);
            r.put("mask_map50", e.maskCoco() == null ? null : e.maskCoco().stats()[1]);
            r.put("mask_map50_95", e.maskCoco() == null ? null : e.maskCoco().stats()[0]);
            r.put("ms_preprocess", preMs);
            r.put("ms_inference", ms[0]);
            r.put("ms_postprocess", ms[1]);
            r.put("ms_total", preMs + ms[0] + ms[1]);
            return r;
        }
    }

    private String markdown(List<Map<String, Object>> rows, int images) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s split of %s: %d images; precision and recall at conf %.2f, IoU %.2f;"
                + " ms per image at batch %d on %d CPUs%n%n", split, data, images, conf, iou, batch,
                Runtime.getRuntime().availableProcessors()));
        s.append("| Model | Params (M) | Precision | Recall | Box mAP50 | Box mAP50-95 | Mask mAP50 | Mask mAP50-95"
                + " | Pre (ms) | Inference (ms) | Post (ms) | Total (ms) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s | %s | %s | %s | %s | %.1f | %.1f | %.1f | %.1f |%n",
                    r.get("arch"), (double) r.get("params_m"), f3(r.get("precision")), f3(r.get("recall")),
                    f3(r.get("box_map50")), f3(r.get("box_map50_95")), f3(r.get("mask_map50")),
                    f3(r.get("mask_map50_95")), (double) r.get("ms_preprocess"), (double) r.get("ms_inference"),
                    (double) r.get("ms_postprocess"), (double) r.get("ms_total")));
        }
        return s.toString();
    }

    private static String f3(Object v) {
        if (v == null) {
            return "-";
        }
        double d = (double) v;
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3f", d);
    }
}
