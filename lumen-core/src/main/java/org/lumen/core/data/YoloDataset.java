package org.lumen.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lumen.core.LumenException;

/**
 * A YOLO detection dataset as Ultralytics lays it out: {@code data.yaml}, and per split an image folder
 * {@code .../images/<split>} whose labels are in the twin folder {@code .../labels/<split>}, one
 * {@code <stem>.txt} per image (a missing label file means no objects, as in Ultralytics).
 *
 * @param splits for each split named in the config (train, val, test), its images in file-name order
 */
public record YoloDataset(DataYaml config, Path root, Map<String, List<Item>> splits) {

    /** One image and its objects. */
    public record Item(Path image, List<YoloLabels.Label> labels) {}

    /**
     * Reads the config and every label file, reporting all faults of all files in one exception, each as
     * {@code labels/train/x.txt:3: what}.
     */
    public static YoloDataset read(Path dataYaml) throws IOException {
        DataYaml config = DataYaml.read(dataYaml);
        Path root = config.root(dataYaml);
        Faults faults = new Faults(dataYaml);
        Map<String, List<Item>> splits = new LinkedHashMap<>();
        Map<String, String> folders = new LinkedHashMap<>();
        folders.put("train", config.train());
        folders.put("val", config.val());
        if (config.test() != null) {
            folders.put("test", config.test());
        }
        for (Map.Entry<String, String> split : folders.entrySet()) {
            Path images = root.resolve(split.getValue());
            if (!Files.isDirectory(images)) {
                throw new LumenException(dataYaml, split.getKey() + " image folder not found: " + images);
            }
            Path labels = labelFolder(images);
            List<Item> items = new ArrayList<>();
            for (Path image : imagesIn(images)) {
                String stem = image.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                Path labelFile = labels.resolve(stem + ".txt");
                List<YoloLabels.Label> objects = Files.isRegularFile(labelFile)
                        ? YoloLabels.read(labelFile, root.relativize(labelFile).toString(), config.nc(), faults)
                        : List.of();
                items.add(new Item(image, objects));
            }
            splits.put(split.getKey(), List.copyOf(items));
        }
        faults.throwIfAny();
        return new YoloDataset(config, root, splits);
    }

    /** Ultralytics' rule: the last {@code images} folder in the path becomes {@code labels}. */
    static Path labelFolder(Path imageFolder) {
        Path normal = imageFolder.toAbsolutePath().normalize();
        for (int k = normal.getNameCount() - 1; k >= 0; k--) {
            if (normal.getName(k).toString().equals("images")) {
                Path parent = k == 0 ? normal.getRoot() : normal.getRoot().resolve(normal.subpath(0, k));
                Path labels = parent.resolve("labels");
                return k + 1 < normal.getNameCount() ? labels.resolve(normal.subpath(k + 1, normal.getNameCount())) : labels;
            }
        }
        return normal; // no images folder in the path: labels sit beside the images
    }

    private static List<Path> imagesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(ImageFolder::isImageFile).sorted().toList();
        }
    }
}
