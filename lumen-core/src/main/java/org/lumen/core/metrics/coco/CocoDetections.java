package org.lumen.core.metrics.coco;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.lumen.core.LumenException;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.Faults;
import org.lumen.core.geometry.Rle;
import org.lumen.core.report.Json;

/**
 * Detections in the COCO results format: a JSON list of {@code {"image_id", "category_id", "score", "bbox":
 * [x, y, w, h]}}, and/or {@code "segmentation"} (RLE or polygons) for masks. Held as primitive arrays in file
 * order; detection {@code i} has pycocotools' id {@code i + 1}.
 *
 * <p>Areas follow pycocotools' {@code loadRes}: when the <em>first</em> detection has a non-empty
 * {@code bbox}, every detection needs one and its area is {@code w * h} (a missing segmentation is then the
 * box's polygon); otherwise every detection needs a {@code segmentation}, its area is the mask's and a missing
 * box is the mask's bounding box.
 */
public final class CocoDetections {
    final long[] imageIds;
    final long[] categoryIds;
    final double[] scores;
    /** {@code [x, y, w, h]} per detection, packed. */
    final double[] boxes;
    final double[] areas;
    /** Per detection, or {@code null} (the whole array, or an entry: then the box's polygon is its mask). */
    final Rle[] masks;

    private CocoDetections(long[] imageIds, long[] categoryIds, double[] scores, double[] boxes, double[] areas,
                           Rle[] masks) {
        this.imageIds = imageIds;
        this.categoryIds = categoryIds;
        this.scores = scores;
        this.boxes = boxes;
        this.areas = areas;
        this.masks = masks;
    }

    /**
     * Box detections, e.g. straight from a detector; areas are {@code w * h}.
     *
     * @param boxes {@code [x, y, w, h]} per detection, packed
     */
    public static CocoDetections ofBoxes(long[] imageIds, long[] categoryIds, double[] scores, double[] boxes) {
        int n = imageIds.length;
        if (categoryIds.length != n || scores.length != n || boxes.length != 4 * n) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        double[] areas = new double[n];
        for (int i = 0; i < n; i++) {
            areas[i] = boxes[4 * i + 2] * boxes[4 * i + 3];
        }
        return new CocoDetections(imageIds.clone(), categoryIds.clone(), scores.clone(), boxes.clone(), areas, null);
    }

    /** Mask detections; areas are the masks' and boxes their bounding boxes. */
    public static CocoDetections ofMasks(long[] imageIds, long[] categoryIds, double[] scores, Rle[] masks) {
        int n = imageIds.length;
        if (categoryIds.length != n || scores.length != n || masks.length != n) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        double[] areas = new double[n];
        double[] boxes = new double[4 * n];
        for (int i = 0; i < n; i++) {
            areas[i] = masks[i].area();
            System.arraycopy(masks[i].bbox(), 0, boxes, 4 * i, 4);
        }
        return new CocoDetections(imageIds.clone(), categoryIds.clone(), scores.clone(), boxes, areas, masks.clone());
    }

    public int size() {
        return imageIds.length;
    }

    public long imageId(int i) {
        return imageIds[i];
    }

    public long categoryId(int i) {
        return categoryIds[i];
    }

    public double score(int i) {
        return scores[i];
    }

