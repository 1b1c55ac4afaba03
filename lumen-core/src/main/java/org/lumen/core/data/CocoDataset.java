package org.lumen.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.lumen.core.io.AtomicFiles;

/**
 * The detection subset of the COCO format: images, annotations with boxes, categories. Segmentations are
 * carried through untouched. Read (and validate) with {@link CocoReader}.
 */
public record CocoDataset(List<Image> images, List<Annotation> annotations, List<Category> categories) {

    public CocoDataset {
        images = List.copyOf(images);
        annotations = List.copyOf(annotations);
        categories = List.copyOf(categories);
    }

    /** An image; {@code fileName} is relative to the image root. */
    public record Image(long id, String fileName, int width, int height) {}

    /**
     * One object: box {@code [x, y, width, height]} in pixels from the image's top-left corner.
     *
     * @param segmentation polygons or RLE as in the file, or {@code null} when absent
     */
    public record Annotation(long id, long imageId, long categoryId, double x, double y, double width,
                             double height, double area, int iscrowd, JsonNode segmentation) {

        /** The same annotation with another box, its area the box's unless a segmentation defines it. */
        public Annotation withBox(double newX, double newY, double newWidth, double newHeight) {
            double newArea = segmentation == null ? newWidth * newHeight : area;
            return new Annotation(id, imageId, categoryId, newX, newY, newWidth, newHeight, newArea, iscrowd,
                    segmentation);
        }
    }

    /** A category; COCO ids start at 1 (0 is left for the background). */
    public record Category(long id, String name, String supercategory) {}

    /** Writes this dataset as COCO JSON, atomically. */
    public void write(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode imageArray = root.putArray("images");
        for (Image image : images) {
            imageArray.addObject().put("id", image.id()).put("file_name", image.fileName())
                    .put("width", image.width()).put("height", image.height());
        }
        ArrayNode annotationArray = root.putArray("annotations");
        for (Annotation a : annotations) {
            ObjectNode node = annotationArray.addObject().put("id", a.id()).put("image_id", a.imageId())
                    .put("category_id", a.categoryId());
            node.putArray("bbox").add(a.x()).add(a.y()).add(a.width()).add(a.height());
            node.put("area", a.area()).put("iscrowd", a.iscrowd());
            if (a.segmentation() != null) {
                node.set("segmentation", a.segmentation());
            }
        }
        ArrayNode categoryArray = root.putArray("categories");
        for (Category c : categories) {
            ObjectNode node = categoryArray.addObject().put("id", c.id()).put("name", c.name());
            if (c.supercategory() != null) {
                node.put("supercategory", c.supercategory());
            }
        }
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        AtomicFiles.write(file, out -> {
            out.write(bytes);
        });
    }
}
