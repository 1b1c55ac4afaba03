package org.lumen.nn.models;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;

/**
 * A detector that also gives each detection a mask (instance segmentation): mask probability maps, small ones over
 * each box (Mask R-CNN) or over the whole input (YOLOv8-seg), pasted into an image of any size once the boxes are
 * in that image's pixels.
 */
public interface InstanceSegmentationNet extends DetectionNet {
    /** One image's detections (as {@link #detect} gives them) and their mask maps {@code [n, h, w]}. */
    record Masked(Boxes boxes, NDArray probs) {}

    /**
     * Training losses as {@link #losses(NDArray, List)}, with each object's mask (the mask term among the parts).
     *
     * @param masks per image, per object of {@code targets} (same order), its mask at the input resolution:
     *     {@code H * W} values, row-major, nonzero inside
     */
    java.util.Map<String, NDArray> losses(NDArray images, List<Boxes> targets, List<float[][]> masks);

    /** {@link #detect}, with each detection's mask map. */
    List<Masked> detectMasks(NDArray images, double conf, int maxDet);

    /** Binary masks of {@code height x width} from maps and their boxes in that image's pixels. */
    List<Rle> paste(NDArray probs, Boxes boxes, int height, int width);
}
