package org.lumen.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.geometry.Rle;

/**
 * One split of an instance-segmentation dataset as a detector trains on it: the boxes (each object's mask's
 * bounding box) as {@link DetectionData}, and beside them each object's mask, both in the same object order.
 * Crowd regions and objects whose mask is empty are left out (Ultralytics trains on neither; torchvision's
 * references drop crowds).
 *
 * @param detection the images and boxes
 * @param samples the split's samples, for the masks (same order as {@code detection.items()})
 * @param objects per image, the indices into its sample's instances of the objects kept
 */
public record InstanceData(DetectionData detection, List<Instances.Sample> samples, List<int[]> objects) {
    /**
     * Reads split {@code split} of an instance dataset in any of {@link InstanceFormats}' layouts, told apart by
     * what {@code data} holds: a {@code data.yaml} (or a folder with one) is YOLO segmentation labels, a folder
     * with {@code annotations/} is COCO, a folder with {@code classes.json} is class masks.
     */
    public static InstanceData read(Path data, String split, List<String> fixes) throws IOException {
        return read(data, fixes, split).get(0);
    }

    /** {@link #read(Path, String, List)} for several splits, the dataset read once. */
    public static List<InstanceData> read(Path data, List<String> fixes, String... splits) throws IOException {
        Instances all = InstanceFormats.read(format(data), data, fixes);
        List<InstanceData> out = new ArrayList<>();
        for (String split : splits) {
            List<Instances.Sample> samples = all.splits().get(split);
            if (samples == null) {
                throw new LumenException(data, "has no " + split + " split");
            }
            out.add(of(all.classes(), samples));
        }
        return out;
    }

    /** The layout of {@code data}, from what it holds. */
    public static InstanceFormats.Format format(Path data) {
        if (!Files.exists(data)) {
            throw new LumenException(data, "no such file or folder");
        }
        if (Files.isRegularFile(data) || Files.isRegularFile(data.resolve("data.yaml"))) {
            return InstanceFormats.Format.YOLO_SEG;
        }
        if (Files.isDirectory(data.resolve("annotations"))) {
            return InstanceFormats.Format.COCO;
        }
        if (Files.isRegularFile(data.resolve("classes.json"))) {
            return InstanceFormats.Format.MASKS;
        }
        throw new LumenException(data, "not an instance-segmentation dataset: no data.yaml (YOLO segmentation"
                + " labels), annotations/ (COCO) or classes.json (class masks)");
    }

    /** The detection view of {@code samples}: boxes are the masks' bounding boxes, normalised to the image. */
    public static InstanceData of(List<String> classes, List<Instances.Sample> samples) {
        List<DetectionData.Item> items = new ArrayList<>();
        List<int[]> objects = new ArrayList<>();
        for (Instances.Sample s : samples) {
            List<Integer> kept = new ArrayList<>();
            List<double[]> boxes = new ArrayList<>();
            for (int k = 0; k < s.instances().size(); k++) {
                Instances.Instance in = s.instances().get(k);
                if (in.crowd()) {
                    continue;
                }
                Rle mask = in.mask(s.height(), s.width());
                if (mask.area() == 0) {
                    continue;
                }
                double[] b = mask.bbox();
                boxes.add(new double[] {b[0] / s.width(), b[1] / s.height(), (b[0] + b[2]) / s.width(),
                    (b[1] + b[3]) / s.height()});
                kept.add(k);
            }
            double[] flat = new double[4 * boxes.size()];
            int[] labels = new int[boxes.size()];
            for (int i = 0; i < labels.length; i++) {
                System.arraycopy(boxes.get(i), 0, flat, 4 * i, 4);
                labels[i] = s.instances().get(kept.get(i)).classIndex();
            }
            items.add(new DetectionData.Item(s.image(), flat, labels));
            objects.add(kept.stream().mapToInt(Integer::intValue).toArray());
        }
        return new InstanceData(new DetectionData(List.copyOf(classes), List.copyOf(items)), List.copyOf(samples),
                List.copyOf(objects));
    }

    /**
     * Image {@code i}'s kept objects' masks in that image stretched to {@code height x width}: polygons scaled and
     * rasterised there (as pycocotools does at the original size), masks resampled by nearest neighbour.
     */
    public List<Rle> masks(int i, int height, int width) {
        Instances.Sample s = samples.get(i);
        double fx = (double) width / s.width();
        double fy = (double) height / s.height();
        List<Rle> out = new ArrayList<>();
        for (int k : objects.get(i)) {
            Instances.Instance in = s.instances().get(k);
            if (!in.polygons().isEmpty()) {
                List<double[]> scaled = new ArrayList<>();
                for (double[] p : in.polygons()) {
                    double[] q = new double[p.length];
                    for (int j = 0; j < p.length; j++) {
                        q[j] = p[j] * (j % 2 == 0 ? fx : fy);
                    }
                    scaled.add(q);
                }
                out.add(new Instances.Instance(in.classIndex(), scaled, null, in.crowd()).mask(height, width));
            } else {
                out.add(nearest(in.rle(), height, width));
            }
        }
        return out;
    }

    /** A mask resampled to {@code height x width}, each new pixel taking the old pixel under its centre. */
    static Rle nearest(Rle mask, int height, int width) {
        if (mask.height() == height && mask.width() == width) {
            return mask;
        }
        byte[] src = mask.decode();
        byte[] dst = new byte[height * width];
        for (int y = 0; y < height; y++) {
            int sy = Math.min(mask.height() - 1, (int) ((y + 0.5) * mask.height() / height));
            for (int x = 0; x < width; x++) {
                int sx = Math.min(mask.width() - 1, (int) ((x + 0.5) * mask.width() / width));
                dst[y * width + x] = src[sy * mask.width() + sx];
            }
        }
        return Rle.encode(dst, height, width);
    }
}
