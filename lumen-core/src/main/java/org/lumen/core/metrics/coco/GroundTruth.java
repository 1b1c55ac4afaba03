package org.lumen.core.metrics.coco;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.Faults;
import org.lumen.core.geometry.Rle;

/**
 * The ground truth as pycocotools' {@code COCOeval} sees it: images and categories in ascending id order,
 * and per annotation its box, area (the file's {@code area}, used for the area ranges in both IoU types),
 * crowd flag, id and, for mask IoU, its mask.
 */
final class GroundTruth {
    final long[] imageIds;
    final Map<Long, Integer> imageIndex;
    final int[] imageHeights;
    final int[] imageWidths;
    final long[] categoryIds;
    final String[] categoryNames;
    final Map<Long, Integer> categoryIndex;
    final int[] image;
    final int[] category;
    final double[] boxes;
    final double[] areas;
    final boolean[] crowd;
    final long[] ids;
    /** {@code null} for box IoU. */
    final Rle[] masks;

    private GroundTruth(CocoDataset gt, IouType type, String source) {
        List<CocoDataset.Image> sortedImages = gt.images().stream()
                .sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
        imageIds = new long[sortedImages.size()];
        imageHeights = new int[imageIds.length];
        imageWidths = new int[imageIds.length];
        imageIndex = new HashMap<>(2 * imageIds.length);
        for (int i = 0; i < imageIds.length; i++) {
            CocoDataset.Image image = sortedImages.get(i);
            imageIds[i] = image.id();
            imageHeights[i] = image.height();
            imageWidths[i] = image.width();
            imageIndex.put(image.id(), i);
        }
        List<CocoDataset.Category> sortedCategories = gt.categories().stream()
                .sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
        categoryIds = new long[sortedCategories.size()];
        categoryNames = new String[categoryIds.length];
        categoryIndex = new HashMap<>();
        for (int k = 0; k < categoryIds.length; k++) {
            categoryIds[k] = sortedCategories.get(k).id();
            categoryNames[k] = sortedCategories.get(k).name();
            categoryIndex.put(categoryIds[k], k);
        }
        List<CocoDataset.Annotation> annotations = gt.annotations();
        int n = annotations.size();
        image = new int[n];
        category = new int[n];
        boxes = new double[4 * n];
        areas = new double[n];
        crowd = new boolean[n];
        ids = new long[n];
        masks = type == IouType.SEGM ? new Rle[n] : null;
        Faults faults = new Faults(source);
        for (int i = 0; i < n; i++) {
            CocoDataset.Annotation a = annotations.get(i);
            Integer imageAt = imageIndex.get(a.imageId()), categoryAt = categoryIndex.get(a.categoryId());
            if (imageAt == null || categoryAt == null) {
                faults.add("annotations[" + i + "] (id " + a.id() + ")", "unknown " + (imageAt == null
                        ? "image id " + a.imageId() : "category id " + a.categoryId()));
                continue;
            }
            image[i] = imageAt;
            category[i] = categoryAt;
            boxes[4 * i] = a.x();
            boxes[4 * i + 1] = a.y();
            boxes[4 * i + 2] = a.width();
            boxes[4 * i + 3] = a.height();
            areas[i] = a.area();
            crowd[i] = a.iscrowd() != 0;
            ids[i] = a.id();
            if (masks != null) {
                masks[i] = mask(a, imageHeights[imageAt], imageWidths[imageAt], "annotations[" + i + "] (id " + a.id()
                        + ")", faults);
            }
        }
        faults.throwIfAny();
    }

    /**
     * @param source the file (or a name) that faults are reported against
     * @throws org.lumen.core.LumenException listing every annotation whose segmentation is missing or malformed
     *     (for mask IoU), or whose ids are unknown
     */
    static GroundTruth of(CocoDataset gt, IouType type, String source) {
        return new GroundTruth(gt, type, source);
    }

    int size() {
        return ids.length;
    }

    private static Rle mask(CocoDataset.Annotation a, int height, int width, String where, Faults faults) {
        if (a.segmentation() == null) {
            faults.add(where, "missing \"segmentation\" (needed for mask IoU)");
            return null;
        }
        try {
            Rle mask = Segmentations.toRle(a.segmentation(), height, width);
            if (mask.height() != height || mask.width() != width) {
                faults.add(where, "mask size [" + mask.height() + ", " + mask.width() + "] differs from image "
                        + a.imageId() + "'s [height, width] = [" + height + ", " + width + "]");
            }
            return mask;
        } catch (IllegalArgumentException e) {
            faults.add(where, e.getMessage());
            return null;
        }
    }
}
