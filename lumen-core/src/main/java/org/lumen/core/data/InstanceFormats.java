package org.lumen.core.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.lumen.core.LumenException;
import org.lumen.core.image.ImageDecoder;

/**
 * Reads and writes instance-segmentation datasets in three layouts (splits train, val, test; those present):
 * <pre>
 * coco      D/annotations/instances_{split}.json   COCO, "segmentation" polygons or RLE (compressed or not)
 *           D/images/{split}/FILE_NAME             file_name relative to this folder
 * yolo-seg  D/data.yaml                            Ultralytics config (D may name the yaml itself)
 *           D/images/{split}/NAME.png ...          images; labels in the twin labels/{split}/NAME.txt,
 *           D/labels/{split}/NAME.txt              one object per line: class x1 y1 ... xn yn, normalised
 * masks     D/classes.json                         {"classes": ["background", ...]}, class k = pixel value k
 *           D/images/{split}/NAME.png ...
 *           D/masks/{split}/NAME.png               8-bit, pixel = class; objects = 4-connected components
 * </pre>
 * Reading validates everything and reports every fault of a file at once ({@link CocoReader} with
 * {@link CocoSegmentation}, {@link YoloSegLabels}, {@link MaskFolder}). Classes map as: COCO categories in
 * increasing id order = YOLO classes 0.. = mask values 1.. (mask value 0 is the background); written COCO
 * category ids are class + 1.
 */
public final class InstanceFormats {
    /** The layouts. */
    public enum Format {
        COCO("coco"), YOLO_SEG("yolo-seg"), MASKS("masks");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The format called {@code name} ({@code coco}, {@code yolo-seg}, {@code masks}), or {@code null}. */
        public static Format parse(String name) {
            for (Format f : values()) {
                if (f.label.equals(name.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            return null;
        }
    }

    public static final List<String> SPLITS = List.of("train", "val", "test");

    private InstanceFormats() {}

    /**
     * Reads {@code data} in {@code format}.
     *
     * @param fixes {@code null} to refuse coordinates outside the image and outlines without area; else they are
     *     clipped or dropped and each change is added here
     * @throws LumenException naming the file and listing its faults
     */
    public static Instances read(Format format, Path data, List<String> fixes) throws IOException {
        if (!Files.exists(data)) {
            throw new LumenException(data, "no such file or folder");
        }
        return switch (format) {
            case COCO -> readCoco(data, fixes);
            case YOLO_SEG -> readYoloSeg(data, fixes);
            case MASKS -> readMasks(data);
        };
    }

    /** Writes {@code instances} in {@code format} into the (empty) folder {@code out}, copying the images. */
    public static void write(Format format, Instances instances, Path out) throws IOException {
        switch (format) {
            case COCO -> writeCoco(instances, out);
            case YOLO_SEG -> writeYoloSeg(instances, out);
            case MASKS -> writeMasks(instances, out);
        }
    }

    // ---------------------------------------------------------------- COCO

    static Instances readCoco(Path dir, List<String> fixes) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new LumenException(dir, "not a COCO dataset folder (expected annotations/instances_{split}.json"
                    + " and images/{split}/)");
        }
        List<String> classes = null;
        long[] categoryIds = null;
        Path classSource = null;
        Map<String, List<Instances.Sample>> splits = new LinkedHashMap<>();
        for (String split : SPLITS) {
            Path json = dir.resolve("annotations").resolve("instances_" + split + ".json");
            if (!Files.isRegularFile(json)) {
                continue;
            }
            Path images = dir.resolve("images").resolve(split);
            CocoReader.Fixed read = CocoReader.read(json, images, fixes != null, CocoSegmentation::check);
            if (fixes != null) {
                fixes.addAll(read.changes().stream().map(c -> json + ": " + c).toList());
            }
            CocoDataset ds = read.dataset();
            List<CocoDataset.Category> sorted = ds.categories().stream()
                    .sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
            long[] ids = sorted.stream().mapToLong(CocoDataset.Category::id).toArray();
            List<String> names = sorted.stream().map(CocoDataset.Category::name).toList();
            if (classes == null) {
                classes = names;
                categoryIds = ids;
                classSource = json;
            } else if (!classes.equals(names) || !java.util.Arrays.equals(categoryIds, ids)) {
                throw new LumenException(json, "categories differ from those of " + classSource.getFileName()
                        + ": every split must have the same categories");
            }
            Map<Long, List<Instances.Instance>> byImage = new LinkedHashMap<>();
            for (CocoDataset.Annotation a : ds.annotations()) {
                int cls = java.util.Arrays.binarySearch(ids, a.categoryId());
                byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(CocoSegmentation.instance(a, cls));
            }
            List<Instances.Sample> samples = new ArrayList<>();
            for (CocoDataset.Image im : ds.images()) {
                samples.add(new Instances.Sample(images.resolve(im.fileName()), im.fileName(), im.width(), im.height(),
                        List.copyOf(byImage.getOrDefault(im.id(), List.of()))));
            }
            splits.put(split, List.copyOf(samples));
        }
        if (splits.isEmpty()) {
            throw new LumenException(dir, "not a COCO dataset: no annotations/instances_{train,val,test}.json");
        }
        return new Instances(classes, splits);
    }

