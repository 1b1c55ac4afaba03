package org.lumen.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lumen.core.LumenException;

/**
 * Reads a COCO detection file and checks it. Every fault is reported, each with its place in the file
 * ({@code annotations[17] (id 42): box [60, 2, 10, 10] outside image 3 (64x64)}), in one
 * {@link LumenException} whose first message line is the count. Checked: required fields and their types,
 * positive image sizes, positive box sizes, boxes inside their image, known image and category ids, unique
 * image, annotation and category ids, and (given an image root) that each image file exists.
 */
public final class CocoReader {
    /** Box edges may overshoot the image by this much: float round-off in tools that wrote the file. */
    private static final double TOLERANCE = 1e-6;

    private CocoReader() {}

    /** What a fixing read returns: the repaired dataset and one line per change made. */
    public record Fixed(CocoDataset dataset, List<String> changes) {}

    /**
     * Reads and validates {@code json}.
     *
     * @param imageRoot folder the {@code file_name}s are relative to, or {@code null} not to check files
     * @throws LumenException listing every fault
     */
    public static CocoDataset read(Path json, Path imageRoot) throws IOException {
        return parse(json, imageRoot, false, true).dataset();
    }

    /**
     * Reads ground truth for evaluation: checked like {@link #read} (fields, types, ids), except that boxes
     * are taken as they are, wherever they lie and whatever their size, as pycocotools does; an evaluation
     * compares them with detections and never crops an image with them.
     */
    public static CocoDataset readForEvaluation(Path json) throws IOException {
        return parse(json, null, false, false).dataset();
    }

    /**
     * Like {@link #read}, but boxes that stick out of their image are clipped to it, and boxes left with no
     * area (or that had none) are dropped; each change is reported. Faults that clipping cannot repair
     * (unknown ids, duplicates, missing files, malformed fields) still throw.
     */
    public static Fixed readFixing(Path json, Path imageRoot) throws IOException {
        return parse(json, imageRoot, true, true);
    }

    /**
     * A further check of each annotation (run after its box check, when its image is known): it records faults,
     * or with {@code changes} given may repair the annotation (returning the repaired one, or {@code null} to drop
     * it) and record the change.
     */
    interface AnnotationCheck {
        CocoDataset.Annotation check(CocoDataset.Annotation annotation, CocoDataset.Image image, String where,
                List<String> changes, Faults faults);
    }

    /** {@link #read} or, with {@code fix}, {@link #readFixing}, with {@code check} applied to every annotation. */
    static Fixed read(Path json, Path imageRoot, boolean fix, AnnotationCheck check) throws IOException {
        return parse(json, imageRoot, fix, true, check);
    }

    private static Fixed parse(Path json, Path imageRoot, boolean fix, boolean checkBoxes) throws IOException {
        return parse(json, imageRoot, fix, checkBoxes, null);
    }

