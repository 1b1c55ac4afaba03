package org.lumen.nn.detect;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.lumen.core.LumenException;
import org.lumen.core.data.DetectionData;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.classify.Preprocess;

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

    private PreparedDetections(DetectionData data, int imgsz, float[][] pixels, int[][] sizes) {
        this.data = data;
        this.imgsz = imgsz;
        this.pixels = pixels;
        this.sizes = sizes;
    }

    public static PreparedDetections load(DetectionData data, int imgsz) throws IOException {
        int n = data.items().size();
        float[][] pixels = new float[n][];
        int[][] sizes = new int[n][];
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
                org.lumen.core.image.Image im = org.lumen.core.image.ImageDecoder.read(data.items().get(i).image());
                sizes[i] = new int[] {im.width(), im.height()};
                pixels[i] = Preprocess.fit(im, imgsz, 3).data();
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
        return new PreparedDetections(data, imgsz, pixels, sizes);
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