    static void writeCoco(Instances data, Path out) throws IOException {
        List<CocoDataset.Category> categories = new ArrayList<>();
        for (int k = 0; k < data.classes().size(); k++) {
            categories.add(new CocoDataset.Category(k + 1, data.classes().get(k), null));
        }
        for (Map.Entry<String, List<Instances.Sample>> split : data.splits().entrySet()) {
            List<CocoDataset.Image> images = new ArrayList<>();
            List<CocoDataset.Annotation> annotations = new ArrayList<>();
            long imageId = 0;
            for (Instances.Sample s : split.getValue()) {
                images.add(new CocoDataset.Image(++imageId, s.name(), s.width(), s.height()));
                copyImage(s, out.resolve("images").resolve(split.getKey()).resolve(s.name()));
                for (Instances.Instance instance : s.instances()) {
                    annotations.add(Instances.toCoco(instance, annotations.size() + 1, imageId,
                            instance.classIndex() + 1, s.width(), s.height()));
                }
            }
            new CocoDataset(images, annotations, categories)
                    .write(out.resolve("annotations").resolve("instances_" + split.getKey() + ".json"));
        }
    }

    // ---------------------------------------------------------------- YOLO

    static Instances readYoloSeg(Path data, List<String> fixes) throws IOException {
        Path yaml = Files.isDirectory(data) ? data.resolve("data.yaml") : data;
        if (!Files.isRegularFile(yaml)) {
            throw new LumenException(data, "not a YOLO dataset: no data.yaml");
        }
        DataYaml config = DataYaml.read(yaml);
        Path root = config.root(yaml);
        Faults faults = new Faults(yaml);
        Map<String, String> folders = new LinkedHashMap<>();
        folders.put("train", config.train());
        folders.put("val", config.val());
        if (config.test() != null) {
            folders.put("test", config.test());
        }
        Map<String, List<Instances.Sample>> splits = new LinkedHashMap<>();
        for (Map.Entry<String, String> split : folders.entrySet()) {
            Path images = root.resolve(split.getValue());
            if (!Files.isDirectory(images)) {
                throw new LumenException(yaml, split.getKey() + " image folder not found: " + images);
            }
            Path labels = YoloDataset.labelFolder(images);
            List<Instances.Sample> samples = new ArrayList<>();
            for (Path image : imagesIn(images)) {
                String name = images.relativize(image).toString();
                Path labelFile = labels.resolve(stem(name) + ".txt");
                int[] size = imageSize(image);
                List<Instances.Instance> objects = new ArrayList<>();
                if (Files.isRegularFile(labelFile)) {
                    List<String> changes = fixes == null ? null : new ArrayList<>();
                    String where = root.relativize(labelFile).toString();
                    for (YoloSegLabels.Instance label : YoloSegLabels.read(labelFile, where, config.nc(), changes,
                            faults)) {
                        objects.add(Instances.fromYolo(label, size[0], size[1]));
                    }
                    if (changes != null) {
                        changes.forEach(c -> fixes.add(root + java.io.File.separator + c));
                    }
                }
                samples.add(new Instances.Sample(image, name, size[0], size[1], List.copyOf(objects)));
            }
            splits.put(split.getKey(), List.copyOf(samples));
        }
        faults.throwIfAny();
        return new Instances(config.names(), splits);
    }