    private static Fixed parse(Path json, Path imageRoot, boolean fix, boolean checkBoxes, AnnotationCheck check)
            throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (JsonProcessingException e) {
            throw new LumenException(json, "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        Faults faults = new Faults(json);
        if (root == null || !root.isObject()) {
            faults.add("top level", "expected a JSON object with images, annotations and categories");
            faults.throwIfAny();
        }
        Fields fields = new Fields(faults);
        Map<Long, CocoDataset.Image> images = images(fields, root, imageRoot, faults);
        Map<Long, CocoDataset.Category> categories = categories(fields, root, faults);
        List<String> changes = new ArrayList<>();
        List<CocoDataset.Annotation> annotations = annotations(fields, root, images, categories,
                fix ? changes : null, checkBoxes, check, faults);
        faults.throwIfAny();
        return new Fixed(new CocoDataset(List.copyOf(images.values()), annotations, List.copyOf(categories.values())),
                changes);
    }

    private static Map<Long, CocoDataset.Image> images(Fields fields, JsonNode root, Path imageRoot, Faults faults) {
        Map<Long, CocoDataset.Image> images = new LinkedHashMap<>();
        fields.each(root, "images", true, (node, where) -> {
            Long id = fields.integer(node, "id", where);
            String fileName = fields.text(node, "file_name", where);
            Long width = fields.positive(node, "width", where), height = fields.positive(node, "height", where);
            if (id != null && images.containsKey(id)) {
                faults.add(where, "duplicate image id " + id);
            } else if (id != null && fileName != null && width != null && height != null) {
                images.put(id, new CocoDataset.Image(id, fileName, width.intValue(), height.intValue()));
                if (imageRoot != null && !Files.isRegularFile(imageRoot.resolve(fileName))) {
                    faults.add(where, "image file not found: " + imageRoot.resolve(fileName));
                }
            }
        });
        return images;
    }

    private static Map<Long, CocoDataset.Category> categories(Fields fields, JsonNode root, Faults faults) {
        Map<Long, CocoDataset.Category> categories = new LinkedHashMap<>();
        fields.each(root, "categories", true, (node, where) -> {
            Long id = fields.integer(node, "id", where);
            String name = fields.text(node, "name", where);
            if (id != null && categories.containsKey(id)) {
                faults.add(where, "duplicate category id " + id);
            } else if (id != null && name != null) {
                String supercategory = node.hasNonNull("supercategory") ? node.get("supercategory").asText() : null;
                categories.put(id, new CocoDataset.Category(id, name, supercategory));
            }
        });
        return categories;
    }

    /** The annotations; with {@code changes} given, bad boxes are repaired and recorded there, not faulted. */
    private static List<CocoDataset.Annotation> annotations(Fields fields, JsonNode root,
            Map<Long, CocoDataset.Image> images, Map<Long, CocoDataset.Category> categories, List<String> changes,
            boolean checkBoxes, AnnotationCheck check, Faults faults) {
        List<CocoDataset.Annotation> annotations = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        fields.each(root, "annotations", false, (node, where) -> {
            Long id = fields.integer(node, "id", where);
            Long imageId = fields.integer(node, "image_id", where);
            Long categoryId = fields.integer(node, "category_id", where);
            double[] box = fields.box(node, where);
            if (id != null && !ids.add(id)) {
                faults.add(where, "duplicate annotation id " + id);
            }
            if (categoryId != null && !categories.containsKey(categoryId)) {
                faults.add(where, "unknown category id " + categoryId);
            }
            CocoDataset.Image image = imageId == null ? null : images.get(imageId);
            if (imageId != null && image == null) {
                faults.add(where, "unknown image id " + imageId);
            }
            if (id == null || imageId == null || categoryId == null || box == null) {
                return;
            }
            double area = node.has("area") ? node.get("area").asDouble() : box[2] * box[3];
            JsonNode segmentation = node.hasNonNull("segmentation") ? node.get("segmentation") : null;
            CocoDataset.Annotation annotation = new CocoDataset.Annotation(id, imageId, categoryId,
                    box[0], box[1], box[2], box[3], area, node.path("iscrowd").asInt(0), segmentation);
            if (image != null && checkBoxes) {
                annotation = checkBox(annotation, image, where, changes, faults);
            }
            if (annotation != null && image != null && check != null) {
                annotation = check.check(annotation, image, where, changes, faults);
            }
            if (annotation != null) {
                annotations.add(annotation);
            }
        });
        return annotations;
    }

    /**
     * Checks that the box has positive size and lies in its image. Without {@code changes} a bad box is a
     * fault; with it, the box is clipped (or dropped, returning {@code null}) and the change recorded.
     */
    private static CocoDataset.Annotation checkBox(CocoDataset.Annotation a, CocoDataset.Image image, String where,
                                                   List<String> changes, Faults faults) {
        String box = "[" + num(a.x()) + ", " + num(a.y()) + ", " + num(a.width()) + ", " + num(a.height()) + "]";
        String imageText = "image " + image.id() + " (" + image.width() + "x" + image.height() + ")";
        boolean positive = a.width() > 0 && a.height() > 0;
        boolean inside = a.x() >= -TOLERANCE && a.y() >= -TOLERANCE
                && a.x() + a.width() <= image.width() + TOLERANCE && a.y() + a.height() <= image.height() + TOLERANCE;
        if (changes == null) {
            if (!positive) {
                faults.add(where, "non-positive box size " + box);
            } else if (!inside) {
                faults.add(where, "box " + box + " outside " + imageText);
            }
            return a;
        }
        double x1 = Math.max(0, a.x()), y1 = Math.max(0, a.y());
        double x2 = Math.min(image.width(), a.x() + a.width()), y2 = Math.min(image.height(), a.y() + a.height());
        if (!positive || x2 <= x1 || y2 <= y1) {
            changes.add(where + ": dropped box " + box + ", no area inside " + imageText);
            return null;
        }
        if (inside) {
            return a;
        }
        CocoDataset.Annotation clipped = a.withBox(x1, y1, x2 - x1, y2 - y1);
        changes.add(where + ": clipped box " + box + " to [" + num(x1) + ", " + num(y1) + ", " + num(x2 - x1)
                + ", " + num(y2 - y1) + "] inside " + imageText);
        return clipped;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
