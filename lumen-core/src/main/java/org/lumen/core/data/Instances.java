package org.lumen.core.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lumen.core.geometry.Contours;
import org.lumen.core.geometry.Polygons;
import org.lumen.core.geometry.Rle;

/**
 * An instance-segmentation dataset in memory, whatever file format it came from (COCO, YOLO segmentation
 * labels, a folder of class masks; see {@link InstanceFormats}), and the conversions between the forms an
 * object's outline takes in those formats. Coordinates are COCO's pixel coordinates: pixel (x, y) covers
 * [x, x+1] x [y, y+1].
 *
 * @param classes class names, index = class
 * @param splits  the images of each split present (train, val, test order)
 */
public record Instances(List<String> classes, Map<String, List<Sample>> splits) {

    /**
     * One image and its objects.
     *
     * @param image the image file
     * @param name  its path relative to the split's image folder, as it is written out
     */
    public record Sample(Path image, String name, int width, int height, List<Instance> instances) {}

    /**
     * One object: polygons in pixels (several for an object in parts) or, when {@code polygons} is empty, a mask.
     *
     * @param crowd COCO's {@code iscrowd}: kept in COCO output, left out of YOLO labels and masks (as Ultralytics'
     *     converter does)
     */
    public record Instance(int classIndex, List<double[]> polygons, Rle rle, boolean crowd) {
        /** Its mask in an image of that size: the union of its polygons rasterised as pycocotools does, or its RLE. */
        public Rle mask(int height, int width) {
            if (polygons.isEmpty()) {
                return rle;
            }
            List<Rle> parts = new ArrayList<>();
            for (double[] p : polygons) {
                parts.add(Rle.fromPolygon(p, height, width));
            }
            return Rle.merge(parts, false);
        }
    }

    /** The number of objects in all splits. */
    public int instanceCount() {
        return splits.values().stream().flatMap(List::stream).mapToInt(s -> s.instances().size()).sum();
    }

    /** The number of images in all splits. */
    public int imageCount() {
        return splits.values().stream().mapToInt(List::size).sum();
    }

    /**
     * An object as a YOLO segmentation label in an image of {@code width x height}: one polygon as it is, several
     * joined into one outline by {@link Polygons#mergeMultiSegment} (as Ultralytics' COCO converter does), a mask
     * outlined by {@link Contours#largestOutline} (its largest 4-connected part, holes filled); coordinates divided
     * by the image's width and height. {@code null} for an empty mask.
     */
    public static YoloSegLabels.Instance toYolo(Instance instance, int width, int height) {
        double[] xy;
        if (instance.polygons().isEmpty()) {
            xy = Contours.largestOutline(instance.rle());
            if (xy == null) {
                return null;
            }
        } else {
            xy = Polygons.mergeMultiSegment(instance.polygons());
        }
        return new YoloSegLabels.Instance(instance.classIndex(), Polygons.scale(xy, width, height));
    }

    /** A YOLO label as an object in an image of {@code width x height}: its outline in pixels. */
    public static Instance fromYolo(YoloSegLabels.Instance label, int width, int height) {
        return new Instance(label.classId(), List.of(Polygons.scale(label.xy(), 1.0 / width, 1.0 / height)), null,
                false);
    }

