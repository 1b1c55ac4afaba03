package org.lumen.nn.detect;

import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;

/**
 * The detections of one image with a binary mask per instance, at the image's size: {@code masks.get(i)} belongs to
 * box {@code i} of {@code boxes}. Masks are kept as COCO run-length encodings (pycocotools-equal; a 4000 x 3000
 * image with 100 instances would take 1.2 GB as bytes); {@link #mask} decodes one to a row-major byte array.
 */
public record MaskDetections(Boxes boxes, List<Rle> masks) {
    public MaskDetections {
        if (masks.size() != boxes.size()) {
            throw new IllegalArgumentException(masks.size() + " masks for " + boxes.size() + " boxes");
        }
        masks = List.copyOf(masks);
    }

    public int size() {
        return boxes.size();
    }

    /** Instance {@code i}'s mask, row-major ({@code mask[y * width + x]}), 1 inside, 0 outside. */
    public byte[] mask(int i) {
        return masks.get(i).decode();
    }

    /** Instance {@code i}'s mask as COCO RLE (what a COCO results file's {@code segmentation} holds). */
    public Rle rle(int i) {
        return masks.get(i);
    }
}
