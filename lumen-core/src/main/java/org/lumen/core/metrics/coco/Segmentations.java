package org.lumen.core.metrics.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.geometry.Rle;

/**
 * A COCO {@code segmentation} as an {@link Rle}, as pycocotools' {@code annToRLE}: polygons (one object may have
 * several parts, merged into one mask) rasterised at the image's size, uncompressed RLE
 * ({@code {"size": [h, w], "counts": [..]}}) and compressed RLE ({@code "counts": "string"}) at their own size.
 * As in pycocotools, a list whose first part has exactly four numbers is a list of boxes {@code [x, y, w, h]}.
 */
final class Segmentations {
    private Segmentations() {}

    /**
     * @throws IllegalArgumentException saying what is wrong with {@code segmentation}
     */
    static Rle toRle(JsonNode segmentation, int height, int width) {
        if (segmentation.isArray()) {
            return fromParts(segmentation, height, width);
        }
        if (segmentation.isObject() && segmentation.has("counts") && segmentation.has("size")) {
            return fromRle(segmentation);
        }
        throw new IllegalArgumentException("\"segmentation\" should be polygons [[x, y, ...], ...] or RLE "
                + "{\"size\": [h, w], \"counts\": ...}, found " + abbreviate(segmentation));
    }

    private static Rle fromParts(JsonNode parts, int height, int width) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty \"segmentation\" (no polygon)");
        }
        JsonNode first = parts.get(0);
        if (!first.isArray() || first.size() < 4) {
            throw new IllegalArgumentException("\"segmentation\" should be polygons [[x, y, ...], ...] with at least "
                    + "3 points each, found " + abbreviate(parts));
        }
        boolean boxes = first.size() == 4;
        List<Rle> rles = new ArrayList<>(parts.size());
        for (int p = 0; p < parts.size(); p++) {
            double[] xy = numbers(parts.get(p), p);
            if (boxes) {
                if (xy.length != 4) {
                    throw new IllegalArgumentException("segmentation part " + p + " should be a box [x, y, w, h] like "
                            + "the first part, found " + xy.length + " numbers");
                }
                rles.add(Rle.fromBox(xy[0], xy[1], xy[2], xy[3], height, width));
            } else {
                if (xy.length < 2) {
                    throw new IllegalArgumentException("segmentation polygon " + p + " has no point");
                }
                rles.add(Rle.fromPolygon(xy, height, width));
            }
        }
        return Rle.merge(rles, false);
    }

    private static double[] numbers(JsonNode part, int index) {
        if (!part.isArray()) {
            throw new IllegalArgumentException("segmentation polygon " + index + " should be [x, y, ...], found "
                    + abbreviate(part));
        }
        double[] xy = new double[part.size()];
        for (int i = 0; i < xy.length; i++) {
            JsonNode v = part.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException("segmentation polygon " + index + " has a non-number " + v
                        + " at " + i);
            }
            xy[i] = v.asDouble();
        }
        return xy;
    }

    private static Rle fromRle(JsonNode rle) {
        JsonNode size = rle.get("size");
        if (!size.isArray() || size.size() != 2 || !whole(size.get(0)) || !whole(size.get(1))) {
            throw new IllegalArgumentException("RLE \"size\" should be [height, width], found " + abbreviate(size));
        }
        int h = size.get(0).asInt(), w = size.get(1).asInt();
        JsonNode counts = rle.get("counts");
        if (counts.isTextual()) {
            return Rle.fromCompressedString(counts.asText(), h, w);
        }
        if (counts.isArray()) {
            int[] runs = new int[counts.size()];
            for (int i = 0; i < runs.length; i++) {
                JsonNode c = counts.get(i);
                if (!whole(c)) {
                    throw new IllegalArgumentException("RLE \"counts\" should hold whole numbers, found " + c + " at " + i);
                }
                runs[i] = c.asInt();
            }
            return Rle.of(h, w, runs);
        }
        throw new IllegalArgumentException("RLE \"counts\" should be a string or a list of run lengths, found "
                + abbreviate(counts));
    }

    private static boolean whole(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return false;
        }
        double d = v.asDouble();
        return d == Math.rint(d) && d >= 0 && d <= Integer.MAX_VALUE;
    }

    static String abbreviate(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
