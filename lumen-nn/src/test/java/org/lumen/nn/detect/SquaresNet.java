package org.lumen.nn.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.module.Module;

/**
 * A detector with no weights for testing the plumbing around detectors: it finds the 4-connected regions of
 * channel 0 above 0.5 and reports each bounding box with score 0.9, class 0 for regions wider than tall and 1
 * otherwise. On images of bright rectangles its detections are the truth, so every metric must be perfect.
 */
final class SquaresNet implements DetectionNet {
    static final String ARCH = "test_squares";

    static void register() {
        DetectionNets.register(ARCH, (numClasses, imgsz) -> new SquaresNet());
    }

    private final Module module = Lambda.identity();

    @Override
    public Module module() {
        return module;
    }

    @Override
    public String arch() {
        return ARCH;
    }

    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        throw new UnsupportedOperationException("not trainable");
    }

    @Override
    public List<String> lossParts() {
        return List.of();
    }

    @Override
    public String transfer(Path weights, NDManager manager) {
        return "nothing to transfer";
    }

    @Override
    public double defaultConf() {
        return 0.25;
    }

    @Override
    public List<Boxes> detect(NDArray images, double conf, int maxDet) {
        long[] shape = images.getShape().getShape();
        int n = (int) shape[0];
        int h = (int) shape[2];
        int w = (int) shape[3];
        float[] all = images.toFloatArray();
        List<Boxes> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int base = i * (int) shape[1] * h * w;
            boolean[] seen = new boolean[h * w];
            List<double[]> boxes = new ArrayList<>();
            for (int p = 0; p < h * w; p++) {
                if (seen[p] || all[base + p] <= 0.5f) {
                    continue;
                }
                int x1 = w;
                int y1 = h;
                int x2 = -1;
                int y2 = -1;
                ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(p));
                seen[p] = true;
                while (!queue.isEmpty()) {
                    int q = queue.poll();
                    int x = q % w;
                    int y = q / w;
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x);
                    y2 = Math.max(y2, y);
                    int[] next = {x > 0 ? q - 1 : -1, x < w - 1 ? q + 1 : -1, y > 0 ? q - w : -1, y < h - 1 ? q + w : -1};
                    for (int r : next) {
                        if (r >= 0 && !seen[r] && all[base + r] > 0.5f) {
                            seen[r] = true;
                            queue.add(r);
                        }
                    }
                }
                boxes.add(new double[] {x1, y1, x2 + 1, y2 + 1});
            }
            double[] xyxy = new double[4 * boxes.size()];
            int[] labels = new int[boxes.size()];
            double[] scores = new double[boxes.size()];
            for (int k = 0; k < boxes.size(); k++) {
                System.arraycopy(boxes.get(k), 0, xyxy, 4 * k, 4);
                double[] b = boxes.get(k);
                labels[k] = b[2] - b[0] > b[3] - b[1] ? 0 : 1;
                scores[k] = 0.9;
            }
            out.add(new Boxes(xyxy, labels, scores));
        }
        return out;
    }
}
