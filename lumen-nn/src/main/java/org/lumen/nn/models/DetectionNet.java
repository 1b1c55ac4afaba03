package org.lumen.nn.models;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.module.Module;

/**
 * What the detection commands need of a detector, whatever its kind (two-stage Faster R-CNN, one-stage
 * YOLO-style): its module tree (torchvision's or Ultralytics' parameter names), its training losses and its
 * detections. Images come in as float32 {@code [N, 3, S, S]} in [0, 1], not normalised (each detector
 * normalises as it was trained to); boxes are corners in pixels of those images; labels are 0-based.
 */
public interface DetectionNet {
    /** The default {@link #evalConf}: detections kept for the COCO statistics, as low as Ultralytics' val uses. */
    double EVAL_CONF = 0.001;

    /** The network, for weights, train/eval mode and parameters. */
    Module module();

    /** The architecture name ({@code fasterrcnn_resnet50_fpn}, {@code yolov8n}, ...). */
    String arch();

    /**
     * Training losses for a batch in training mode: {@code "loss"} (the sum that is minimised) and its parts
     * under the detector's own names (torchvision's {@code loss_classifier}, {@code loss_box_reg}, ...; YOLO's
     * {@code box}, {@code cls}, {@code dfl}).
     */
    Map<String, NDArray> losses(NDArray images, List<Boxes> targets);

    /** The names of the parts {@link #losses} reports besides {@code "loss"}, in a fixed order. */
    List<String> lossParts();

    /**
     * Detections per image in inference mode, by descending score.
     *
     * @param conf keep detections scoring at least this
     * @param maxDet keep at most this many per image
     */
    List<Boxes> detect(NDArray images, double conf, int maxDet);

    /**
     * Starts from pretrained weights in {@code weights}: a detector's own state dict (every tensor must fit but
     * the class-dependent head), or a classification backbone's (torchvision or Lumen) copied into the
     * detector's backbone. Returns one line saying what was taken.
     */
    String transfer(java.nio.file.Path weights, ai.djl.ndarray.NDManager manager);

    /**
     * Whether the detector resizes each image itself, keeping its aspect ratio (R-CNN's min/max-size transform):
     * prediction then gives it every image at its own size, one at a time, rather than stretched to the square
     * input size. Training and validation use the square images either way.
     */
    default boolean keepsAspect() {
        return false;
    }

    /** Default score threshold for prediction (torchvision: 0.05 in its box head; Ultralytics: 0.25). */
    double defaultConf();

    /**
     * The score down to which validation keeps detections for the COCO statistics, as the detector's reference
     * evaluates it: Ultralytics' val 0.001 (the default), torchvision's detectors their box head's 0.05.
     */
    default double evalConf() {
        return EVAL_CONF;
    }
}
