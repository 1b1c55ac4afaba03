package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.nn.module.Module;

/**
 * Makes a segmentation model explainable by any {@link Explainer}: a module whose single "logit" per image is
 * the mean, over a region of the image, of the model's logit for a class (the target for segmentation:
 * a mask region). The model's layers are reachable under {@code net.}.
 *
 * <p>Set the region (a mask of the model's output size, per image) and the class with {@link #setTargets} before
 * explaining; explain with target class 0 (the only output).
 */
public final class SegmentationTarget extends Module {
    private final Module net;
    private float[][] masks;
    private int[] classes;

    public SegmentationTarget(Module segmentationModel) {
        this.net = register("net", segmentationModel);
    }

    /**
     * The layer a CAM explains by default, under {@code net.}: the last decoder stage (the last child named
     * {@code up...}, as a U-Net's), else the model's first child.
     */
    public static String defaultLayer(Module segmentationModel) {
        List<String> ups = segmentationModel.children().keySet().stream().filter(k -> k.startsWith("up")).toList();
        return "net." + (ups.isEmpty() ? segmentationModel.children().keySet().iterator().next()
                : ups.get(ups.size() - 1));
    }

    /** Per image a {@code 0/1} mask of the output's {@code H x W} (row-major) and the class explained. */
    public void setTargets(float[][] masks, int[] classes) {
        this.masks = masks;
        this.classes = classes;
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray logits = net.apply(x); // [N, K, H, W]
        Shape s = logits.getShape();
        int n = (int) s.get(0);
        int k = (int) s.get(1);
        int hw = (int) (s.get(2) * s.get(3));
        if (masks == null || masks.length != n) {
            throw new IllegalStateException("setTargets with one mask per image first");
        }
        float[] weights = new float[n * k * hw];
        for (int i = 0; i < n; i++) {
            if (masks[i].length != hw) {
                throw new IllegalArgumentException("mask " + i + " has " + masks[i].length + " values for " + hw + " pixels");
            }
            double area = 0;
            for (float v : masks[i]) {
                area += v;
            }
            for (int p = 0; p < hw; p++) {
                weights[(i * k + classes[i]) * hw + p] = area == 0 ? 0 : (float) (masks[i][p] / area);
            }
        }
        NDArray w = x.getManager().create(weights, s);
        return logits.mul(w).sum(new int[] {1, 2, 3}).reshape(n, 1);
    }
}