    /** {@code [x, y, w, h]}. */
    public double[] box(int i) {
        return Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4);
    }

    public double area(int i) {
        return areas[i];
    }

    /**
     * Reads and checks a results file against its ground truth. Every fault is reported, each with the
     * detection's index ({@code [17]: unknown image id 99}), in one {@link LumenException}: unknown image or
     * category ids, missing or non-numeric scores, boxes that are not four finite numbers with positive width
     * and height, segmentations that are malformed or whose size differs from their image's.
     *
     * @param type {@link IouType#SEGM} to read the masks for mask IoU
     */
    public static CocoDetections read(Path file, CocoDataset gt, IouType type) throws IOException {
        Map<Long, CocoDataset.Image> images = new HashMap<>();
        gt.images().forEach(image -> images.put(image.id(), image));
        Set<Long> categories = new HashSet<>();
        gt.categories().forEach(category -> categories.add(category.id()));
        Faults faults = new Faults(file);
        Builder builder = new Builder();
        try (JsonParser parser = Json.mapper().createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new LumenException(file, "expected a JSON list of detections {image_id, category_id, bbox, "
                        + "score}, found " + (parser.currentToken() == null ? "nothing" : parser.getText()));
            }
            Boolean boxMode = null;
            for (int index = 0; parser.nextToken() != JsonToken.END_ARRAY; index++) {
                Entry entry = Entry.read(parser);
                if (boxMode == null) {
                    boxMode = entry.bbox != null && !(entry.bbox.isArray() && entry.bbox.isEmpty());
                }
                builder.add(entry, "[" + index + "]", boxMode, type, images, categories, faults);
            }
            if (parser.nextToken() != null) {
                throw new LumenException(file, "unexpected content after the list of detections at line "
                        + parser.currentLocation().getLineNr());
            }
        } catch (NoSuchFileException e) {
            throw new LumenException(file, "file not found");
        } catch (JsonProcessingException e) {
            throw new LumenException(file, "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        faults.throwIfAny();
        return builder.build(type);
    }

    /**
     * The fields of one detection that matter, read from the token stream without building a tree for the
     * whole object (a results file can hold millions); {@code null} where absent.
     */
    private static final class Entry {
        JsonNode imageId, categoryId, score, bbox, segmentation;
        /** The element itself when it is not an object. */
        JsonNode notAnObject;

        static Entry read(JsonParser parser) throws IOException {
            Entry e = new Entry();
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                e.notAnObject = parser.readValueAsTree();
                if (e.notAnObject == null) {
                    e.notAnObject = JsonNodeFactory.instance.nullNode();
                }
                return e;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "image_id" -> e.imageId = value(parser);
                    case "category_id" -> e.categoryId = value(parser);
                    case "score" -> e.score = value(parser);
                    case "bbox" -> e.bbox = value(parser);
                    case "segmentation" -> e.segmentation = value(parser);
                    default -> parser.skipChildren();
                }
            }
            return e;
        }

        /** Plain numbers without the tree machinery; anything else as a tree. */
        private static JsonNode value(JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                return JsonNodeFactory.instance.numberNode(parser.getDoubleValue());
            }
            if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return JsonNodeFactory.instance.numberNode(parser.getLongValue());
            }
            JsonNode node = parser.readValueAsTree();
            return node == null ? JsonNodeFactory.instance.nullNode() : node;
        }
    }

    /** Growable primitive columns, filled while reading. */
    private static final class Builder {
        private int n;
        private long[] imageIds = new long[1024];
        private long[] categoryIds = new long[1024];
        private double[] scores = new double[1024];
        private double[] boxes = new double[4096];
        private double[] areas = new double[1024];
        private Rle[] masks = new Rle[1024];

        void add(Entry entry, String where, boolean boxMode, IouType type, Map<Long, CocoDataset.Image> images,
                 Set<Long> categories, Faults faults) {
            if (entry.notAnObject != null) {
                faults.add(where, "expected an object {image_id, category_id, bbox, score}, found "
                        + Segmentations.abbreviate(entry.notAnObject));
                return;
            }
            Long imageId = integer(entry.imageId, "image_id", where, faults);
            Long categoryId = integer(entry.categoryId, "category_id", where, faults);
            CocoDataset.Image image = imageId == null ? null : images.get(imageId);
            boolean ok = imageId != null && categoryId != null;
            if (imageId != null && image == null) {
                faults.add(where, "unknown image id " + imageId);
                ok = false;
            }
            if (categoryId != null && !categories.contains(categoryId)) {
                faults.add(where, "unknown category id " + categoryId);
                ok = false;
            }
            JsonNode score = entry.score;
            if (score == null || !score.isNumber() || !Double.isFinite(score.asDouble())) {
                faults.add(where, score == null ? "missing \"score\"" : "\"score\" should be a number, found " + score);
                ok = false;
            }
            double[] box = null;
            if (boxMode || entry.bbox != null) {
                box = box(entry.bbox, where, faults);
                ok &= box != null;
            }
            Rle mask = null;
            if (!boxMode || (type == IouType.SEGM && entry.segmentation != null)) {
                mask = mask(entry.segmentation, image, where, faults);
                ok &= mask != null;
            }
            if (!ok) {
                return;
            }
            grow();
            imageIds[n] = imageId;
            categoryIds[n] = categoryId;
            scores[n] = score.asDouble();
            if (box == null) {
                box = mask.bbox();
            }
            System.arraycopy(box, 0, boxes, 4 * n, 4);
            areas[n] = boxMode ? box[2] * box[3] : mask.area();
            masks[n] = mask;
            n++;
        }

        CocoDetections build(IouType type) {
            return new CocoDetections(Arrays.copyOf(imageIds, n), Arrays.copyOf(categoryIds, n),
                    Arrays.copyOf(scores, n), Arrays.copyOf(boxes, 4 * n), Arrays.copyOf(areas, n),
                    type == IouType.SEGM ? Arrays.copyOf(masks, n) : null);
        }

        private void grow() {
            if (n == imageIds.length) {
                int size = 2 * n;
                imageIds = Arrays.copyOf(imageIds, size);
                categoryIds = Arrays.copyOf(categoryIds, size);
                scores = Arrays.copyOf(scores, size);
                boxes = Arrays.copyOf(boxes, 4 * size);
                areas = Arrays.copyOf(areas, size);
                masks = Arrays.copyOf(masks, size);
            }
        }

        private static Long integer(JsonNode value, String field, String where, Faults faults) {
            if (value == null || !value.isNumber() || value.asDouble() != Math.rint(value.asDouble())) {
                faults.add(where, value == null ? "missing \"" + field + "\""
                        : "\"" + field + "\" should be a whole number, found " + value);
                return null;
            }
            return value.asLong();
        }

        private static double[] box(JsonNode value, String where, Faults faults) {
            if (value == null) {
                faults.add(where, "missing \"bbox\" (the first detection has one, so all need one)");
                return null;
            }
            double[] box = new double[4];
            boolean numbers = value.isArray() && value.size() == 4;
            for (int k = 0; numbers && k < 4; k++) {
                numbers = value.get(k).isNumber() && Double.isFinite(value.get(k).asDouble());
                box[k] = numbers ? value.get(k).asDouble() : 0;
            }
            if (!numbers) {
                faults.add(where, "\"bbox\" should be [x, y, width, height] of finite numbers, found "
                        + Segmentations.abbreviate(value));
                return null;
            }
            if (!(box[2] > 0 && box[3] > 0)) {
                faults.add(where, "non-positive box size " + value);
                return null;
            }
            return box;
        }

        private static Rle mask(JsonNode value, CocoDataset.Image image, String where, Faults faults) {
            if (value == null) {
                faults.add(where, "missing \"segmentation\"");
                return null;
            }
            if (image == null) {
                return null;
            }
            try {
                Rle mask = Segmentations.toRle(value, image.height(), image.width());
                if (mask.height() != image.height() || mask.width() != image.width()) {
                    faults.add(where, "mask size [" + mask.height() + ", " + mask.width() + "] differs from image "
                            + image.id() + "'s [height, width] = [" + image.height() + ", " + image.width() + "]");
                    return null;
                }
                return mask;
            } catch (IllegalArgumentException e) {
                faults.add(where, e.getMessage());
                return null;
            }
        }
    }
}
