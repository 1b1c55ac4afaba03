package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import org.lumen.core.LumenException;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.models.yolo.YoloNet;
import org.lumen.nn.module.Module;

/**
 * Makes a detector explainable by any {@link Explainer}: a module whose single "logit" per image is the
 * detector's pre-sigmoid score, for a class, of the detection that overlaps a given box most (the issue's
 * target for detection models). The detector's layers are reachable under {@code net.}, e.g.
 * {@code net.model.15} for YOLOv8's stride-8 neck output (the finest, right for small objects).
 *
 * <p>Set the boxes (one per image, in pixels of the explained images) and classes with {@link #setTargets}
 * before explaining; explain with target class 0 (the only output).
 */
public final class DetectionTarget extends Module {
    public static final String DEFAULT_YOLO_LAYER = "net.model.15";

    private final YoloNet detector;
    private double[][] boxes;
    private int[] classes;

    public DetectionTarget(DetectionNet detector) {
        if (!(detector instanceof YoloNet y)) {
            throw LumenException.setting("box", "explaining detections is available for YOLO detectors, not "
                    + detector.arch());
        }
        this.detector = y;
        register("net", detector.module());
    }

    /** One box per image ({@code x1, y1, x2, y2} in pixels) and its class (-1: the detection's best class). */
    public void setTargets(double[][] boxes, int[] classes) {
        this.boxes = boxes;
        this.classes = classes;
    }

    @Override
    protected NDArray forward(NDArray x) {
        if (boxes == null || boxes.length != x.getShape().get(0)) {
            throw new IllegalStateException("setTargets with one box per image first");
        }
        return detector.detectionLogit(x, boxes, classes);
    }
}
