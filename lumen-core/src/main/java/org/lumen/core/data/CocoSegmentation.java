package org.lumen.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.geometry.Polygons;
import org.lumen.core.geometry.Rle;

/**
 * The {@code segmentation} of a COCO instance annotation, checked against its image: polygons
 * {@code [[x1, y1, ..., xn, yn], ...]} in pixels (one object may have several parts) or RLE
 * {@code {"size": [height, width], "counts": ...}} with counts compressed (a string) or not (a list).
 *
 * <p>Polygons get the checks of YOLO outlines (see {@link Polygons#fault}: pairs, at least 3 points, at least 3
 * distinct points, no self-intersection, a positive area) and must lie in their image, [0, width] x
 * [0, height]. An RLE's size must be its image's size and its counts must sum to it; it must set a pixel.
 * When fixing, points outside the image are clipped into it, parts left without area dropped (and the
 * annotation when none is left), and empty masks dropped, each change reported.
 */
final class CocoSegmentation {
    /** Points may overshoot the image by this much: float round-off in tools that wrote the file. */
    private static final double TOLERANCE = 1e-6;

    private CocoSegmentation() {}

    /** The {@link CocoReader.AnnotationCheck} of instance segmentations. */
    static CocoDataset.Annotation check(CocoDataset.Annotation a, CocoDataset.Image image, String where,
            List<String> changes, Faults faults) {
        JsonNode seg = a.segmentation();
        if (seg == null) {
            faults.add(where, "missing \"segmentation\" (polygons [[x1, y1, ...], ...] or RLE {\"size\": [h, w],"
                    + " \"counts\": ...})");
            return a;
        }
        if (seg.isArray()) {
            return polygons(a, seg, image, where, changes, faults);
        }
        if (seg.isObject() && seg.has("size") && seg.has("counts")) {
            Rle rle = rle(seg, image, where, faults);
            if (rle != null && rle.area() == 0) {
                if (changes == null) {
                    faults.add(where, "RLE mask sets no pixel");
                } else {
                    changes.add(where + ": dropped annotation, its RLE mask sets no pixel");
                    return null;
                }
            }
            return a;
        }
        faults.add(where, "\"segmentation\" should be polygons [[x1, y1, ...], ...] or RLE {\"size\": [h, w],"
                + " \"counts\": ...}, found " + abbreviate(seg));
        return a;
    }

