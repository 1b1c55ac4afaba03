package org.lumen.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;

/**
 * A detection dataset split, whatever its on-disk form: Ultralytics' {@code data.yaml} with YOLO label files,
 * or COCO json files ({@code annotations/instances_<split>.json} with images under {@code images/<split>/}, the
 * layout {@code lumen synth galaxies} writes beside the YOLO one). Both are validated on load, every fault
 * reported with file and line or place (see {@link YoloDataset}, {@link CocoReader}).
 *
 * <p>Classes are 0-based: YOLO's class ids as they are, COCO's category ids in increasing id order. Boxes are
 * corners normalised to the image ({@code x1 / width, y1 / height, x2 / width, y2 / height}) so that they
 * follow any resize of the image.
 *
 * @param classNames class names by index
 * @param items the split's images, in file-name order (YOLO) or file order (COCO)
 */
public record DetectionData(List<String> classNames, List<Item> items) {
    /**
     * One image and its objects.
     *
     * @param boxes normalised corners, 4 per object
     * @param labels 0-based class per object
     */
    public record Item(Path image, double[] boxes, int[] labels) {
        public int count() {
            return labels.length;
        }
    }

    /**
     * Reads split {@code split} (train, val or test) of {@code data}: a {@code data.yaml} file, a folder holding
     * one, or a folder with {@code annotations/instances_<split>.json}. With {@code fix}, COCO boxes outside their
     * image are clipped and empty ones dropped, one line per change going to {@code fixes}.
     */
    public static DetectionData read(Path data, String split, boolean fix, List<String> fixes) throws IOException {
        Path yaml = Files.isDirectory(data) ? data.resolve("data.yaml") : data;
        if (Files.isRegularFile(yaml) && yaml.getFileName().toString().matches(".*\\.ya?ml")) {
            return fromYolo(yaml, split);
        }
        if (Files.isDirectory(data)) {
            Path json = data.resolve("annotations").resolve("instances_" + split + ".json");
            if (Files.isRegularFile(json)) {
                return fromCoco(json, data.resolve("images").resolve(split), fix, fixes);
            }
            throw new LumenException(data, "not a detection dataset: no data.yaml and no annotations/instances_"
                    + split + ".json");
        }
        if (!Files.exists(data)) {
            throw new LumenException(data, "no such file or folder");
        }
        throw new LumenException(data, "not a detection dataset: expected a data.yaml or a dataset folder");
    }

    private static DetectionData fromYolo(Path yaml, String split) throws IOException {
        YoloDataset ds = YoloDataset.read(yaml);
        List<YoloDataset.Item> list = ds.splits().get(split);
        if (list == null) {
            throw new LumenException(yaml, "has no " + split + " split");
        }
        List<Item> items = new ArrayList<>();
        for (YoloDataset.Item it : list) {
            int n = it.labels().size();
            double[] b = new double[4 * n];
            int[] l = new int[n];
            for (int i = 0; i < n; i++) {
                YoloLabels.Label lab = it.labels().get(i);
                b[4 * i] = lab.cx() - lab.width() / 2;
                b[4 * i + 1] = lab.cy() - lab.height() / 2;
                b[4 * i + 2] = lab.cx() + lab.width() / 2;
                b[4 * i + 3] = lab.cy() + lab.height() / 2;
                l[i] = lab.classId();
            }
            items.add(new Item(it.image(), b, l));
        }
        return new DetectionData(ds.config().names(), List.copyOf(items));
    }

    private static DetectionData fromCoco(Path json, Path imageRoot, boolean fix, List<String> fixes)
            throws IOException {
        CocoDataset ds;
        if (fix) {
            CocoReader.Fixed f = CocoReader.readFixing(json, imageRoot);
            ds = f.dataset();
            fixes.addAll(f.changes());
        } else {
            ds = CocoReader.read(json, imageRoot);
        }
        long[] ids = ds.categories().stream().mapToLong(CocoDataset.Category::id).sorted().toArray();
        Map<Long, String> names = new LinkedHashMap<>();
        for (CocoDataset.Category c : ds.categories()) {
            names.put(c.id(), c.name());
        }
        List<String> classNames = Arrays.stream(ids).mapToObj(names::get).toList();
        Map<Long, List<CocoDataset.Annotation>> byImage = new LinkedHashMap<>();
        for (CocoDataset.Annotation a : ds.annotations()) {
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(a);
        }
        List<Item> items = new ArrayList<>();
        for (CocoDataset.Image im : ds.images()) {
            List<CocoDataset.Annotation> anns = byImage.getOrDefault(im.id(), List.of());
            double[] b = new double[4 * anns.size()];
            int[] l = new int[anns.size()];
            for (int i = 0; i < anns.size(); i++) {
                CocoDataset.Annotation a = anns.get(i);
                b[4 * i] = a.x() / im.width();
                b[4 * i + 1] = a.y() / im.height();
                b[4 * i + 2] = (a.x() + a.width()) / im.width();
                b[4 * i + 3] = (a.y() + a.height()) / im.height();
                l[i] = Arrays.binarySearch(ids, a.categoryId());
            }
            items.add(new Item(imageRoot.resolve(im.fileName()), b, l));
        }
        return new DetectionData(classNames, List.copyOf(items));
    }
}