    /**
     * A COCO annotation of an object in an image of {@code width x height}. Polygons are kept as polygons, their
     * box the polygons' extent (within the image) and their area the pixel count of their mask as pycocotools
     * rasterises it; a mask becomes compressed RLE, its box and area {@link Rle#bbox} and {@link Rle#area}.
     */
    public static CocoDataset.Annotation toCoco(Instance instance, long id, long imageId, long categoryId, int width,
            int height) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        Rle mask = instance.mask(height, width);
        double x1, y1, x2, y2;
        if (instance.polygons().isEmpty()) {
            double[] b = mask.bbox();
            x1 = b[0];
            y1 = b[1];
            x2 = b[0] + b[2];
            y2 = b[1] + b[3];
            return new CocoDataset.Annotation(id, imageId, categoryId, x1, y1, x2 - x1, y2 - y1, mask.area(),
                    instance.crowd() ? 1 : 0, rleJson(mask));
        }
        ArrayNode parts = json.arrayNode();
        x1 = y1 = Double.POSITIVE_INFINITY;
        x2 = y2 = Double.NEGATIVE_INFINITY;
        for (double[] p : instance.polygons()) {
            ArrayNode part = parts.addArray();
            for (double v : p) {
                part.add(v);
            }
            double[] b = Polygons.bounds(p);
            x1 = Math.min(x1, b[0]);
            y1 = Math.min(y1, b[1]);
            x2 = Math.max(x2, b[2]);
            y2 = Math.max(y2, b[3]);
        }
        x1 = Math.max(0, x1);
        y1 = Math.max(0, y1);
        x2 = Math.min(width, x2);
        y2 = Math.min(height, y2);
        return new CocoDataset.Annotation(id, imageId, categoryId, x1, y1, x2 - x1, y2 - y1, mask.area(),
                instance.crowd() ? 1 : 0, parts);
    }

    /** A mask as COCO's compressed-RLE object, {@code {"size": [h, w], "counts": "..."}}. */
    public static ObjectNode rleJson(Rle mask) {
        ObjectNode rle = JsonNodeFactory.instance.objectNode();
        rle.putArray("size").add(mask.height()).add(mask.width());
        rle.put("counts", mask.toCompressedString());
        return rle;
    }

    /**
     * The class mask of an image's objects: pixel value {@code classIndex + 1}, 0 where there is none; objects
     * later in the list paint over earlier ones; crowd regions are left out.
     */
    public static byte[] classMask(List<Instance> instances, int width, int height) {
        byte[] out = new byte[width * height];
        for (Instance instance : instances) {
            if (instance.crowd()) {
                continue;
            }
            byte[] m = instance.mask(height, width).decode();
            byte value = (byte) (instance.classIndex() + 1);
            for (int p = 0; p < m.length; p++) {
                if (m[p] != 0) {
                    out[p] = value;
                }
            }
        }
        return out;
    }

    /**
     * The objects of a class mask (row-major, pixel = class index, 0 = background): each 4-connected component
     * of each class {@code k >= 1} is an object of class {@code k - 1}, held as an RLE; objects come by class,
     * then by their first pixel in row order.
     */
    public static List<Instance> fromClassMask(byte[] mask, int width, int height, int classCount) {
        List<Instance> out = new ArrayList<>();
        for (int k = 1; k < classCount; k++) {
            int[] labels = Contours.components(mask, height, width, (byte) k);
            for (Rle rle : componentRles(labels, width, height)) {
                out.add(new Instance(k - 1, List.of(), rle, false));
            }
        }
        return out;
    }

    /**
     * The RLE of each labelled component, built in one column-major pass (COCO's pixel order) over the labels
     * rather than one pass per component, so that masks with many objects stay linear in their size.
     */
    private static List<Rle> componentRles(int[] labels, int width, int height) {
        int count = labels[width * height];
        int[] end = new int[count + 1]; // where the component's last run of set pixels ended
        List<List<Integer>> runs = new ArrayList<>();
        for (int c = 0; c <= count; c++) {
            runs.add(new ArrayList<>());
        }
        int position = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++, position++) {
                int c = labels[y * width + x];
                if (c == 0) {
                    continue;
                }
                List<Integer> r = runs.get(c);
                if (!r.isEmpty() && end[c] == position) {
                    r.set(r.size() - 1, r.get(r.size() - 1) + 1);
                } else {
                    r.add(position - end[c]);
                    r.add(1);
                }
                end[c] = position + 1;
            }
        }
        List<Rle> out = new ArrayList<>();
        for (int c = 1; c <= count; c++) {
            List<Integer> r = runs.get(c);
            if (end[c] < width * height) {
                r.add(width * height - end[c]); // as Rle.encode: no trailing run of length 0
            }
            out.add(Rle.of(height, width, r.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }
}
