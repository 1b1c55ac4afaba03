package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.ops.Functional;

/**
 * torchvision's {@code GeneralizedRCNNTransform} in evaluation and training: images {@code [3, H, W]} in [0, 1]
 * (any sizes) normalised with ImageNet's statistics ({@link #MEAN}, {@link #STD}), each resized (bilinear, no
 * antialiasing) so its short side is {@code minSize} unless its long side would pass {@code maxSize}, and batched
 * into {@code [N, 3, H', W']} zero-padded at the bottom and right to a multiple of 32; {@link #postprocess} takes
 * detections back to the original image's pixels ({@code resize_boxes}). Defaults: {@code min_size} 800,
 * {@code max_size} 1333.
 */
public final class RcnnTransform {
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};
    /** The padded batch is a multiple of this in both sides (torchvision's {@code size_divisible}). */
    static final int SIZE_DIVISIBLE = 32;

    private int minSize = 800;
    private int maxSize = 1333;

    /** The transformed batch {@code [N, 3, H', W']}: normalised, resized, padded; each image's size after resizing. */
    public record Batch(NDArray images, int[][] sizes) {}

    /** torchvision's {@code min_size} and {@code max_size}. */
    public RcnnTransform withSizes(int min, int max) {
        this.minSize = min;
        this.maxSize = max;
        return this;
    }

    public int minSize() {
        return minSize;
    }

    public int maxSize() {
        return maxSize;
    }

    /**
     * torchvision's {@code torch.min(min_size / short, max_size / long)} as float32 tensors compute it: a Python
     * number divided by a tensor is {@code tensor.reciprocal() * number}, two float32 roundings, not one division.
     * The difference decides sizes: for 480 rows at min size 800, 1/480 then x 800 gives 1.66666675 and 800 rows,
     * a plain division 1.66666663 and 799 (one row of padding, and every row after the first resampled off).
     */
    static float resizeScale(int h, int w, int minSize, int maxSize) {
        float byShort = (1f / Math.min(h, w)) * minSize;
        float byLong = (1f / Math.max(h, w)) * maxSize;
        return Math.min(byShort, byLong);
    }

    /** Normalise, resize, pad to a multiple of 32. */
    public Batch transform(List<NDArray> images) {
        NDManager m = images.get(0).getManager();
        List<NDArray> resized = new ArrayList<>();
        int[][] sizes = new int[images.size()][];
        int maxH = 0;
        int maxW = 0;
        NDArray mean = m.create(MEAN, new Shape(3, 1, 1));
        NDArray std = m.create(STD, new Shape(3, 1, 1));
        for (int i = 0; i < images.size(); i++) {
            NDArray im = images.get(i).sub(mean).div(std);
            int h = (int) im.getShape().get(1);
            int w = (int) im.getShape().get(2);
            float scale = resizeScale(h, w, minSize, maxSize);
            // torch: scale_factor (float32's value) with recompute_scale_factor=True -> floor(in * scale) in double
            int oh = (int) Math.floor(h * (double) scale);
            int ow = (int) Math.floor(w * (double) scale);
            if (oh != h || ow != w) {
                im = Functional.resizeBilinear(im.expandDims(0), oh, ow).squeeze(0);
            }
            resized.add(im);
            sizes[i] = new int[] {oh, ow};
            maxH = Math.max(maxH, oh);
            maxW = Math.max(maxW, ow);
        }
        int ph = (maxH + SIZE_DIVISIBLE - 1) / SIZE_DIVISIBLE * SIZE_DIVISIBLE;
        int pw = (maxW + SIZE_DIVISIBLE - 1) / SIZE_DIVISIBLE * SIZE_DIVISIBLE;
        NDList padded = new NDList();
        for (NDArray im : resized) {
            long h = im.getShape().get(1);
            long w = im.getShape().get(2);
            NDArray out = im;
            if (w < pw) {
                out = out.concat(m.zeros(new Shape(3, h, pw - w)), 2);
            }
            if (h < ph) {
                out = out.concat(m.zeros(new Shape(3, ph - h, pw)), 1);
            }
            padded.add(out.expandDims(0));
        }
        return new Batch(NDArrays.concat(padded, 0), sizes);
    }

    /**
     * torchvision's {@code resize_boxes}: boxes of a transformed image of {@code size} back to the pixels of
     * {@code image} {@code [3, H, W]}, with its float32 ratios and products (the pasted masks' integer corners
     * depend on the last bit).
     */
    public static Boxes postprocess(Boxes b, int[] size, NDArray image) {
        float fy = (float) image.getShape().get(1) / (float) size[0];
        float fx = (float) image.getShape().get(2) / (float) size[1];
        double[] xyxy = new double[b.xyxy().length];
        for (int j = 0; j < xyxy.length; j++) {
            xyxy[j] = (float) b.xyxy()[j] * (j % 2 == 0 ? fx : fy);
        }
        return new Boxes(xyxy, b.labels(), b.scores());
    }
}
