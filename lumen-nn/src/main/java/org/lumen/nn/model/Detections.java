package org.lumen.nn.model;

import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.MaskDetections;

/**
 * A detector's answer for one image, in the image's own pixels: {@code boxes} (xyxy, scores, labels; best
 * first) and, for an instance-segmentation model, one mask per box as COCO RLE at the image's size
 * ({@code masks.get(i)} belongs to box {@code i}); null for a model that gives boxes alone.
 */
public record Detections(Boxes boxes, List<Rle> masks) implements Prediction {
    public Detections {
        if (masks != null) {
            if (masks.size() != boxes.size()) {
                throw new IllegalArgumentException(masks.size() + " masks for " + boxes.size() + " boxes");
            }
            masks = List.copyOf(masks);
        }
    }

    /** Boxes alone. */
    public static Detections of(Boxes boxes) {
        return new Detections(boxes, null);
    }

    /** Boxes with their masks. */
    public static Detections of(MaskDetections found) {
        return new Detections(found.boxes(), found.masks());
    }

    public int size() {
        return boxes.size();
    }

    /** Whether each box has its mask. */
    public boolean hasMasks() {
        return masks != null;
    }
}
