package org.lumen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Completeness and purity counted by hand from the COCO files {@code val} writes (ground truth and box
 * detections), independently of Lumen's metrics code: per image, detections with score at least {@code conf} in
 * descending score order each take the unmatched ground-truth box of highest IoU, if that IoU is at least
 * {@code iou} (the greedy matching of pycocotools at one IoU; one class, or classes ignored).
 */
final class DetectionCount {
    /** True positives, detections and ground-truth boxes at {@code conf}. */
    record Counts(int truePositives, int detections, int truths) {
        double completeness() {
            return truths == 0 ? 0 : truePositives / (double) truths;
        }

        double purity() {
            return detections == 0 ? 0 : truePositives / (double) detections;
        }
    }

    private DetectionCount() {}

    static Counts count(Path groundTruth, Path detections, double iou, double conf) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<Long, List<double[]>> truths = new HashMap<>();
        int nTruth = 0;
        for (JsonNode a : json.readTree(groundTruth.toFile()).get("annotations")) {
            truths.computeIfAbsent(a.get("image_id").asLong(), k -> new ArrayList<>()).add(xyxy(a.get("bbox"), 0));
            nTruth++;
        }
        Map<Long, List<double[]>> found = new HashMap<>();
        int nFound = 0;
        for (JsonNode d : json.readTree(detections.toFile())) {
            double score = d.get("score").asDouble();
            if (score >= conf) {
                found.computeIfAbsent(d.get("image_id").asLong(), k -> new ArrayList<>()).add(xyxy(d.get("bbox"), score));
                nFound++;
            }
        }
        int tp = 0;
        for (Map.Entry<Long, List<double[]>> e : found.entrySet()) {
            List<double[]> gt = truths.getOrDefault(e.getKey(), List.of());
            boolean[] taken = new boolean[gt.size()];
            List<double[]> dt = new ArrayList<>(e.getValue());
            dt.sort((a, b) -> Double.compare(b[4], a[4]));
            for (double[] d : dt) {
                int best = -1;
                double bestIou = iou;
                for (int g = 0; g < gt.size(); g++) {
                    double v = iou(d, gt.get(g));
                    if (!taken[g] && v >= bestIou) {
                        best = g;
                        bestIou = v;
                    }
                }
                if (best >= 0) {
                    taken[best] = true;
                    tp++;
                }
            }
        }
        return new Counts(tp, nFound, nTruth);
    }

    private static double[] xyxy(JsonNode xywh, double score) {
        double x = xywh.get(0).asDouble();
        double y = xywh.get(1).asDouble();
        return new double[] {x, y, x + xywh.get(2).asDouble(), y + xywh.get(3).asDouble(), score};
    }

    private static double iou(double[] a, double[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        double inter = Math.max(w, 0) * Math.max(h, 0);
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
