package org.lumen.nn.segment;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.lumen.core.LumenException;
import org.lumen.core.data.MaskFolder;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.nn.model.Preprocess;

/**
 * A {@link MaskFolder} split prepared for a model: every image decoded and prepared as for classification
 * ({@link Preprocess}: stretch, channels, antialiased bilinear resize to {@code imgsz}), every mask checked
 * against its image ({@link MaskFolder#readMask}) and resized to {@code imgsz} by nearest neighbour (each output
 * pixel takes the class at its centre's position in the mask). All up front, in parallel; any bad file fails the
 * load with its name.
 */
public final class MaskImages {
    private final MaskFolder folder;
    private final int imgsz;
    private final float[][] pixels;
    private final byte[][] masks;

    private MaskImages(MaskFolder folder, int imgsz, float[][] pixels, byte[][] masks) {
        this.folder = folder;
        this.imgsz = imgsz;
        this.pixels = pixels;
        this.masks = masks;
    }

    public static long bytesNeeded(MaskFolder folder, int imgsz, int channels) {
        return (long) folder.samples().size() * (channels * Float.BYTES + 1) * imgsz * imgsz;
    }

    public static MaskImages load(MaskFolder folder, int imgsz, int channels) throws IOException {
        List<MaskFolder.Sample> samples = folder.samples();
        int k = folder.classes().size();
        float[][] pixels = new float[samples.size()][];
        byte[][] masks = new byte[samples.size()][];
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            pool.submit(() -> IntStream.range(0, samples.size()).parallel().forEach(i -> {
                MaskFolder.Sample s = samples.get(i);
                Image img = ImageDecoder.read(s.image());
                byte[] mask = MaskFolder.readMask(s.mask(), img.width(), img.height(), k);
                pixels[i] = Preprocess.fit(img, imgsz, channels).data();
                masks[i] = resizeNearest(mask, img.width(), img.height(), imgsz, imgsz);
            })).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LumenException l) {
                throw l;
            }
            throw new IOException("cannot prepare " + folder.root() + " " + folder.split() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdown();
        }
        return new MaskImages(folder, imgsz, pixels, masks);
    }

    /** Nearest-neighbour resize of a class mask: output pixel (x, y) takes input ((x + 0.5) w / ow, (y + 0.5) h / oh). */
    public static byte[] resizeNearest(byte[] mask, int w, int h, int ow, int oh) {
        if (w == ow && h == oh) {
            return mask;
        }
        byte[] out = new byte[ow * oh];
        for (int y = 0; y < oh; y++) {
            int sy = Math.min(h - 1, (int) ((y + 0.5) * h / oh));
            for (int x = 0; x < ow; x++) {
                int sx = Math.min(w - 1, (int) ((x + 0.5) * w / ow));
                out[y * ow + x] = mask[sy * w + sx];
            }
        }
        return out;
    }

    public MaskFolder folder() {
        return folder;
    }

    public int imgsz() {
        return imgsz;
    }

    public int size() {
        return pixels.length;
    }

    /** A fresh copy of image {@code i}, CHW in [0, 1] at imgsz. */
    public float[] pixels(int i) {
        return pixels[i].clone();
    }

    /** Mask {@code i} at imgsz (not a copy: do not modify). */
    public byte[] mask(int i) {
        return masks[i];
    }

    public String name(int i) {
        return folder.samples().get(i).image().toString();
    }
}
