package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.detect.DetectionNet;
import org.lumen.nn.module.Module;
import org.lumen.nn.weights.Weights;

/**
 * {@link FasterRcnn} as a Lumen detector, for inference: labels 0-based without the background (torchvision's
 * label minus one), the transform's sizes set to the model's input size. Training (the RPN and box-head losses
 * with their samplers) is not implemented yet: {@link #losses} refuses with a clear message.
 */
public final class FasterRcnnNet implements DetectionNet {
    private final String arch;
    private final FasterRcnn net;

    public FasterRcnnNet(String arch, String body, int numClasses, int imgsz) {
        this.arch = arch;
        this.net = new FasterRcnn(body, numClasses + 1, new int[] {32, 64, 128, 256, 512}).withSizes(imgsz, imgsz);
    }

    @Override
    public Module module() {
        return net;
    }

    @Override
    public String arch() {
        return arch;
    }

    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        throw new LumenException("--arch", "training " + arch + " is not available yet (inference with torchvision"
                + " weights is); train a yolov8n/s/m instead");
    }

    @Override
    public List<String> lossParts() {
        return List.of("loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg");
    }

    @Override
    public List<Boxes> detect(NDArray images, double conf, int maxDet) {
        int n = (int) images.getShape().get(0);
        List<NDArray> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(images.get(i));
        }
        List<Boxes> out = new ArrayList<>();
        for (Boxes b : net.detect(list)) {
            List<Integer> keep = new ArrayList<>();
            for (int j = 0; j < b.size() && keep.size() < maxDet; j++) {
                if (b.scores()[j] >= conf) {
                    keep.add(j);
                }
            }
            double[] xyxy = new double[4 * keep.size()];
            int[] labels = new int[keep.size()];
            double[] scores = new double[keep.size()];
            for (int k = 0; k < keep.size(); k++) {
                int j = keep.get(k);
                System.arraycopy(b.xyxy(), 4 * j, xyxy, 4 * k, 4);
                labels[k] = b.labels()[j] - 1;
                scores[k] = b.scores()[j];
            }
            out.add(new Boxes(xyxy, labels, scores));
        }
        return out;
    }

    @Override
    public String transfer(Path weights, NDManager manager) {
        Weights.load(net, weights, manager);
        return "loaded " + arch + " weights from " + weights;
    }

    @Override
    public double defaultConf() {
        return 0.05;
    }
}
