package org.lumen.nn.classify;

import org.lumen.nn.model.Preprocess;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.nn.train.LabeledImages;

/**
 * An ImageFolder split prepared for a model: every image decoded, converted and resized once, up front and in
 * parallel, then kept in memory (a 224-pixel RGB image takes 600 kB; the caller checks the budget with
 * {@link #bytesNeeded}). Any unreadable image fails the whole load with its file named, before training starts
 * rather than in epoch 7.
 */
public final class FolderImages implements LabeledImages {
    private final ImageFolder folder;
    private final float[][] pixels;

    private FolderImages(ImageFolder folder, float[][] pixels) {
        this.folder = folder;
        this.pixels = pixels;
    }

    /** Bytes the prepared images of {@code folder} take in memory. */
    public static long bytesNeeded(ImageFolder folder, int imgsz, int channels) {
        return (long) folder.samples().size() * channels * imgsz * imgsz * Float.BYTES;
    }

    public static FolderImages load(ImageFolder folder, int imgsz, int channels) throws IOException {
        List<ImageFolder.Sample> samples = folder.samples();
        float[][] pixels = new float[samples.size()][];
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            pool.submit(() -> java.util.stream.IntStream.range(0, samples.size()).parallel().forEach(i -> pixels[i] =
                    Preprocess.load(samples.get(i).path(), imgsz, channels).data())).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LumenException l) {
                throw l;
            }
            throw new IOException("cannot prepare images of " + folder.folder() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdown();
        }
        return new FolderImages(folder, pixels);
    }

    public ImageFolder folder() {
        return folder;
    }

    @Override
    public int size() {
        return pixels.length;
    }

    @Override
    public int label(int index) {
        return folder.samples().get(index).label();
    }

    @Override
    public float[] pixels(int index) {
        return pixels[index].clone();
    }

    @Override
    public String name(int index) {
        return folder.samples().get(index).path().toString();
    }

    /** Labels of all samples, in order. */
    public int[] labels() {
        int[] l = new int[size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = label(i);
        }
        return l;
    }
}
