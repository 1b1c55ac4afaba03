package org.lumen.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.lumen.core.LumenException;
import org.lumen.core.image.ImageDecoder;

/**
 * A semantic-segmentation dataset of image and mask folders:
 * <pre>
 * D/classes.json                  {"classes": ["background", "galaxy", ...]}: class k is pixel value k
 * D/images/{train,val,test}/NAME.png|jpg|tif|fits ...
 * D/masks/{train,val,test}/NAME.png                   one channel (grey or palette), pixel = class index
 * </pre>
 * An image and its mask share a file stem. Opening a split checks the pairing (every image has a mask and every
 * mask an image); {@link #readMask} checks each mask against its image (same width and height, values below the
 * class count), naming the file and the first offending pixel.
 */
public final class MaskFolder {
    public static final String CLASSES_JSON = "classes.json";

    /** One image and its mask. */
    public record Sample(Path image, Path mask) {
        public String stem() {
            return stemOf(image);
        }

        /** A file's name without its last extension. */
        public static String stemOf(Path p) {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return dot > 0 ? n.substring(0, dot) : n;
        }
    }

    private final Path root;
    private final String split;
    private final List<String> classes;
    private final List<Sample> samples;

    private MaskFolder(Path root, String split, List<String> classes, List<Sample> samples) {
        this.root = root;
        this.split = split;
        this.classes = classes;
        this.samples = samples;
    }

    /** The class names of {@code root/classes.json}. */
    public static List<String> readClasses(Path root) {
        Path file = root.resolve(CLASSES_JSON);
        if (!Files.isRegularFile(file)) {
            throw new LumenException(file, "not found: a mask dataset declares its classes there, e.g."
                    + " {\"classes\": [\"background\", \"foreground\"]}");
        }
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new LumenException(file, "not valid JSON: " + e.getMessage());
        }
        JsonNode names = node == null ? null : node.get("classes");
        if (names == null || !names.isArray() || names.size() < 2 || names.size() > 256) {
            throw new LumenException(file, "'classes' must be an array of 2 to 256 names (index 0 is the background)");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : names) {
            if (!n.isTextual() || n.asText().isBlank() || out.contains(n.asText())) {
                throw new LumenException(file, "class names must be distinct non-empty strings, got " + n);
            }
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    /**
     * Scans {@code root/images/split} and {@code root/masks/split} and pairs them by stem.
     *
     * @throws LumenException naming the folder or file: missing folder, no images, an image without a mask or
     *     a mask without an image (all of them listed)
     */
    public static MaskFolder open(Path root, String split) throws IOException {
        List<String> classes = readClasses(root);
        Path images = root.resolve("images").resolve(split);
        Path masks = root.resolve("masks").resolve(split);
        for (Path p : List.of(images, masks)) {
            if (!Files.isDirectory(p)) {
                throw new LumenException(p, "folder not found: a mask dataset has images/" + split + " and masks/"
                        + split + " with one mask per image, same file stem");
            }
        }
        Map<String, Path> maskByStem = new LinkedHashMap<>();
        for (Path m : list(masks)) {
            maskByStem.put(Sample.stemOf(m), m);
        }
        Faults faults = new Faults(root);
        List<Sample> samples = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path img : list(images)) {
            String stem = Sample.stemOf(img);
            Path mask = maskByStem.remove(stem);
            if (seen.put(stem, img) != null) {
                faults.add(root.relativize(img).toString(), "another image has the same stem " + stem);
            } else if (mask == null) {
                faults.add(root.relativize(img).toString(), "no mask " + masks.getFileName() + "/" + stem + ".png");
            } else {
                samples.add(new Sample(img, mask));
            }
        }
        for (Path m : maskByStem.values()) {
            faults.add(root.relativize(m).toString(), "mask without an image");
        }
        faults.throwIfAny();
        if (samples.isEmpty()) {
            throw new LumenException(images, "no images");
        }
        return new MaskFolder(root, split, classes, List.copyOf(samples));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(ImageFolder::isImageFile).sorted().toList();
        }
    }

    /**
     * The class index of each pixel of {@code sample}'s mask, row-major, after checking it against the image.
     *
     * @param imageWidth the image's width; the mask must be as wide
     * @throws LumenException on the mask file: not a one-channel image, a size other than the image's, or a
     *     value at or above the class count (the first such pixel is named)
     */
    public static byte[] readMask(Path mask, int imageWidth, int imageHeight, int numClasses) {
        Raster raster = decode(mask);
        if (raster.getWidth() != imageWidth || raster.getHeight() != imageHeight) {
            throw new LumenException(mask, "mask is " + raster.getWidth() + "x" + raster.getHeight()
                    + " but its image is " + imageWidth + "x" + imageHeight);
        }
        if (raster.getNumBands() != 1) {
            throw new LumenException(mask, "mask has " + raster.getNumBands() + " channels; it must be one channel"
                    + " (grey or palette) holding class indices");
        }
        int w = raster.getWidth(), h = raster.getHeight();
        int[] row = new int[w];
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                if (row[x] < 0 || row[x] >= numClasses) {
                    throw new LumenException(mask, "pixel (x=" + x + ", y=" + y + ") has class " + row[x]
                            + ", outside the " + numClasses + " declared classes 0.." + (numClasses - 1));
                }
                out[y * w + x] = (byte) row[x];
            }
        }
        return out;
    }

    private static Raster decode(Path mask) {
        try (ImageInputStream in = ImageIO.createImageInputStream(mask.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new LumenException(mask, "not a readable mask image (use PNG)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > ImageDecoder.DEFAULT_MAX_PIXELS) {
                    throw new LumenException(mask, "mask has " + pixels + " pixels, above the limit of "
                            + ImageDecoder.DEFAULT_MAX_PIXELS);
                }
                return reader.read(0).getRaster(); // a palette image's raster holds the indices
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof LumenException l) {
                throw l;
            }
            throw new LumenException(mask, "cannot read mask: " + e.getMessage());
        }
    }

    /** A class mask as an 8-bit grey image whose pixel values are the class indices (the file format read here). */
    public static java.awt.image.BufferedImage maskImage(byte[] mask, int width, int height) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, mask);
        return img;
    }

    public Path root() {
        return root;
    }

    public String split() {
        return split;
    }

    /** Class names; pixel value k is class {@code classes().get(k)}. */
    public List<String> classes() {
        return classes;
    }

    public List<Sample> samples() {
        return samples;
    }
}
