package org.lumen.nn.models;

import java.util.ArrayList;
import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.ops.Tiling;

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

    /**
     * Tiled inference's merge for instance masks: the tiles' detections merged as {@link Tiling#merge} merges
     * boxes, each survivor keeping its own tile's mask, placed in the whole image ({@code height x width}).
     *
     * @param perTile each tile's detections with masks at the tile's size, in the order of {@code tiles}
     */
    public static MaskDetections merge(List<Tiling.Tile> tiles, List<MaskDetections> perTile, double iou,
            boolean classAgnostic, int height, int width) {
        List<Boxes> boxes = new ArrayList<>();
        for (MaskDetections d : perTile) {
            boxes.add(d.boxes());
        }
        Tiling.Merge m = Tiling.merge(tiles, boxes, iou, classAgnostic);
        List<Rle> masks = new ArrayList<>();
        for (int k = 0; k < m.boxes().size(); k++) {
            Tiling.Tile t = tiles.get(m.tile()[k]);
            masks.add(perTile.get(m.tile()[k]).rle(m.index()[k]).placedIn(height, width, t.x(), t.y()));
        }
        return new MaskDetections(m.boxes(), masks);
    }

    /** The first {@code n} detections (all when there are fewer). */
    public MaskDetections first(int n) {
        return size() <= n ? this : new MaskDetections(boxes.first(n), masks.subList(0, n));
    }
}