    private static CocoDataset.Annotation polygons(CocoDataset.Annotation a, JsonNode seg, CocoDataset.Image image,
            String where, List<String> changes, Faults faults) {
        if (seg.isEmpty()) {
            faults.add(where, "\"segmentation\" has no polygon");
            return a;
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        boolean changed = false;
        for (int p = 0; p < seg.size(); p++) {
            String part = "segmentation[" + p + "]: ";
            double[] xy = numbers(seg.get(p));
            if (xy == null) {
                faults.add(where, part + "should be [x1, y1, ..., xn, yn] of numbers, found " + abbreviate(seg.get(p)));
                continue;
            }
            if (xy.length % 2 != 0 || xy.length < 6) {
                faults.add(where, part + Polygons.fault(xy));
                continue;
            }
            int outside = 0;
            String first = null;
            for (int k = 0; k < xy.length; k++) {
                double limit = k % 2 == 0 ? image.width() : image.height();
                if (xy[k] < -TOLERANCE || xy[k] > limit + TOLERANCE) {
                    if (outside++ == 0) {
                        first = "point " + (k / 2 + 1) + " (" + num(xy[k - k % 2]) + ", " + num(xy[k - k % 2 + 1]) + ")";
                    }
                }
                xy[k] = Math.min(limit, Math.max(0, xy[k]));
            }
            String inImage = "image " + image.id() + " (" + image.width() + "x" + image.height() + ")";
            if (outside > 0 && changes == null) {
                faults.add(where, part + first + " outside " + inImage
                        + (outside > 1 ? " (" + outside + " coordinates outside)" : ""));
                continue;
            }
            if (outside > 0) {
                changes.add(where + ": " + part + "clipped " + outside + (outside == 1 ? " coordinate" : " coordinates")
                        + " into " + inImage + " (first " + first + ")");
                changed = true;
            }
            String fault = Polygons.fault(xy);
            if (fault != null && fault.startsWith("degenerate") && changes != null) {
                changes.add(where + ": " + part + "dropped " + fault + (outside > 0 ? " after clipping" : ""));
                changed = true;
                continue;
            }
            if (fault != null) {
                faults.add(where, part + fault);
                continue;
            }
            ArrayNode out = kept.addArray();
            for (double v : xy) {
                out.add(v);
            }
        }
        if (!changed) {
            return a;
        }
        if (kept.isEmpty()) {
            changes.add(where + ": dropped annotation, no polygon left");
            return null;
        }
        return new CocoDataset.Annotation(a.id(), a.imageId(), a.categoryId(), a.x(), a.y(), a.width(), a.height(),
                a.area(), a.iscrowd(), kept);
    }

    /** The RLE, or {@code null} after recording why it is not one of this image's size. */
    private static Rle rle(JsonNode seg, CocoDataset.Image image, String where, Faults faults) {
        JsonNode size = seg.get("size");
        if (!size.isArray() || size.size() != 2 || !whole(size.get(0)) || !whole(size.get(1))) {
            faults.add(where, "RLE \"size\" should be [height, width], found " + abbreviate(size));
            return null;
        }
        int h = size.get(0).asInt(), w = size.get(1).asInt();
        if (h != image.height() || w != image.width()) {
            faults.add(where, "RLE size [" + h + ", " + w + "] (height, width) differs from image " + image.id()
                    + " (" + image.fileName() + ", " + image.width() + "x" + image.height() + ", so size ["
                    + image.height() + ", " + image.width() + "])");
            return null;
        }
        JsonNode counts = seg.get("counts");
        try {
            if (counts.isTextual()) {
                return Rle.fromCompressedString(counts.asText(), h, w);
            }
            if (counts.isArray()) {
                int[] runs = new int[counts.size()];
                for (int i = 0; i < runs.length; i++) {
                    if (!whole(counts.get(i))) {
                        faults.add(where, "RLE \"counts\" should hold whole numbers, found " + counts.get(i) + " at " + i);
                        return null;
                    }
                    runs[i] = counts.get(i).asInt();
                }
                return Rle.of(h, w, runs);
            }
        } catch (IllegalArgumentException e) {
            faults.add(where, "RLE " + e.getMessage());
            return null;
        }
        faults.add(where, "RLE \"counts\" should be a string or a list of run lengths, found " + abbreviate(counts));
        return null;
    }

    /**
     * The polygons or mask of a segmentation that passed {@link #check}: polygons as pixel coordinate arrays, or
     * an RLE (then {@code polygons} is empty).
     */
    static Instances.Instance instance(CocoDataset.Annotation a, int classIndex) {
        JsonNode seg = a.segmentation();
        if (seg.isArray()) {
            List<double[]> parts = new ArrayList<>();
            seg.forEach(p -> parts.add(numbers(p)));
            return new Instances.Instance(classIndex, parts, null, a.iscrowd() != 0);
        }
        JsonNode counts = seg.get("counts");
        int h = seg.get("size").get(0).asInt(), w = seg.get("size").get(1).asInt();
        Rle rle;
        if (counts.isTextual()) {
            rle = Rle.fromCompressedString(counts.asText(), h, w);
        } else {
            int[] runs = new int[counts.size()];
            for (int i = 0; i < runs.length; i++) {
                runs[i] = counts.get(i).asInt();
            }
            rle = Rle.of(h, w, runs);
        }
        return new Instances.Instance(classIndex, List.of(), rle, a.iscrowd() != 0);
    }

    private static double[] numbers(JsonNode part) {
        if (part == null || !part.isArray()) {
            return null;
        }
        double[] xy = new double[part.size()];
        for (int i = 0; i < xy.length; i++) {
            JsonNode v = part.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                return null;
            }
            xy[i] = v.asDouble();
        }
        return xy;
    }

    private static boolean whole(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return false;
        }
        double d = v.asDouble();
        return d == Math.rint(d) && d >= 0 && d <= Integer.MAX_VALUE;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String abbreviate(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
