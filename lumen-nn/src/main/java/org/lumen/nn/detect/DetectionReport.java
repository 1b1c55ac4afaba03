package org.lumen.nn.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.metrics.ConfusionMatrix;
import org.lumen.core.metrics.Curve;
import org.lumen.core.metrics.coco.CocoEvaluation;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.core.metrics.detection.DetectionMetrics;
import org.lumen.core.report.Json;
import org.lumen.core.report.Plots;

/**
 * The output folder of {@code lumen val --task detect}, written whole and atomically:
 * <ul>
 *   <li>{@code metrics.json}: {@code coco} (the 12 statistics, pycocotools' names), {@code map50},
 *       {@code map50_95}, {@code completeness}, {@code purity}, {@code f1} (at {@code iou} and {@code conf}),
 *       {@code per_class.<name>.{ap50, ap50_95, completeness, purity, instances}},
 *       {@code confusion_matrix} (rows = predicted, columns = true, last = background), {@code ms_per_image}
 *       ({@code preprocess, inference, postprocess}), {@code images}, {@code instances};</li>
 *   <li>{@code detections.json} (COCO results) and {@code ground_truth.json} (COCO), so that
 *       {@code lumen coco-eval --gt ground_truth.json --dt detections.json} reproduces the statistics;</li>
 *   <li>{@code pr_curve.png}, {@code f1_curve.png}, {@code confusion_matrix.png}.</li>
 * </ul>
 */
public final class DetectionReport {
    private DetectionReport() {}

    public static void write(Path out, DetectionEvaluation e, PreparedDetections data) throws IOException {
        AtomicFiles.writeFolder(out, dir -> {
            Json.write(dir.resolve("metrics.json"), metrics(e));
            DetectionEvaluation.groundTruth(e.truth(), data, e.classNames()).write(dir.resolve("ground_truth.json"));
            Json.write(dir.resolve("detections.json"), results(e.detections(), null));
            if (e.masks() != null) {
                DetectionEvaluation.maskTruth(data, e.classNames()).write(dir.resolve("mask_ground_truth.json"));
                Json.write(dir.resolve("mask_detections.json"), results(e.detections(), e.masks()));
            }
            plots(dir, e);
        });
    }

    /** The {@code metrics.json} content. */
    public static Map<String, Object> metrics(DetectionEvaluation e) {
        DetectionMetrics m = e.metrics();
        CocoEvaluation coco = e.coco();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("task", "detect");
        o.put("classes", e.classNames());
        o.put("coco", coco.statsByName());
        o.put("map50", coco.stats()[1]);
        o.put("map50_95", coco.stats()[0]);
        o.put("iou", m.iou());
        o.put("conf", m.conf());
        o.put("completeness", finite(m.completeness()));
        o.put("purity", m.purity());
        o.put("f1", m.f1(-1, m.conf()));
        Map<String, Map<String, Object>> per = perClassAp(coco, e.classNames());
        for (int k = 0; k < e.classNames().size(); k++) {
            Map<String, Object> c = per.get(e.classNames().get(k));
            c.put("completeness", finite(m.completeness(k, m.conf())));
            c.put("purity", m.purity(k, m.conf()));
            c.put("instances", m.counts(k, 0)[2]);
        }
        o.put("per_class", per);
        if (e.maskCoco() != null) {
            CocoEvaluation mc = e.maskCoco();
            Map<String, Object> mask = new LinkedHashMap<>();
            mask.put("coco", mc.statsByName());
            mask.put("map50", mc.stats()[1]);
            mask.put("map50_95", mc.stats()[0]);
            mask.put("per_class", perClassAp(mc, e.classNames()));
            o.put("mask", mask);
        }
        o.put("confusion_matrix", m.confusion());
        o.put("ms_per_image", Map.of("preprocess", e.msPerImage()[0], "inference", e.msPerImage()[1],
                "postprocess", e.msPerImage()[2]));
        o.put("images", e.truth().size());
        o.put("instances", e.truth().stream().mapToInt(Boxes::size).sum());
        return o;
    }

    /** NaN (no ground truth, or pycocotools' -1) as JSON null. */
    /** Class name to {@code {"ap50", "ap50_95"}} (NaN as null), in class order, ready for more keys. */
    private static Map<String, Map<String, Object>> perClassAp(CocoEvaluation coco, List<String> names) {
        Map<String, Map<String, Object>> per = new LinkedHashMap<>();
        double[] ap = coco.categoryAp();
        double[] ap50 = coco.categoryAp(0);
        for (int k = 0; k < names.size(); k++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("ap50", finite(ap50[k]));
            c.put("ap50_95", finite(ap[k]));
            per.put(names.get(k), c);
        }
        return per;
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || v < 0 ? null : v;
    }

    /**
     * Detections as COCO results: with {@code masks} null, each with its {@code bbox}; otherwise each with its mask
     * as compressed RLE {@code segmentation} and no {@code bbox}, so that pycocotools' {@code loadRes} takes each
     * area and box from the mask (with a {@code bbox} it would take the box's area).
     */
    static List<Map<String, Object>> results(List<Boxes> dets, List<List<org.lumen.core.geometry.Rle>> masks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < dets.size(); i++) {
            Boxes b = dets.get(i);
            for (int k = 0; k < b.size(); k++) {
                double[] c = b.xyxy();
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("image_id", i + 1);
                d.put("category_id", b.labels()[k] + 1);
                if (masks == null) {
                    d.put("bbox", new double[] {c[4 * k], c[4 * k + 1], c[4 * k + 2] - c[4 * k],
                        c[4 * k + 3] - c[4 * k + 1]});
                } else {
                    d.put("segmentation", org.lumen.core.data.Instances.rleJson(masks.get(i).get(k)));
                }
                d.put("score", b.scores()[k]);
                out.add(d);
            }
        }
        return out;
    }

    private static void plots(Path dir, DetectionEvaluation e) throws IOException {
        DetectionMetrics m = e.metrics();
        Map<String, double[][]> pr = new LinkedHashMap<>();
        Map<String, double[][]> f1 = new LinkedHashMap<>();
        int groups = m.classAgnostic() ? 1 : e.classNames().size();
        for (int k = 0; k < groups; k++) {
            String name = m.classAgnostic() ? "all" : e.classNames().get(k);
            Curve c = m.precisionRecall(k);
            pr.put(name, new double[][] {c.x(), c.y()});
            Curve f = m.f1Confidence(k, 101);
            f1.put(name, new double[][] {f.x(), f.y()});
        }
        Plots.curvePanels(dir.resolve("pr_curve.png"), List.of(new Plots.CurvePanel(
                "Precision-recall (IoU " + m.iou() + ")", "Recall (completeness)", "Precision (purity)", pr)));
        Plots.curvePanels(dir.resolve("f1_curve.png"), List.of(new Plots.CurvePanel("F1-confidence", "Confidence",
                "F1", f1)));
        long[][] c = m.confusion();
        int k = c.length;
        List<Integer> truth = new ArrayList<>();
        List<Integer> pred = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            for (int t = 0; t < k; t++) {
                for (long n = 0; n < c[p][t]; n++) {
                    truth.add(t);
                    pred.add(p);
                }
            }
        }
        List<String> names = new ArrayList<>(e.classNames());
        names.add("background");
        Plots.confusionMatrix(dir.resolve("confusion_matrix.png"), names, ConfusionMatrix.of(
                truth.stream().mapToInt(Integer::intValue).toArray(), pred.stream().mapToInt(Integer::intValue).toArray(),
                k));
    }
}
