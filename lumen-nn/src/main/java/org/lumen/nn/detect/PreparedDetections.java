package org.lumen.nn.detect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.lumen.core.LumenException;
import org.lumen.core.data.DetectionData;
import org.lumen.core.data.InstanceData;
import org.lumen.core.data.Instances;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.model.Preprocess;

/**
 * A detection split prepared for a model: every image decoded, converted to 3 channels and resized to
 * {@code imgsz x imgsz} once, up front and in parallel, with its boxes in the pixels of the prepared image.
 * An unreadable image fails the whole load with its file named, before training starts.
 */
public final class PreparedDetections {
    private final DetectionData data;
    private final int imgsz;
    private final float[][] pixels;
    private final int[][] sizes;
    private final List<List<Rle>> masks;
    private final InstanceData instances;

    private PreparedDetections(DetectionData data, InstanceData instances, int imgsz, float[][] pixels, int[][] sizes,
            List<List<Rle>> masks) {
        this.data = data;
        this.instances = instances;
        this.imgsz = imgsz;
        this.pixels = pixels;
        this.sizes = sizes;
        this.masks = masks;
    }

    public static PreparedDetections load(DetectionData data, int imgsz) throws IOException {
        return load(data, null, imgsz);
    }

    /** An instance split: boxes as {@link #load(DetectionData, int)}, and each object's mask at the prepared size. */
    public static PreparedDetections load(InstanceData data, int imgsz) throws IOException {
        return load(data.detection(), data, imgsz);
    }

    private static PreparedDetections load(DetectionData data, InstanceData instances, int imgsz) throws IOException {
        int n = data.items().size();
        float[][] pixels = new float[n][];
        int[][] sizes = new int[n][];
        List<List<Rle>> masks = instances == null ? null : new ArrayList<>(Collections.nCopies(n, null));
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
                org.lumen.core.image.Image im = org.lumen.core.image.ImageDecoder.read(data.items().get(i).image());
                sizes[i] = new int[] {im.width(), im.height()};
                pixels[i] = Preprocess.fit(im, imgsz, 3).data();
                if (instances != null) {
                    Instances.Sample sample = instances.samples().get(i);
                    if (sample.width() != im.width() || sample.height() != im.height()) {
                        throw new LumenException(sample.image(), "is " + im.width() + "x" + im.height()
                                + " but its annotations say " + sample.width() + "x" + sample.height());
                    }
                    masks.set(i, instances.masks(i, imgsz, imgsz));
                }
            })).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LumenException l) {
                throw l;
            }
            throw new IOException("cannot prepare detection images: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdown();
        }
        return new PreparedDetections(data, instances, imgsz, pixels, sizes, masks == null ? null : List.copyOf(masks));
    }

    /** Whether each object has its mask (an instance split). */
    public boolean hasMasks() {
        return masks != null;
    }

    /** Image {@code i}'s objects' masks at the prepared size, in the order of {@link #truth}. */
    public List<Rle> masks(int i) {
        if (masks == null) {
            throw new IllegalStateException("a box-only split has no masks");
        }
        return masks.get(i);
    }

    /** Image {@code i}'s objects' masks at its original size, in the order of {@link #truth}. */
    public List<Rle> originalMasks(int i) {
        if (instances == null) {
            throw new IllegalStateException("a box-only split has no masks");
        }
        int[] size = sizes[i];
        return instances.masks(i, size[1], size[0]);
    }

    /** {@link #masks} as {@code imgsz * imgsz} row-major 0/1 values per object. */
    public float[][] maskPixels(int i) {
        List<Rle> list = masks(i);
        float[][] out = new float[list.size()][];
        for (int k = 0; k < out.length; k++) {
            byte[] b = list.get(k).decode();
            out[k] = new float[b.length];
            for (int j = 0; j < b.length; j++) {
                out[k][j] = b[j];
            }
        }
        return out;
    }

    public int size() {
        return pixels.length;
    }

    public int imgsz() {
        return imgsz;
    }

    public DetectionData data() {
        return data;
    }

    /** The prepared image (a copy: augmentation may change it). */
    public float[] pixels(int i) {
        return pixels[i].clone();
    }

    /** Width and height of the original image. */
    public int[] originalSize(int i) {
        return sizes[i].clone();
    }

    /** The ground truth of image {@code i} in the pixels of the prepared image. */
    public Boxes truth(int i) {
        DetectionData.Item it = data.items().get(i);
        double[] b = it.boxes().clone();
        for (int k = 0; k < b.length; k++) {
            b[k] *= imgsz;
        }
        return Boxes.truth(b, it.labels().clone());
    }

    /** The ground truth of every image, in prepared pixels. */
    public List<Boxes> truths() {
        return IntStream.range(0, size()).mapToObj(this::truth).toList();
    }
}