    static void writeYoloSeg(Instances data, Path out) throws IOException {
        if (!data.splits().containsKey("train") || !data.splits().containsKey("val")) {
            // the setting "to" with this value, which the command line prints as its flag and value
            throw LumenException.setting("to yolo-seg", "an Ultralytics dataset needs train and val splits; the input"
                    + " has " + String.join(", ", data.splits().keySet()));
        }
        for (Map.Entry<String, List<Instances.Sample>> split : data.splits().entrySet()) {
            Files.createDirectories(out.resolve("images").resolve(split.getKey()));
            for (Instances.Sample s : split.getValue()) {
                copyImage(s, out.resolve("images").resolve(split.getKey()).resolve(s.name()));
                List<YoloSegLabels.Instance> labels = new ArrayList<>();
                for (Instances.Instance instance : s.instances()) {
                    YoloSegLabels.Instance label = instance.crowd() ? null
                            : Instances.toYolo(instance, s.width(), s.height());
                    if (label != null) {
                        labels.add(label);
                    }
                }
                Path file = out.resolve("labels").resolve(split.getKey()).resolve(stem(s.name()) + ".txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, YoloSegLabels.format(labels));
            }
        }
        new DataYaml(null, "images/train", "images/val", data.splits().containsKey("test") ? "images/test" : null,
                data.classes()).write(out.resolve("data.yaml"));
    }

    // ---------------------------------------------------------------- masks

    static Instances readMasks(Path dir) throws IOException {
        List<String> classes = MaskFolder.readClasses(dir);
        Map<String, List<Instances.Sample>> splits = new LinkedHashMap<>();
        for (String split : SPLITS) {
            if (!Files.isDirectory(dir.resolve("images").resolve(split))) {
                continue;
            }
            MaskFolder folder = MaskFolder.open(dir, split);
            List<Instances.Sample> samples = new ArrayList<>();
            for (MaskFolder.Sample s : folder.samples()) {
                int[] size = imageSize(s.image());
                byte[] mask = MaskFolder.readMask(s.mask(), size[0], size[1], classes.size());
                samples.add(new Instances.Sample(s.image(), s.image().getFileName().toString(), size[0], size[1],
                        Instances.fromClassMask(mask, size[0], size[1], classes.size())));
            }
            splits.put(split, List.copyOf(samples));
        }
        if (splits.isEmpty()) {
            throw new LumenException(dir, "not a mask dataset: no images/{train,val,test} folder");
        }
        return new Instances(classes.subList(1, classes.size()), splits);
    }

    static void writeMasks(Instances data, Path out) throws IOException {
        if (data.classes().size() > 255) {
            throw LumenException.setting("to masks", data.classes().size() + " classes do not fit in 8-bit masks"
                    + " (at most 255 besides the background)");
        }
        List<String> names = new ArrayList<>();
        names.add(data.classes().contains("background") ? "_background" : "background");
        names.addAll(data.classes());
        for (Map.Entry<String, List<Instances.Sample>> split : data.splits().entrySet()) {
            for (Instances.Sample s : split.getValue()) {
                if (s.name().contains("/") || s.name().contains("\\")) {
                    throw new LumenException(s.image(), "image in a subfolder (" + s.name() + "): a mask dataset"
                            + " keeps its images directly in images/" + split.getKey() + "/");
                }
                copyImage(s, out.resolve("images").resolve(split.getKey()).resolve(s.name()));
                byte[] mask = Instances.classMask(s.instances(), s.width(), s.height());
                Path file = out.resolve("masks").resolve(split.getKey()).resolve(stem(s.name()) + ".png");
                Files.createDirectories(file.getParent());
                ImageIO.write(MaskFolder.maskImage(mask, s.width(), s.height()), "png", file.toFile());
            }
        }
        ObjectNode json = new ObjectMapper().createObjectNode();
        names.forEach(json.putArray("classes")::add);
        Files.writeString(out.resolve(MaskFolder.CLASSES_JSON), json.toPrettyString());
    }

    // ---------------------------------------------------------------- helpers

    private static void copyImage(Instances.Sample s, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(s.image(), target);
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return dot > slash + 1 ? name.substring(0, dot) : name;
    }

    private static List<Path> imagesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(ImageFolder::isImageFile).sorted().toList();
        }
    }

    /** {@code {width, height}} of an image, from its header where the JDK can read it, else by decoding it. */
    static int[] imageSize(Path image) {
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers != null && readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in);
                    return new int[] {reader.getWidth(0), reader.getHeight(0)};
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the full decoder, which names the fault
        }
        org.lumen.core.image.Image decoded = ImageDecoder.read(image);
        return new int[] {decoded.width(), decoded.height()};
    }
}
